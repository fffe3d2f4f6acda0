/**
 * The shape of a documented workflow as data: its steps as the documentation prints them (number per
 * edition, where, what kind, which MAPI action, when it applies, what it leads to), the routes from each
 * observed phase to each declared state, and per kind of link the facts of each phase. One planner walks
 * any workflow of this shape; every question about a workflow is asked of these tables.
 */
import type {
  AccessModes,
  ActiveSystem,
  CheckId,
  DeclaredState,
  Edition,
  ItemSource,
  LinkKind,
  LinkMemory,
  LinkPhase,
  Observation,
  PhaseAnalysis,
  PhaseLabels,
  PlanOptions,
  PlannedStep,
  Refusal,
  Side,
  StepAction,
  StepKind,
  StepSide,
  When,
  WorkflowId,
} from "../model/types";

export type { Edition, StepKind, StepSide, Condition, When, CheckId, WorkflowId } from "../model/types";

/** What a person must do for an operator step: a headline and numbered instructions. */
export interface OperatorInstructions {
  /** `a person must accept the restored link l on hcp-a (primary) (cross-release link; MAPI cannot accept it).` */
  headline: string;
  /** One line each, numbered by the executor. */
  steps: readonly string[];
  /** What to do should the wait's deadline pass first: "accept it anyway and re-run `pulumi up`." */
  afterDeadline: string;
}

/** One row of a documented table, or a step the provider adds (no number in any edition). */
export interface WorkflowStep {
  /** Unique across all workflows. */
  readonly id: string;
  /** Its number in each edition's table that lists it; none: a step the provider adds. */
  readonly numbers: Partial<Record<Edition, number>>;
  readonly side: StepSide;
  readonly kind: StepKind;
  /** The MAPI action, for `kind: "action"`: a link action, or a tenant action on each item. */
  readonly action?: StepAction;
  /** The step is planned once per item of this source (e.g. each tenant to pause), in the source's order. */
  readonly each?: ItemSource;
  /** For `kind: "check"`. */
  readonly check?: CheckId;
  /**
   * When the step applies; absent: always. A check step is planned always (it changes nothing and verifies
   * what the documented condition protects): its `when` says when the documentation calls for the work.
   */
  readonly when?: When;
  /** The systems that must answer for the step to run. */
  readonly needs: readonly Side[];
  /** The phase the step leads to (the documented effect), when it changes the phase. */
  readonly leadsTo?: LinkPhase;
  /** One line naming the system, e.g. "On hcp-b (replica), fail over link link-ab"; `item` for a step with `each`. */
  readonly title: (o: PlanOptions, item?: string) => string;
  /** For waits and a person's steps: what is waited for, in a sentence and in a few words. */
  readonly waitingFor?: (o: PlanOptions) => { long: string; short: string };
  /** For a person's steps: what to do; `console` is where the system's System Management Console answers. */
  readonly instructions?: (o: PlanOptions, console: string) => OperatorInstructions;
  /**
   * What the step does to a split brain: "begins" when the other system cannot be told of it (it does not
   * answer, or cannot reach this one, and keeps accepting writes); "ends" once it has run.
   */
  readonly splitBrain?: "begins" | "ends";
}

/** How a declared state is reached: from which phase the walk starts at which step, through which step. */
export interface Route {
  /** The last step of the walk. */
  readonly through: string;
  /** The phase the systems are in once the walk has run. */
  readonly reaches: LinkPhase;
  /** Phases in which the state is reached already (nothing to do but the `settles` rows). */
  readonly reachedIn: readonly LinkPhase[];
  /**
   * Rows of the walk still planned once the state is reached, where they apply: what a run leaves to
   * put right after the phase that ends it (e.g. a setting changed for the walk, put back).
   */
  readonly settles?: readonly string[];
  /** Observed phase -> the first step still to do. */
  readonly from: Partial<Record<LinkPhase, string>>;
}

/** What the link model's readings and refusals read: before a workflow is chosen. */
export interface ReadingContext {
  readonly declared: DeclaredState;
  readonly analysis: PhaseAnalysis;
  readonly obs: Observation;
  readonly opts: PlanOptions;
}

/** What a workflow hands its refusals and warnings: everything it reads, planned in order. */
export interface PlanContext extends ReadingContext {
  readonly edition: Edition;
  /** The workflow's survivor (the system that keeps serving and runs the actions). */
  readonly survivor: Side;
}

/** The facts of one phase of a kind of link (docs/replication-model.md, "Link phases"). */
export interface PhaseFacts {
  /** In words, for refusals: "failed over (replica active)". */
  readonly words: string;
  /** Which system serves clients; "survivor": the one failOverTo names. */
  readonly serves: ActiveSystem | "survivor";
  /**
   * Access of the link's tenants on each side (TENANT_ACCESS, provider/mapi/assumptions.ts); "underneath":
   * that of the phase a suspension or an unreadable message hides.
   */
  readonly access: { readonly primary: "read-write" | "read-only"; readonly replica: "read-write" | "read-only" } | "underneath";
  /** Only a failover leads here: fault messages may then hide data recovery, and the replica leads the configuration. */
  readonly followsFailover: boolean;
  /** The declared state `pulumi refresh` reports for this phase; absent: the declared one stands. */
  readonly refreshAs?: DeclaredState;
  /** Declared states an `up` passes through this phase on its way to: refresh keeps them. */
  readonly onTheWayTo?: readonly DeclaredState[];
  /** The refusal where the chosen workflow has no route from this phase; absent: the workflow's own `noRoute`. */
  readonly cannotReach?: (ctx: PlanContext) => Refusal;
}

/** One kind of link (active/passive, active/active): how it is read, and the facts of its phases. */
export interface LinkModel {
  readonly kind: LinkKind;
  /** The phase readings of this kind of link (provider/readings). `ignoreSuspension` looks under a suspension. */
  readonly analyse: (obs: Observation, labels?: PhaseLabels, ignoreSuspension?: boolean) => PhaseAnalysis;
  /** Every phase the readings can give. */
  readonly phases: Readonly<Record<LinkPhase, PhaseFacts>>;
  /** The values of failOverTo this kind of link has. */
  readonly failOverTargets: readonly Side[];
  /** Why no workflow of this kind serves the declared state (or failOverTo). */
  readonly noWorkflow: (declared: DeclaredState, opts: PlanOptions) => Refusal;
  /** Readings no step can start from, before any table is walked. */
  readonly unreadable?: (ctx: ReadingContext) => Refusal | undefined;
  /** When fault messages hide the phase after a failover (the analysis is `ambiguous`). */
  readonly ambiguous?: (ctx: ReadingContext) => Refusal;
  /** The primary kept accepting writes while failed over (it was not told), as memory or its message says. */
  readonly splitBrainNow?: (ctx: ReadingContext) => boolean;
  /** Access of the link's tenants in `phase`, with the documented exceptions of this kind of link. */
  readonly access: (obs: Observation, phase: LinkPhase, memory: LinkMemory) => AccessModes;
}

/**
 * A workflow over what the link carries rather than its direction (its tenants): planned once the declared
 * state is reached, in these phases, by the table bound to the system that serves clients then.
 */
export interface ContentScope {
  readonly servedBy: Side;
  readonly phases: readonly LinkPhase[];
}

export interface Workflow {
  readonly id: WorkflowId;
  /** As the documentation titles it: "Primary system failure workflow". */
  readonly name: string;
  /** The kind of link it walks; "any": both. */
  readonly kind: LinkKind | "any";
  /** For a workflow over the link's content: when it applies (it has no routes). */
  readonly content?: ContentScope;
  /** The failOverTo this table serves; absent: whatever failOverTo says (its survivor is its own). */
  readonly failOverTo?: Side;
  /** The system that keeps serving while the other is down, and runs the actions. */
  readonly survivor: Side;
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
  readonly unreachable: (ctx: PlanContext, side: Side, step: PlannedStep) => Refusal;
  /** Refusals the workflow's own readings call for, once its steps are known. */
  readonly guards?: readonly ((ctx: PlanContext, steps: readonly PlannedStep[]) => Refusal | undefined)[];
  /** What a person must know before the steps run. */
  readonly warnings?: (ctx: PlanContext, steps: readonly PlannedStep[]) => string[];
  /** Facts the plan ends with (e.g. the data a failover leaves behind). */
  readonly notes?: (ctx: PlanContext, steps: readonly PlannedStep[]) => string[];
}
