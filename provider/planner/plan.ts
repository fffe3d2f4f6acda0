/**
 * planTransition: (declared state, observation of both systems) -> the steps that remain, in the order of
 * the documented workflow that applies, or a refusal saying what was found, what was expected and the way
 * forward. Pure: data in, data out. The workflows themselves are tables (provider/workflows); this module
 * chooses one, walks it and numbers the steps as the edition of the systems' release does.
 */
import { editionOf, DOCUMENT_TITLE } from "../mapi/assumptions";
import { WORKFLOWS } from "../workflows";
import { primaryOutOfContact, splitBrainNow } from "../workflows/primaryFailure";
import type { Edition, PlanContext, Workflow, WorkflowStep } from "../workflows/types";
import { applies } from "./conditions";
import { primaryLabel, replicaLabel } from "./labels";
import { analysePhase, EXPECTED_PRIMARY_MESSAGES, EXPECTED_REPLICA_MESSAGES, type PhaseAnalysis } from "./phase";
import type { DeclaredState, LinkPhase, Observation, Plan, PlanOptions, PlannedStep, Refusal } from "./types";

export { dataBehind, isBehind } from "./dataBehind";
export { evaluateCheck, type CheckResult } from "./checks";

/** One message from a refusal: reason, found, expected, way forward. */
export function describeRefusal(refusal: Refusal): string {
  const reason = /[.!?]$/.test(refusal.reason) ? refusal.reason : `${refusal.reason}.`;
  return `${reason} Found: ${refusal.found}. Expected: ${refusal.expected}. Way forward: ${refusal.wayForward}`;
}

function refuse(phase: LinkPhase, refusal: Refusal): Plan {
  return { ok: false, phase, refusal };
}

function reachabilityNote(side: "primary" | "replica", obs: Observation, opts: PlanOptions): string {
  const label = side === "primary" ? primaryLabel(opts) : replicaLabel(opts);
  const error = obs[side].error;
  return `${label} cannot be reached${error ? ` (${error})` : ""}`;
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

/** The planned form of a table row. */
export function plannedStep(workflow: Workflow, index: number, edition: Edition, opts: PlanOptions): PlannedStep {
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
    title: s.title(opts),
  };
}

/** The table row of a planned step. */
export function tableStep(step: Pick<PlannedStep, "workflow" | "order">): WorkflowStep {
  const workflow = WORKFLOWS.find((w) => w.id === step.workflow);
  const row = workflow?.steps[step.order];
  if (!row) throw new RangeError(`no step ${step.order} in workflow ${step.workflow}`);
  return row;
}

/** Refusals from the phase analysis alone: wrong type, unknown phase. */
function unreadable(a: PhaseAnalysis, obs: Observation, opts: PlanOptions): Plan | undefined {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const L = `link ${opts.linkName}`;
  if (a.wrongType) {
    const onSide = a.wrongType.side === "primary" ? P : R;
    const swapped =
      (a.wrongType.side === "replica" && a.wrongType.found === "OUTBOUND") ||
      (a.wrongType.side === "primary" && a.wrongType.found === "INBOUND");
    return refuse(a.phase, {
      reason: `${L} on ${onSide} has type ${a.wrongType.found}; this workflow handles active/passive links only`,
      found: `type ${a.wrongType.found} on ${onSide}`,
      expected: `type OUTBOUND on ${P} and INBOUND on ${R} (an ACTIVE_PASSIVE link created on the primary)`,
      wayForward: swapped
        ? `${L} replicates from ${a.wrongType.side === "primary" ? opts.primaryName : opts.replicaName} to the other ` +
          `system: swap primary and replica in this resource, or check linkName.`
        : `Active/active links fail over and back with failOver/failBack (the active/active workflow), which this ` +
          `resource does not run. Use an ACTIVE_PASSIVE link, or manage ${L} outside ReplicationFailover.`,
    });
  }
  if (a.phase !== "unknown") return undefined;
  if (a.unreachable?.length === 2) {
    return refuse(a.phase, {
      reason: `Neither system can be reached, so the state of ${L} cannot be read`,
      found: `${reachabilityNote("primary", obs, opts)}; ${reachabilityNote("replica", obs, opts)}`,
      expected: `at least ${R} reachable`,
      wayForward: `Check the network, endpoints, credentials and caCertificate of both systems, then re-run \`pulumi up\`. Nothing was changed.`,
    });
  }
  if (a.unreachable?.includes("replica")) {
    return refuse(a.phase, {
      reason: `${reachabilityNote("replica", obs, opts)} and ${P} does not show which phase ${L} is in`,
      found: a.detail,
      expected: `${R} reachable`,
      wayForward: `Bring ${R} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. Nothing was changed.`,
    });
  }
  const onPrimary = a.unexpectedMessage?.side === "primary";
  const side = onPrimary ? P : R;
  const message = a.unexpectedMessage?.message;
  const expectedMessages = onPrimary ? EXPECTED_PRIMARY_MESSAGES : EXPECTED_REPLICA_MESSAGES;
  return refuse(a.phase, {
    reason:
      message === undefined
        ? `${side} reports no statusMessage for ${L}, so its phase cannot be told`
        : `${side} reports status "${message}" for ${L}, which this workflow does not expect here`,
    found: a.detail,
    expected: `on ${side} one of: ${expectedMessages.map((m) => `"${m}"`).join(", ")}${onPrimary ? "" : " (not a fault during data recovery)"}`,
    wayForward:
      `Look at the link and the system log in the System Management Console of ${side} and resolve the condition ` +
      `until the link shows an expected state, then re-run \`pulumi up\`. Nothing was changed.`,
  });
}

/** A suspension no route of the chosen workflow starts from. */
function suspendedRefusal(a: PhaseAnalysis, opts: PlanOptions): Refusal {
  const sides = (a.suspendedOn ?? []).map((s) => (s === "primary" ? primaryLabel(opts) : replicaLabel(opts)));
  const L = `link ${opts.linkName}`;
  return {
    reason: `${L} is suspended on ${sides.join(" and ")}; no step of the workflow runs on a suspended link`,
    found: `suspended ("Suspended by user") on ${sides.join(" and ")}`,
    expected: `${L} not suspended`,
    wayForward:
      `Resume it on ${sides.join(" and ")} (POST /mapi/services/replication/links/${opts.linkName}?resume, or ` +
      `Resume in the System Management Console), or start the replication service if it was shut down; then ` +
      `re-run \`pulumi up\`.`,
  };
}

/** The link missing on the replica, with no route of the chosen workflow from there. */
function absentRefusal(declared: DeclaredState, a: PhaseAnalysis, obs: Observation, opts: PlanOptions): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const L = `link ${opts.linkName}`;
  const primaryHasIt = obs.primary.reachable && !!obs.primary.link;
  return {
    reason: `${L} does not exist on ${R}`,
    found: a.detail,
    expected: `${L} on ${R} (type INBOUND)${declared === "replicating" ? "" : `, to ${declared === "failedOver" ? "fail over to" : "recover from"}`}`,
    wayForward: primaryHasIt
      ? `${R} lost the link (rebuilt?). That is the replica-failure workflow, not this one: declare state ` +
        `"suspended" while ${R} is down (${P} keeps serving), then "replicating" once it is back to exchange ` +
        `certificates, restore the link from ${P} and resume it. Also check linkName.`
      : `Create the link with a ReplicationLink resource (on ${P}) and make this resource depend on it; check ` +
        `linkName. There is nothing to fail over while the link does not exist.`,
  };
}

/** Phases that only a failover leads to: after them, fault messages may hide data recovery. */
const PHASES_AFTER_FAILOVER: readonly LinkPhase[] = ["failedOver", "pendingAcceptance", "recovering", "completing"];

function ambiguousRefusal(a: PhaseAnalysis, opts: PlanOptions): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  return {
    reason:
      `The phase of link ${opts.linkName} cannot be told: ${a.detail}, which hides whether data recovery is in progress ` +
      `(last phase known: ${opts.memory?.lastKnownPhase})`,
    found: a.detail,
    expected: `${P} and ${R} in contact again, so that ${R} reports the phase ("Recovering data", "Completing recovery", "Receiving data", ...)`,
    wayForward:
      `Restore the network between ${opts.primaryName} and ${opts.replicaName} (and bring back whichever does not ` +
      `answer), then re-run \`pulumi up\`: it continues from the step that stopped. Nothing was changed.`,
    waitable: true,
  };
}

/** The workflow for this declared state and reading: the first whose route starts or ends in the phase. */
export function chooseWorkflow(declared: DeclaredState, ctx: Omit<PlanContext, "edition">): Workflow {
  const candidates = WORKFLOWS.filter((w) => w.linkType === "ACTIVE_PASSIVE" && w.routes[declared]);
  const fits = candidates.find((w) => {
    const route = w.routes[declared];
    const phase = w.routePhase?.({ ...ctx, edition: "9.x" }) ?? ctx.analysis.phase;
    return !!route && (route.reachedIn.includes(phase) || route.from[phase] !== undefined);
  });
  return fits ?? candidates[0];
}

/** The steps of `workflow` from the observed phase to `declared` that apply now, or a refusal. */
function walk(workflow: Workflow, ctx: PlanContext): PlannedStep[] | Refusal {
  const route = workflow.routes[ctx.declared];
  if (!route) throw new RangeError(`workflow ${workflow.id} has no route to "${ctx.declared}"`);
  const phase = workflow.routePhase?.(ctx) ?? ctx.analysis.phase;
  if (route.reachedIn.includes(phase)) return [];
  const entry = route.from[phase];
  if (entry === undefined) return workflow.noRoute(ctx, phase);
  const start = workflow.steps.findIndex((s) => s.id === entry);
  const end = workflow.steps.findIndex((s) => s.id === route.through);
  if (start < 0 || end < start) throw new RangeError(`workflow ${workflow.id}: route to "${ctx.declared}" from ${phase} is not a range of its table`);
  const out: PlannedStep[] = [];
  for (let i = start; i <= end; i++) {
    const s = workflow.steps[i];
    if (s.kind === "check" || applies(s.when, ctx, workflow)) out.push(plannedStep(workflow, i, ctx.edition, ctx.opts));
  }
  return out;
}

/** The first planned step that needs a system which does not answer, survivor first. */
function unreachableStep(workflow: Workflow, ctx: PlanContext, steps: PlannedStep[]): Refusal | undefined {
  const survivor = workflow.survivor(ctx.opts);
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
  const a = analysePhase(obs, { primary: primaryLabel(opts), replica: replicaLabel(opts) });
  const unread = unreadable(a, obs, opts);
  if (unread) return unread;

  const workflow = chooseWorkflow(declared, { declared, analysis: a, obs, opts });
  const edition = opts.edition ?? editionOf(obs.primary.softwareVersion, obs.replica.softwareVersion);
  const ctx: PlanContext = { declared, analysis: a, obs, opts, edition };
  const source = { workflow: workflow.id, edition, document: `${DOCUMENT_TITLE[edition]}, ${workflow.name}` };
  const route = workflow.routes[declared];
  const routed = (phase: LinkPhase) => !!route && (route.reachedIn.includes(phase) || route.from[phase] !== undefined);
  const phase = workflow.routePhase?.(ctx) ?? a.phase;

  if (a.phase === "suspended" && !routed(phase)) return refuse(a.phase, suspendedRefusal(a, opts));
  if (a.phase === "absent" && !routed(phase)) {
    const bothAbsent = obs.primary.reachable && obs.primary.link === null;
    if (bothAbsent && declared === "replicating" && workflow.absentLinkStep) {
      // Both systems reachable, the link on neither: the ReplicationLink resource is to create it.
      const index = workflow.steps.findIndex((s) => s.id === workflow.absentLinkStep);
      return { ok: true, phase: a.phase, steps: [plannedStep(workflow, index, edition, opts)], source };
    }
    return refuse(a.phase, absentRefusal(declared, a, obs, opts));
  }

  const last = opts.memory?.lastKnownPhase;
  if (a.ambiguous && declared !== "failedOver" && last && PHASES_AFTER_FAILOVER.includes(last)) {
    // A failover happened since the link last replicated: "Stalled link" may be recovery under way.
    // (Failing over needs no such certainty: HCP refuses failOver while recovery runs.)
    return refuse("unknown", ambiguousRefusal(a, opts));
  }

  const steps = walk(workflow, ctx);
  if (!Array.isArray(steps)) return refuse(a.phase, steps);
  const blocked = unreachableStep(workflow, ctx, steps);
  if (blocked) return refuse(a.phase, blocked);
  for (const guard of workflow.guards ?? []) {
    const refusal = guard(ctx, steps);
    if (refusal) return refuse(a.phase, refusal);
  }
  const warnings = workflow.warnings?.(ctx, steps) ?? [];
  return { ok: true, phase: a.phase, steps, ...(warnings.length > 0 ? { warnings } : {}), source };
}

/**
 * Whether the primary is in a split brain now, or will be once the planned failover runs (it cannot be
 * told of it). The resource keeps this between runs: once the primary reconnects, its "Failed over"
 * looks the same either way. Data recovery ends a split brain (the primary becomes read-only).
 */
export function splitBrainAfter(plan: Plan, obs: Observation, opts: PlanOptions): boolean {
  if (plan.ok && plan.steps.some((s) => s.action === "failOver")) return primaryOutOfContact(obs);
  return splitBrainNow(analysePhase(obs), obs, opts);
}
