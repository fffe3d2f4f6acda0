/**
 * planTransition: (declared state, observation of both systems) -> the steps that remain, in the order of
 * the documented workflow that applies, or a refusal saying what was found, what was expected and the way
 * forward. Pure: data in, data out. The workflows are tables (provider/workflows) and the kinds of link
 * are models with the facts of their phases; this module reads the link with its model, chooses a table,
 * walks it and numbers the steps as the edition of the systems' release does. It asks the tables every
 * question and knows no workflow by name.
 */
import { DOCUMENT_TITLE, editionOf } from "../mapi/assumptions";
import { primaryLabel, replicaLabel } from "../model/labels";
import type { DeclaredState, Edition, LinkPhase, Observation, Plan, PlanOptions, PlannedStep, Refusal } from "../model/types";
import { applies } from "../readings/conditions";
import { itemsOf } from "../readings/items";
import { linkKindOf, linkSeen } from "../readings/linkKind";
import { LINK_MODELS, WORKFLOWS } from "../workflows";
import { dnsMismatch, noReplicationMapi, serviceShutDown, shutDownInstead } from "../workflows/systemFacts";
import type { LinkModel, PlanContext, ReadingContext, Workflow, WorkflowStep } from "../workflows/types";

function refuse(phase: LinkPhase, refusal: Refusal): Plan {
  return { ok: false, phase, refusal };
}

/** "6", or "before step 6" / "after step 5" for a step the edition does not number. */
export function stepLabel(workflow: Workflow, index: number, edition: Edition): string {
  const own = workflow.steps[index].numbers[edition];
  if (own !== undefined) return String(own);
  const next = workflow.steps.slice(index + 1).find((s) => s.numbers[edition] !== undefined);
  if (next) return `before step ${next.numbers[edition]}`;
  const previous = [...workflow.steps.slice(0, index)].reverse().find((s) => s.numbers[edition] !== undefined);
  return previous ? `after step ${previous.numbers[edition]}` : "added step";
}

/** The planned form of a table row (for `item`, of a row planned once per item). */
export function plannedStep(workflow: Workflow, index: number, edition: Edition, opts: PlanOptions, item?: string): PlannedStep {
  const s: WorkflowStep = workflow.steps[index];
  const number = s.numbers[edition];
  return {
    workflow: workflow.id,
    id: s.id,
    order: index,
    ...(number !== undefined ? { number } : {}),
    label: stepLabel(workflow, index, edition),
    kind: s.kind,
    side: s.side,
    ...(s.action ? { action: s.action } : {}),
    ...(s.check ? { check: s.check } : {}),
    ...(item !== undefined ? { item } : {}),
    title: s.title(opts, item),
  };
}

/** Row `index` as it applies now: once, once per item, or not at all. A check step is planned always. */
function planRow(workflow: Workflow, index: number, ctx: PlanContext): PlannedStep[] {
  const s = workflow.steps[index];
  if (s.kind !== "check" && !applies(s.when, ctx)) return [];
  if (!s.each) return [plannedStep(workflow, index, ctx.edition, ctx.opts)];
  return itemsOf(s.each, ctx.obs, ctx.opts).map((item) => plannedStep(workflow, index, ctx.edition, ctx.opts, item));
}

/** The link model of the link the systems report, and its reading of the link. */
export function readLink(obs: Observation, opts: PlanOptions): { model: LinkModel; analysis: ReturnType<LinkModel["analyse"]> } {
  const model = LINK_MODELS[linkKindOf(obs)];
  return { model, analysis: model.analyse(obs, { primary: primaryLabel(opts), replica: replicaLabel(opts) }) };
}

/** The phase a workflow's routes read (its own reading of the analysis, else the analysed phase). */
function routePhaseOf(workflow: Workflow, ctx: PlanContext): LinkPhase {
  return workflow.routePhase?.(ctx) ?? ctx.analysis.phase;
}

function contextFor(workflow: Workflow, ctx: ReadingContext, edition: Edition): PlanContext {
  return { ...ctx, edition, survivor: workflow.survivor };
}

/**
 * The workflow for this declared state and reading: of the link's kind, serving the declared failOverTo,
 * the first whose route starts or ends in the phase; undefined when none has the state.
 */
export function chooseWorkflow(declared: DeclaredState, ctx: ReadingContext, model: LinkModel): Workflow | undefined {
  const failOverTo = ctx.opts.failOverTo ?? "replica";
  const candidates = WORKFLOWS.filter((w) => w.kind === model.kind && (w.failOverTo ?? failOverTo) === failOverTo && w.routes[declared]);
  const fits = candidates.find((w) => {
    const route = w.routes[declared];
    const phase = routePhaseOf(w, contextFor(w, ctx, "9.x"));
    return !!route && (route.reachedIn.includes(phase) || route.from[phase] !== undefined);
  });
  return fits ?? candidates[0];
}

function rowIndex(workflow: Workflow, id: string): number {
  const index = workflow.steps.findIndex((s) => s.id === id);
  if (index < 0) throw new RangeError(`workflow ${workflow.id} has no row ${id}`);
  return index;
}

/** The steps of `workflow` from the observed phase to `declared` that apply now, or a refusal. */
function walk(workflow: Workflow, ctx: PlanContext): PlannedStep[] | Refusal {
  const route = workflow.routes[ctx.declared];
  if (!route) throw new RangeError(`workflow ${workflow.id} has no route to "${ctx.declared}"`);
  const phase = routePhaseOf(workflow, ctx);
  if (route.reachedIn.includes(phase)) return (route.settles ?? []).flatMap((id) => planRow(workflow, rowIndex(workflow, id), ctx));
  const entry = route.from[phase];
  if (entry === undefined) return workflow.noRoute(ctx, phase);
  const start = workflow.steps.findIndex((s) => s.id === entry);
  const end = workflow.steps.findIndex((s) => s.id === route.through);
  if (start < 0 || end < start) throw new RangeError(`workflow ${workflow.id}: route to "${ctx.declared}" from ${phase} is not a range of its table`);
  const out: PlannedStep[] = [];
  for (let i = start; i <= end; i++) out.push(...planRow(workflow, i, ctx));
  return out;
}

/**
 * Once the declared state is reached: the steps of the content table bound to the system that serves now
 * (its tenants paused or resumed as declared), or undefined when none has any.
 */
function contentPlan(model: LinkModel, reading: ReadingContext, edition: Edition): { workflow: Workflow; ctx: PlanContext; steps: PlannedStep[] } | undefined {
  const phase = reading.analysis.phase;
  const serves = model.phases[phase].serves;
  const serving = serves === "survivor" ? (reading.opts.failOverTo ?? "replica") : serves === "both" ? "primary" : serves;
  for (const workflow of WORKFLOWS) {
    const scope = workflow.content;
    if (!scope || scope.servedBy !== serving || !scope.phases.includes(phase) || (workflow.kind !== "any" && workflow.kind !== model.kind)) continue;
    const ctx = contextFor(workflow, reading, edition);
    const steps = workflow.steps.flatMap((_, i) => planRow(workflow, i, ctx));
    if (steps.length > 0) return { workflow, ctx, steps };
  }
  return undefined;
}

/** The first planned step that needs a system whose replication service is shut down. */
function shutDown(workflow: Workflow, ctx: PlanContext, steps: PlannedStep[]): Refusal | undefined {
  return serviceShutDown(ctx.obs, ctx.opts, steps, (s) => workflow.steps[s.order].needs);
}

/** The first planned step that needs a system which does not answer, survivor first. */
function unreachableStep(workflow: Workflow, ctx: PlanContext, steps: PlannedStep[]): Refusal | undefined {
  const survivor = workflow.survivor;
  for (const side of [survivor, survivor === "primary" ? "replica" : "primary"] as const) {
    if (ctx.obs[side].reachable) continue;
    const first = steps.find((s) => workflow.steps[s.order].needs.includes(side));
    if (first) return workflow.unreachable(ctx, side, first);
  }
  return undefined;
}

/**
 * The steps that remain from the observed phase to the declared state, in the order of the workflow's
 * table (empty when the live state matches), or a refusal with the found state, the expected state and
 * the way forward.
 */
export function planTransition(declared: DeclaredState, obs: Observation, opts: PlanOptions): Plan {
  const { model, analysis: a } = readLink(obs, opts);
  const reading: ReadingContext = { declared, analysis: a, obs, opts };
  // A failOverTo this kind of link does not have is refused once a system shows the link's kind.
  const target = opts.failOverTo ?? "replica";
  const workflow = linkSeen(obs) && !model.failOverTargets.includes(target) ? undefined : chooseWorkflow(declared, reading, model);
  if (!workflow) return refuse(a.phase, model.noWorkflow(declared, opts));
  const withoutMapi = noReplicationMapi(obs, opts);
  if (withoutMapi) return refuse(a.phase, withoutMapi);
  const unread = model.unreadable?.(reading);
  if (unread) return refuse(a.phase, unread);

  const edition = opts.edition ?? editionOf(obs.primary.softwareVersion, obs.replica.softwareVersion);
  const ctx = contextFor(workflow, reading, edition);
  const source = { workflow: workflow.id, edition, document: `${DOCUMENT_TITLE[edition]}, ${workflow.name}` };
  const route = workflow.routes[declared];
  const phase = routePhaseOf(workflow, ctx);
  const routed = !!route && (route.reachedIn.includes(phase) || route.from[phase] !== undefined);

  if (!routed) {
    const bothAbsent = a.phase === "absent" && obs.primary.reachable && obs.primary.link === null;
    if (bothAbsent && declared === "replicating" && workflow.absentLinkStep) {
      // Both systems reachable, the link on neither: the ReplicationLink resource is to create it.
      const index = workflow.steps.findIndex((s) => s.id === workflow.absentLinkStep);
      return { ok: true, phase: a.phase, steps: [plannedStep(workflow, index, edition, opts)], source };
    }
    const own = model.phases[a.phase].cannotReach;
    if (own) return refuse(a.phase, shutDownInstead(obs, opts) ?? own(ctx));
  }

  const last = opts.memory?.lastKnownPhase;
  if (a.ambiguous && model.ambiguous && declared !== "failedOver" && last && model.phases[last].followsFailover) {
    // A failover happened since the link last replicated: "Stalled link" may be recovery under way.
    // (Failing over needs no such certainty: HCP refuses failOver while recovery runs.)
    return refuse("unknown", model.ambiguous(reading));
  }

  const walked = walk(workflow, ctx);
  if (!Array.isArray(walked)) return refuse(a.phase, walked);
  const content = walked.length === 0 ? contentPlan(model, reading, edition) : undefined;
  if (content) {
    const blocked = unreachableStep(content.workflow, content.ctx, content.steps) ?? shutDown(content.workflow, content.ctx, content.steps);
    if (blocked) return refuse(a.phase, blocked);
    return { ok: true, phase: a.phase, steps: content.steps, source: { workflow: content.workflow.id, edition, document: `${DOCUMENT_TITLE[edition]}, ${content.workflow.name}` } };
  }
  const steps = walked;
  const blocked = unreachableStep(workflow, ctx, steps) ?? shutDown(workflow, ctx, steps);
  if (blocked) return refuse(a.phase, blocked);
  for (const guard of workflow.guards ?? []) {
    const refusal = guard(ctx, steps);
    if (refusal) return refuse(a.phase, refusal);
  }
  const dns = steps.length > 0 ? dnsMismatch(obs, opts, workflow.survivor) : undefined;
  const warnings = [...(workflow.warnings?.(ctx, steps) ?? []), ...(dns ? [dns] : [])];
  const notes = workflow.notes?.(ctx, steps) ?? [];
  return {
    ok: true,
    phase: a.phase,
    steps,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(notes.length > 0 && steps.length > 0 ? { notes } : {}),
    source,
  };
}
