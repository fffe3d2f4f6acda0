/**
 * Types of the pure planner: what was observed on both systems, what the user declared, and the plan
 * (ordered seed steps) or refusal that connects them. Data only.
 */
import type { LinkAction, LinkView } from "../mapi/types";
import type { CheckId, Edition, StepKind, StepSide, WorkflowId } from "../workflows/types";

export type { LinkAction, LinkView };

/** The direction the user declares for the link ("suspended": the replica is down, the primary serves). */
export type DeclaredState = "replicating" | "failedOver" | "recovering" | "suspended";

/** Every declared state, for validation messages. */
export const DECLARED_STATES: readonly DeclaredState[] = ["replicating", "failedOver", "recovering", "suspended"];

/** Where the link is, derived from both systems (see docs/replication-model.md). */
export type LinkPhase =
  | "replicating"
  | "failedOver"
  | "pendingAcceptance"
  | "pendingReplicaAcceptance"
  | "recovering"
  | "completing"
  | "suspended"
  | "absent"
  | "unknown";

/** What was read from one system. */
export interface SideObservation {
  /** False when the system could not be read (down, network, TLS, credentials). */
  reachable: boolean;
  /** Why it could not be read (no secrets). */
  error?: string;
  /** `X-HCP-SoftwareVersion`, e.g. "9.2.27". */
  softwareVersion?: string;
  /** The verbose link; null: no such link on this system; undefined: not read. */
  link?: LinkView | null;
}

/** Both systems at one moment. */
export interface Observation {
  primary: SideObservation;
  replica: SideObservation;
  /** Whether each system trusts the other's current replication server certificate. */
  trust: { primaryTrustsReplica: boolean | "unknown"; replicaTrustsPrimary: boolean | "unknown" };
  /** When the observation was taken (ms since the epoch). */
  now: number;
}

export interface PlanOptions {
  /** HCP DNS failover redirects clients; when false the plan tells the operator when to redirect them. */
  dnsFailover: boolean;
  /** completeRecovery waits until the data is at most this many seconds behind. */
  completeRecoveryWhenBehindSeconds: number;
  linkName: string;
  primaryName: string;
  replicaName: string;
  /** What the resource remembers of the link between runs. */
  memory?: LinkMemory;
  /**
   * Number the steps as this edition's table, whatever the versions read: a run keeps the edition of its
   * first plan, as a poll that reads one system only does not see both releases.
   */
  edition?: Edition;
}

/** What a ReplicationFailover remembers of its link between runs: one record, kept in its state. */
export interface LinkMemory {
  /**
   * The last phase this resource could tell for sure (from its state or earlier in the run). It settles
   * readings that fault messages make ambiguous: "Stalled link" on both sides is plain replication after
   * "replicating", but may be data recovery in progress after a failover.
   */
  lastKnownPhase?: LinkPhase;
  /** The replica failed over while the primary could not be told: the primary kept accepting writes. */
  splitBrain?: boolean;
}

export type { StepKind, StepSide, Edition, WorkflowId, CheckId } from "../workflows/types";

/** A step id: unique across the workflow tables (provider/workflows). */
export type StepId = string;

export interface PlannedStep {
  /** The workflow whose table the step is from. */
  workflow: WorkflowId;
  id: StepId;
  /** Position in that table (its order, whatever the numbering). */
  order: number;
  /** Its number in the plan's edition; absent for a step that edition does not list. */
  number?: number;
  /** How the plan shows it: "6", or "before step 6" for a step without a number. */
  label: string;
  kind: StepKind;
  /** Where the step happens; "operator" for what a person must do outside HCP. */
  side: StepSide;
  /** The link action, for `kind: "action"`. */
  action?: LinkAction;
  /** The check, for `kind: "check"`. */
  check?: CheckId;
  /** One line naming the system, e.g. "On hcp-b (replica), fail over link link-ab". */
  title: string;
}

/** Why the planner will not go on, and what to do about it. */
export interface Refusal {
  reason: string;
  found: string;
  expected: string;
  wayForward: string;
  /** The systems cannot tell us now, but may once they reach each other again: a wait keeps polling. */
  waitable?: true;
}

/** Which documented table a plan follows, and the document that prints it. */
export interface PlanSource {
  workflow: WorkflowId;
  edition: Edition;
  /** "HCP System Management Help 9.x, Primary system failure workflow". */
  document: string;
}

export type Plan =
  /** `warnings`: what a person must know before the steps run (e.g. data a split brain puts at risk). */
  | { ok: true; phase: LinkPhase; steps: PlannedStep[]; warnings?: string[]; source?: PlanSource }
  | { ok: false; phase: LinkPhase; refusal: Refusal };

export type AccessMode = "read-write" | "read-only" | "unreachable";

export interface AccessModes {
  primaryAccess: AccessMode;
  replicaAccess: AccessMode;
}

/** How far behind the receiving system is, from the link statistics (undefined: not reported). */
export interface DataBehind {
  objects?: number;
  bytes?: number;
  /** Seconds between `upToDateAsOfMillis` and the observation time. */
  seconds?: number;
  upToDateAsOf?: string;
}
