/**
 * ReplicationFailover: which system of a link is active. `state` is the declared direction; preview
 * shows the documented steps (primary-failure, replica-failure or active/active workflow) that `up` will
 * run to get there. On an active/active link both systems serve while it replicates, and `failOverTo`
 * names the one that keeps serving when it is failed over.
 */
import * as pulumi from "@pulumi/pulumi";
import { HcpResource } from "./hcpResource";
import shim = require("./shims/failover");
import { HcpSystem, SystemConnection } from "./system";
import type { LagReading, ReadinessItem } from "../model/types";
import type { LastTransition } from "../engine/lastTransition";
import { SiteProvider } from "./siteProvider";
import { systemInput } from "./systemInput";

export type FailoverState = "replicating" | "failedOver" | "recovering" | "suspended";
export const failoverStates: readonly FailoverState[] = ["replicating", "failedOver", "recovering", "suspended"];

export type AccessMode = "read-write" | "read-only" | "unreachable";

/** The system that keeps serving while failed over; "primary" only on an active/active link. */
export type FailOverTarget = "replica" | "primary";
export const failOverTargets: readonly FailOverTarget[] = ["replica", "primary"];

export interface ReplicationFailoverArgs {
  /** Name of the active/passive link (as created by ReplicationLink). */
  link: pulumi.Input<string>;
  /** The system that is active in normal operation (sends data). */
  primary: HcpSystem;
  /** The system that takes over when the primary fails. */
  replica: HcpSystem;
  /**
   * "replicating" (primary active), "failedOver" (replica active), "recovering" (replica active, recovery
   * begun), "suspended" (primary active, the link suspended on it while the replica is down).
   */
  state: pulumi.Input<FailoverState>;
  /**
   * Active/active links: the system that keeps serving while failed over (default "replica"); the plan
   * runs every step on it. On an active/passive link only "replica" is valid.
   */
  failOverTo?: pulumi.Input<FailOverTarget>;
  /** Whether HCP's DNS failover redirects clients; when false the plan says when clients must be redirected. */
  dnsFailover?: pulumi.Input<boolean>;
  /** completeRecovery is sent once the primary is at most this many seconds behind (default 300). */
  completeRecoveryWhenBehindSeconds?: pulumi.Input<number>;
  /** Deadline of each wait (recovery progress, operator acceptance), in seconds (default 3600). */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** How often a wait re-reads the systems, in seconds (default 15). */
  pollIntervalSeconds?: pulumi.Input<number>;
  /**
   * Planned switchover (both systems answer and are in contact): failOver waits until the replica is at
   * most this many seconds behind the primary (default 0: nothing pending), after telling the operator to
   * stop client writes. An unplanned failover (primary down or cut off) does not wait.
   */
  maxDataLossSeconds?: pulumi.Input<number>;
  /** Fail over without waiting for the replica to catch up; needs acceptDataLossReason. */
  acceptDataLoss?: pulumi.Input<boolean>;
  /** Why data may be left behind; recorded in executedSteps. */
  acceptDataLossReason?: pulumi.Input<string>;
  /**
   * Tenants of the link whose replication is paused (`POST …/content/tenants/<t>?pause`); every other tenant
   * of the link is resumed, an AUTO_PAUSED one once HCP accepts it (its cause fixed). Applied on the system
   * that serves, once `state` is reached. Omitted: tenants are left as they are.
   */
  pausedTenants?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Run data recovery at this performance level: the link's schedule override is set to it before step 6
   * (9.x numbering) and the override found is put back once recovery finishes (hcp-workflows.md 5, "schedule").
   */
  recoveryPerformanceLevel?: pulumi.Input<RecoveryPerformanceLevel>;
}

export type RecoveryPerformanceLevel = "LOW" | "MEDIUM" | "HIGH" | "CUSTOM";
export const recoveryPerformanceLevels: readonly RecoveryPerformanceLevel[] = ["LOW", "MEDIUM", "HIGH", "CUSTOM"];

/** What the provider methods receive once Pulumi has resolved the inputs. */
export interface FailoverInputs {
  link: string;
  primary: SystemConnection;
  replica: SystemConnection;
  state: FailoverState;
  failOverTo?: FailOverTarget;
  dnsFailover?: boolean;
  completeRecoveryWhenBehindSeconds?: number;
  waitTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
  maxDataLossSeconds?: number;
  acceptDataLoss?: boolean;
  acceptDataLossReason?: string;
  pausedTenants?: string[];
  recoveryPerformanceLevel?: RecoveryPerformanceLevel;
  /** Kept by check between runs: the schedule override found before recovery raised it, to put back. */
  keptScheduleOverride?: string;
  /** Filled in by check from the live systems: the steps `up` will run. */
  plannedSteps?: string[];
  /** Filled in by check: the phase observed during preview. */
  observedPhase?: string;
  /**
   * Filled in by check: the active system and both access modes as read ("primary read-write/read-only"). When
   * they differ from the outputs (a system came back, a change outside the stack), `up` updates the outputs.
   */
  observedAccess?: string;
  /**
   * Kept by check between runs (it sees old inputs only): the last phase the systems showed for sure,
   * which settles "Stalled link" readings that may hide data recovery.
   */
  lastKnownPhase?: string;
  /** Kept by check between runs: the primary is (or after the planned failover will be) in a split brain. */
  splitBrainSuspected?: boolean;
  /** Kept by check between runs: the last lag primary -> replica read while the primary answered. */
  lastKnownLag?: LagReading;
}

export interface ExecutedStepRecord {
  /** The step's number as the plan showed it (the edition's table); absent for a step it does not number. */
  number?: number;
  /** As the plan showed it: "6", or "before step 6". */
  label: string;
  title: string;
  outcome: string;
  startedAt: string;
  finishedAt: string;
  /** How the step ran when that matters, e.g. "sent as ?beginRecover: ?beginRecovery was accepted (HTTP 200) without effect". */
  note?: string;
}

/** The system that serves clients: "both" while an active/active link replicates. */
export type ActiveSystem = "primary" | "replica" | "both";

export interface FailoverOutputs extends FailoverInputs {
  activeSystem: ActiveSystem;
  phase: string;
  plannedSteps: string[];
  executedSteps: ExecutedStepRecord[];
  primaryAccess: AccessMode;
  replicaAccess: AccessMode;
  /** True when failover ran while the primary could not be told (both sides read-write until recovery). */
  splitBrain: boolean;
  /** What the last transition cost: start, end, seconds (RTO) and the data behind when it began (RPO exposure). */
  lastTransition?: LastTransition;
  /** Whether the failover or recovery will work, from what the systems report (the last preview, up or refresh). */
  readiness?: ReadinessItem[];
}

/** Both sides as inputs; under a SiteProvider each names its CA certificate by digest. */
function sidesInput(args: ReplicationFailoverArgs, caHeldByProvider: boolean) {
  return { primary: systemInput(args.primary, caHeldByProvider), replica: systemInput(args.replica, caHeldByProvider) };
}

export class ReplicationFailover extends HcpResource {
  declare readonly link: pulumi.Output<string>;
  declare readonly state: pulumi.Output<FailoverState>;
  /** The system that serves clients now. */
  declare readonly activeSystem: pulumi.Output<ActiveSystem>;
  /** The link phase observed on the systems. */
  declare readonly phase: pulumi.Output<string>;
  /** The documented steps `up` will run (empty once the systems match `state`). */
  declare readonly plannedSteps: pulumi.Output<string[]>;
  /** What the last `up` did, with times. */
  declare readonly executedSteps: pulumi.Output<ExecutedStepRecord[]>;
  declare readonly primaryAccess: pulumi.Output<AccessMode>;
  declare readonly replicaAccess: pulumi.Output<AccessMode>;
  declare readonly splitBrain: pulumi.Output<boolean>;
  /** What the last transition cost: from, to, startedAt, finishedAt, seconds (RTO), dataBehindAtStart (RPO exposure). */
  declare readonly lastTransition: pulumi.Output<LastTransition | undefined>;
  /** Whether the failover or recovery will work: `[{ check, status: pass|warn|fail, detail, wayForward? }]`. */
  declare readonly readiness: pulumi.Output<ReadinessItem[]>;

  constructor(name: string, args: ReplicationFailoverArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ReplicationFailover",
      shim,
      name,
      () => ({
        ...args,
        ...sidesInput(args, opts?.provider instanceof SiteProvider),
        activeSystem: undefined,
        phase: undefined,
        plannedSteps: undefined,
        executedSteps: undefined,
        primaryAccess: undefined,
        replicaAccess: undefined,
        splitBrain: undefined,
        observedPhase: undefined,
        observedAccess: undefined,
        lastTransition: undefined,
        readiness: undefined,
      }),
      opts,
    );
  }
}
