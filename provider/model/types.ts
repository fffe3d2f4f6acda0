/**
 * The shared vocabulary of every layer above the MAPI client: what was observed on both systems, what the
 * user declared, what a resource remembers between runs, the steps of a plan and the refusals. Data only.
 */
import type { LinkAction, LinkType, LinkView, TenantReplicationState } from "../mapi/types";

export type { LinkAction, LinkView, TenantReplicationState };

/** An action on one tenant of a link (`POST …/links/<l>/content/tenants/<t>?pause|resume`). */
export type TenantAction = "pauseTenant" | "resumeTenant";

/** What an action step sends: a link action, or an action on one tenant of the link (the step's item). */
/** An action that sets the link's schedule override (its performance level) to the step's item. */
export type ScheduleAction = "setScheduleOverride";

export type StepAction = LinkAction | TenantAction | ScheduleAction;

/** Where a table step's items come from (readings/items.ts); a step with items is planned once per item. */
export type ItemSource = "tenantsToPause" | "tenantsToResume" | "autoPausedTenantsToResume" | "recoveryScheduleToSet" | "scheduleToPutBack";

/** One system of a link, by its role in the link. */
export type Side = "primary" | "replica";

/** The two kinds of link HCP has; an active/passive link is OUTBOUND on its primary and INBOUND on its replica. */
export type LinkKind = "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";

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
  /**
   * Not reachable, yet the system answered: what it said could not be read (a malformed body, an HTTP
   * error). It is running, so it may still serve clients: it is not a dead system.
   */
  answered?: true;
  /** `X-HCP-SoftwareVersion`, e.g. "9.2.27". */
  softwareVersion?: string;
  /** The verbose link; null: no such link on this system; undefined: not read. */
  link?: LinkView | null;
  /** What its replication service reports (verbose `replicationService`); undefined: not read. */
  service?: ServiceFacts;
  /** False: the system runs a release without the replication Management API (it cannot have the link). */
  replicationMapi?: false;
}

/** A system's replication service as it reports it (hcp-mapi-replication.md, `replicationService`). */
export interface ServiceFacts {
  /** ENABLED, or SHUTDOWN after `shutDownAllLinks` (no link replicates until `reestablishAllLinks`). */
  status?: "ENABLED" | "SHUTDOWN";
  /** `enableDNSFailover`: the system broadcasts DNS changes when a link fails over or back. */
  dnsFailover?: boolean;
}

/** Both systems at one moment. */
export interface Observation {
  primary: SideObservation;
  replica: SideObservation;
  /** Whether each system trusts the other's current replication server certificate. */
  trust: { primaryTrustsReplica: boolean | "unknown"; replicaTrustsPrimary: boolean | "unknown" };
  /** When the observation was taken (ms since the epoch). */
  now: number;
  /** The replication status of each tenant of the link, where it was read (only when the tenants are declared). */
  tenants?: { on: Side; statuses: Readonly<Record<string, TenantReplicationState>> };
  /** The schedule override that governs the link, as read on `on` (only when a recovery performance level is declared). */
  schedule?: { on: Side; override: string };
}

/** One reading of the replication lag primary -> replica. */
export interface LagReading {
  objects?: number;
  bytes?: number;
  /** Seconds between the replica's "up to date as of" and the reading (0 when nothing is pending). */
  seconds?: number;
  /** When the reading was taken (ISO 8601); a reading kept between runs keeps the time it was first seen. */
  readAt: string;
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
  /** The last lag primary -> replica read while the primary answered (what a failover leaves behind). */
  lag?: LagReading;
  /** The schedule override found before data recovery raised it (recoveryPerformanceLevel), to put back after. */
  scheduleFound?: string;
}

/** The editions whose tables the plan numbers by (see `editionOf` in provider/mapi/assumptions.ts). */
export type Edition = "9.x" | "7.x";

/**
 * How a step runs; the executor has one runner per kind:
 * - action: one MAPI link action, sent once and verified;
 * - wait: polls until the documented effect shows;
 * - operator: a person acts outside HCP's API; polled like a wait;
 * - notice: told, nothing sent;
 * - check: evaluated against a fresh observation;
 * - drain: before a planned switchover, polls until the replica has caught up with the primary.
 */
export type StepKind = "action" | "wait" | "operator" | "notice" | "check" | "drain";

/** Where a step happens; "operator" for what a person does outside HCP. */
export type StepSide = Side | "operator";

/**
 * What a step's applying may depend on, read from the observation and the options (readings/conditions.ts):
 * - dnsFailoverOff: HCP's DNS failover does not redirect clients (`dnsFailover: false`);
 * - linkBroken: the system that keeps the link answers and the other answers without it;
 * - systemRebuilt: the same reading, in the documentation's words for the certificate exchange;
 * - crossRelease: a restore on this link leaves a pending request (provider/mapi/assumptions.ts);
 * - pendingRequest: a pending link request is observed on either system;
 * - recoveryBehind: data recovery has not begun, or is more than completeRecoveryWhenBehindSeconds behind;
 * - survivorSuspended: the link is suspended on the system that keeps serving;
 * - plannedSwitchover: both systems answer and are in contact, and data loss is not accepted;
 * - dataLossAccepted: `acceptDataLoss` is set.
 */
export type Condition =
  | "dnsFailoverOff"
  | "linkBroken"
  | "systemRebuilt"
  | "crossRelease"
  | "pendingRequest"
  | "recoveryBehind"
  | "survivorSuspended"
  | "plannedSwitchover"
  | "dataLossAccepted";

/** Any one of these lists of conditions, each list holding all at once. */
export type When = readonly (readonly Condition[])[];

/** The check a check step evaluates against a fresh observation (readings/checks.ts). */
export type CheckId = "certificatesTrusted" | "linkOnReplica" | "linkOnPrimary";

/** activeActive fails over to the replica, activeActiveToPrimary to the primary (the same documented table). */
export type WorkflowId = "primaryFailure" | "replicaFailure" | "activeActive" | "activeActiveToPrimary" | "tenantPauseOnPrimary" | "tenantPauseOnReplica";

/** A step id: unique across the workflow tables (provider/workflows). */
export type StepId = string;

/** What the user declared that the plan depends on, besides the state. */
export interface PlanOptions {
  /**
   * The declared DNS failover (HCP redirects clients; when off the plan tells the operator when to redirect
   * them). What the systems report (`replicationService.enableDNSFailover`) wins; this stands in only where
   * no system reports it. Undefined: not declared.
   */
  dnsFailover?: boolean;
  /** completeRecovery waits until the data is at most this many seconds behind. */
  completeRecoveryWhenBehindSeconds: number;
  linkName: string;
  primaryName: string;
  replicaName: string;
  /** What the resource remembers of the link between runs. */
  memory?: LinkMemory;
  /** The system that keeps serving while failed over (active/active links; default "replica"). */
  failOverTo?: Side;
  /**
   * Number the steps as this edition's table, whatever the versions read: a run keeps the edition of its
   * first plan, as a poll that reads one system only does not see both releases.
   */
  edition?: Edition;
  /** A planned switchover: the replica may be at most this many seconds behind when failOver is sent (0: nothing pending). */
  maxDataLossSeconds?: number;
  /** Fail over without waiting for the replica to catch up. */
  acceptDataLoss?: boolean;
  /** Why data may be left behind (recorded). */
  acceptDataLossReason?: string;
  /** The tenants whose replication is declared paused on the link; undefined: the tenants are not managed. */
  pausedTenants?: readonly string[];
  /** The performance level data recovery runs at (the link's schedule override), put back afterwards. */
  recoveryPerformanceLevel?: string;
}

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
  /** The action, for `kind: "action"`. */
  action?: StepAction;
  /** The check, for `kind: "check"`. */
  check?: CheckId;
  /** The item a step planned once per item acts on (a tenant). */
  item?: string;
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
  /**
   * `warnings`: what a person must know before the steps run (e.g. data a split brain puts at risk);
   * `notes`: facts the plan ends with (e.g. the data a failover leaves behind).
   */
  | { ok: true; phase: LinkPhase; steps: PlannedStep[]; warnings?: string[]; notes?: string[]; source?: PlanSource }
  | { ok: false; phase: LinkPhase; refusal: Refusal };

export type AccessMode = "read-write" | "read-only" | "unreachable";

export interface AccessModes {
  primaryAccess: AccessMode;
  replicaAccess: AccessMode;
}

/** The system that serves clients: "both" while an active/active link replicates. */
export type ActiveSystem = Side | "both";

/** How far behind the receiving system is, from the link statistics (undefined: not reported). */
export interface DataBehind {
  objects?: number;
  bytes?: number;
  /** Seconds between `upToDateAsOfMillis` and the observation time. */
  seconds?: number;
  upToDateAsOf?: string;
}

/** Why the phase is what it is, with the facts the planner's refusals name (readings/phase.ts). */
export interface PhaseAnalysis {
  phase: LinkPhase;
  /** Words for what was found, using "primary"/"replica" or the given names. */
  detail: string;
  /** The primary answers and has no such link while the replica has it: the link is broken. */
  primaryLacksLink: boolean;
  /** A link of the wrong type on one side. */
  wrongType?: { side: Side; found: LinkType; expected: LinkType };
  /** A statusMessage this workflow does not expect (or none at all). */
  unexpectedMessage?: { side: Side; message: string | undefined };
  /** Which side(s) lack answers, when that made the phase unknown. */
  unreachable?: Side[];
  /** The side(s) on which the link is suspended. */
  suspendedOn?: Side[];
  /**
   * The phase was read from fault messages only ("Stalled link" and the like, or one side silent), which
   * data recovery shows too: "replicating" may hide recovery in progress. Only the history can tell.
   */
  ambiguous?: true;
}

/** How readings name the two systems. */
export interface PhaseLabels {
  primary: string;
  replica: string;
}

/** Result of evaluating a check step against a fresh observation. */
export type CheckResult = { passed: true; detail: string } | { passed: false; refusal: Refusal };

/** One check of readiness: what decides whether the declared failover or recovery will work. */
export interface ReadinessItem {
  /** What is checked, and where: "role on hcp-a", "certificate expiry on hcp-b". */
  check: string;
  status: "pass" | "warn" | "fail";
  detail: string;
  wayForward?: string;
  /** A fail the planned steps cannot get past: preview fails on it, as on a refusal. */
  blocking?: true;
}

/** A certificate as a system lists it (or as its PEM says), for expiry. */
export interface CertificateDates {
  subjectDN: string;
  expiresOn: string;
  /** "server": the system's own replication server certificate; else the id of a trusted one. */
  id: string;
}

/** What readiness reads of one system besides the link: the account's role and its certificates. */
export interface SystemReadiness {
  /** ADMINISTRATOR: the server certificate could be downloaded; MONITOR: that was refused with 403. */
  role?: "ADMINISTRATOR" | "MONITOR";
  /** Its own replication server certificate and the certificates it trusts, with their dates. */
  certificates?: CertificateDates[];
  /** What could not be read (no secrets). */
  errors: string[];
}
