/**
 * The shape of a documented workflow as data: its steps as the documentation prints them (number per
 * edition, where, what kind, which MAPI action, when it applies, what it leads to), and the routes from
 * each observed phase to each declared state. One planner walks any workflow of this shape.
 */
import type { LinkAction } from "../mapi/types";
import type { DeclaredState, LinkPhase, Observation, PlanOptions, PlannedStep, Refusal } from "../planner/types";
import type { PhaseAnalysis } from "../planner/phase";

/** The editions whose tables the plan numbers by (see `editionOf` in provider/mapi/assumptions.ts). */
export type Edition = "9.x" | "7.x";

export type StepKind = "action" | "wait" | "operator" | "notice" | "check";

/** Where a step happens; "operator" for what a person does outside HCP. */
export type StepSide = "primary" | "replica" | "operator";

/**
 * What a step's applying may depend on, read from the observation and the options (planner/conditions.ts):
 * - dnsFailoverOff: HCP's DNS failover does not redirect clients (`dnsFailover: false`);
 * - linkBroken: the system that keeps the link answers and the other answers without it;
 * - systemRebuilt: the same reading, in the documentation's words for the certificate exchange;
 * - crossRelease: a restore on this link leaves a pending request (provider/mapi/assumptions.ts);
 * - pendingRequest: a pending link request is observed on either system;
 * - recoveryBehind: data recovery has not begun, or is more than completeRecoveryWhenBehindSeconds behind;
 * - survivorSuspended: the link is suspended on the system that keeps serving.
 */
export type Condition =
  | "dnsFailoverOff"
  | "linkBroken"
  | "systemRebuilt"
  | "crossRelease"
  | "pendingRequest"
  | "recoveryBehind"
  | "survivorSuspended";

/** Any one of these lists of conditions, each list holding all at once. */
export type When = readonly (readonly Condition[])[];

/** The check a check step evaluates against a fresh observation (planner/checks.ts). */
export type CheckId = "certificatesTrusted" | "linkOnReplica" | "linkOnPrimary";

export type WorkflowId = "primaryFailure" | "replicaFailure" | "activeActive";

/** One row of a documented table, or a step the provider adds (no number in any edition). */
export interface WorkflowStep {
  /** Unique across all workflows. */
  readonly id: string;
  /** Its number in each edition's table that lists it; none: a step the provider adds. */
  readonly numbers: Partial<Record<Edition, number>>;
  readonly side: StepSide;
  readonly kind: StepKind;
  /** The MAPI link action, for `kind: "action"`. */
  readonly action?: LinkAction;
  /** For `kind: "check"`. */
  readonly check?: CheckId;
  /**
   * When the step applies; absent: always. A check step is planned always (it changes nothing and verifies
   * what the documented condition protects): its `when` says when the documentation calls for the work.
   */
  readonly when?: When;
  /** The systems that must answer for the step to run. */
  readonly needs: readonly ("primary" | "replica")[];
  /** The phase the step leads to (the documented effect), when it changes the phase. */
  readonly leadsTo?: LinkPhase;
  /** One line naming the system, e.g. "On hcp-b (replica), fail over link link-ab". */
  readonly title: (o: PlanOptions) => string;
  /** For waits and a person's steps: what is waited for, in a sentence and in a few words. */
  readonly waitingFor?: (o: PlanOptions) => { long: string; short: string };
}

/** How a declared state is reached: from which phase the walk starts at which step, through which step. */
export interface Route {
  /** The last step of the walk. */
  readonly through: string;
  /** Phases in which the state is reached already (nothing to do). */
  readonly reachedIn: readonly LinkPhase[];
  /** Observed phase -> the first step still to do. */
  readonly from: Partial<Record<LinkPhase, string>>;
}

/** What a workflow hands the planner besides its table: everything it reads, planned in order. */
export interface PlanContext {
  readonly declared: DeclaredState;
  readonly analysis: PhaseAnalysis;
  readonly obs: Observation;
  readonly opts: PlanOptions;
  readonly edition: Edition;
}

export interface Workflow {
  readonly id: WorkflowId;
  /** As the documentation titles it: "Primary system failure workflow". */
  readonly name: string;
  readonly linkType: "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";
  /** The system that keeps serving while the other is down, and runs the actions. */
  readonly survivor: (o: PlanOptions) => "primary" | "replica";
  /** The table, in the documentation's order (provider-added steps where they run). */
  readonly steps: readonly WorkflowStep[];
  readonly routes: Partial<Record<DeclaredState, Route>>;
  /** The phase the routes are keyed by, when the workflow reads the analysis its own way. */
  readonly routePhase?: (ctx: PlanContext) => LinkPhase;
  /** Shown while neither system has the link (the ReplicationLink resource creates it). */
  readonly absentLinkStep?: string;
  /** The refusal when the route has no way from the observed phase to the declared state. */
  readonly noRoute: (ctx: PlanContext, phase: LinkPhase) => Refusal;
  /** The refusal when a step needs a system that does not answer. */
  readonly unreachable: (ctx: PlanContext, side: "primary" | "replica", step: PlannedStep) => Refusal;
  /** Refusals the workflow's own readings call for, once its steps are known. */
  readonly guards?: readonly ((ctx: PlanContext, steps: readonly PlannedStep[]) => Refusal | undefined)[];
  /** What a person must know before the steps run. */
  readonly warnings?: (ctx: PlanContext, steps: readonly PlannedStep[]) => string[];
}
