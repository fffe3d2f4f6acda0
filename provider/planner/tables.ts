/**
 * Questions asked of the workflow tables and the link models, for the layers above: which phase a declared
 * state is reached in, which system serves, what refresh reports, whether a plan calls for certificate
 * trust, whether a split brain begins. Pure: the answers are in the tables, not here.
 */
import type { AccessModes, ActiveSystem, DeclaredState, LinkKind, LinkMemory, LinkPhase, Observation, Plan, PlanOptions, PlannedStep } from "../model/types";
import { applies } from "../readings/conditions";
import { linkKindOf, outOfContact } from "../readings/linkKind";
import { LINK_MODELS, WORKFLOWS } from "../workflows";
import type { Workflow, WorkflowStep } from "../workflows/types";
import { planTransition, readLink } from "./plan";

const KINDS = Object.keys(LINK_MODELS) as LinkKind[];

function workflowOf(id: string): Workflow {
  const workflow = WORKFLOWS.find((w) => w.id === id);
  if (!workflow) throw new RangeError(`no workflow ${id}`);
  return workflow;
}

/** The table row of a planned step. */
export function tableStep(step: Pick<PlannedStep, "workflow" | "order">): WorkflowStep {
  const row = workflowOf(step.workflow).steps[step.order];
  if (!row) throw new RangeError(`no step ${step.order} in workflow ${step.workflow}`);
  return row;
}

/** A phase as stored between runs, if the tables know it as a phase a link can be told to be in. */
export function knownPhase(value: string | undefined): LinkPhase | undefined {
  if (value === undefined || value === "unknown") return undefined;
  return KINDS.some((k) => Object.hasOwn(LINK_MODELS[k].phases, value)) ? (value as LinkPhase) : undefined;
}

/** Phases in which `declared` is reached already, on any kind of link (nothing to do). */
export function phasesReaching(declared: DeclaredState): LinkPhase[] {
  return [...new Set(WORKFLOWS.flatMap((w) => w.routes[declared]?.reachedIn ?? []))];
}

/** The phase the systems are in once the plan's steps have run. */
export function phaseAfter(plan: Plan, declared: DeclaredState): LinkPhase | undefined {
  if (!plan.ok || !plan.source) return undefined;
  return workflowOf(plan.source.workflow).routes[declared]?.reaches;
}

/** The declared states a kind of link has (the routes of its tables). */
export function declaredStatesOf(kind: LinkKind): DeclaredState[] {
  return [...new Set(WORKFLOWS.filter((w) => w.kind === kind).flatMap((w) => Object.keys(w.routes) as DeclaredState[]))];
}

/** Only a failover leads to this phase of this kind of link. */
export function followsFailover(kind: LinkKind, phase: LinkPhase): boolean {
  return LINK_MODELS[kind].phases[phase].followsFailover;
}

/** Access of the link's tenants on each side in `phase`, as the link's model reads it. */
export function accessModes(obs: Observation, phase: LinkPhase, memory: LinkMemory = {}): AccessModes {
  return LINK_MODELS[linkKindOf(obs)].access(obs, phase, memory);
}

/** What the systems look like in `phase` ("unknown": as in the last phase known): who serves, each side's access. */
export function liveFacts(obs: Observation, phase: LinkPhase, opts: PlanOptions): { activeSystem: ActiveSystem } & AccessModes {
  const model = LINK_MODELS[linkKindOf(obs)];
  const memory: LinkMemory = opts.memory ?? {};
  const effective = phase === "unknown" && memory.lastKnownPhase ? memory.lastKnownPhase : phase;
  const serves = model.phases[effective].serves;
  return { activeSystem: serves === "survivor" ? (opts.failOverTo ?? "replica") : serves, ...accessModes(obs, effective, memory) };
}

/**
 * The declared state `pulumi refresh` reports for the observed phase: the current one while an `up`
 * towards it passes through the phase, else the state the phase satisfies, else the current one.
 */
export function refreshedState(obs: Observation, phase: LinkPhase, current: DeclaredState): DeclaredState {
  const facts = LINK_MODELS[linkKindOf(obs)].phases[phase];
  if (facts.onTheWayTo?.includes(current)) return current;
  return facts.refreshAs ?? current;
}

/**
 * Whether the plan made from the links alone calls for reading certificate trust: a certificate check
 * that the documentation calls for (its `when` holds: a rebuilt system). Trust takes 4 or more requests.
 */
export function trustToRead(declared: DeclaredState, links: Pick<Observation, "primary" | "replica">, opts: PlanOptions): boolean {
  const obs: Observation = { ...links, trust: { primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" }, now: Date.now() };
  const plan = planTransition(declared, obs, opts);
  if (!plan.ok) return false;
  const { analysis } = readLink(obs, opts);
  return plan.steps.some((s) => {
    if (s.check !== "certificatesTrusted") return false;
    return applies(tableStep(s).when, { analysis, obs, opts, survivor: workflowOf(s.workflow).survivor });
  });
}

/**
 * Whether the primary is in a split brain now, or will be once the plan runs: a step that begins one runs
 * while the other system cannot be told of it. The resource keeps this between runs: once the primary
 * reconnects, its "Failed over" looks the same either way. A step that ends one (data recovery) ends it.
 */
export function splitBrainAfter(plan: Plan, obs: Observation, declared: DeclaredState, opts: PlanOptions): boolean {
  const begins = plan.ok ? plan.steps.find((s) => tableStep(s).splitBrain === "begins") : undefined;
  if (begins) return outOfContact(obs, begins.side === "primary" ? "replica" : "primary");
  const { model, analysis } = readLink(obs, opts);
  return model.splitBrainNow?.({ declared, analysis, obs, opts }) ?? false;
}
