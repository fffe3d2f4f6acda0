/**
 * The provider behind ReplicationFailover: adapters between Pulumi's calls and a FailoverSession
 * (provider/engine/session.ts). `check` observes both systems and plans (read-only); `update` converges
 * step by step through the executor, which re-reads live state before each step.
 */
import { withReadAhead } from "../engine/readAhead";
import { FailoverSession, SessionStopped, type LiveView } from "../engine/session";
import { describeRefusal } from "../model/format";
import type { LinkMemory, LinkPhase, ReadinessItem } from "../model/types";
import { phasesReaching, readinessSummary } from "../planner";
import { linkTypeFailures } from "./failoverLinkRules";
import { declarationOf, inputsOf, memoryOfInputs, memoryOfOutputs, toRecord, validateFailover } from "./failoverInputs";
import { configureProviderCertificates } from "./providerCertificates";
import type { FailoverInputs, FailoverOutputs } from "./replicationFailover";
import { connectPair, progressLog, warnLog } from "./runtime";
import { sameConnection } from "./system";
import { interruptibleWaits } from "./waits";
import { isUnknown, partialStateError, providerKey, wireSafe } from "./wire";

/** A session for these inputs; its log is the resource's progress log, its waits end on Ctrl-C. */
function sessionFor(inputs: FailoverInputs, memory: LinkMemory): FailoverSession {
  const waits = interruptibleWaits(progressLog(`ReplicationFailover ${inputs.link}`));
  return new FailoverSession(declarationOf(inputs), memory, waits);
}

/** Clients for check: a site link's first read answers from what its SiteCoverage check read ahead. */
function previewClients(inputs: FailoverInputs) {
  const pair = connectPair(inputs.primary, inputs.replica);
  return { primary: withReadAhead(pair.primary, inputs.primary), replica: withReadAhead(pair.replica, inputs.replica) };
}

/** The view as outputs (the same names). */
const outputsOf = (view: LiveView) => ({ ...view });

/**
 * Readiness found by this process's check, for the update that follows it (the engine runs them one after
 * the other in one provider process): the outputs show what the preview of this `up` read.
 */
const readinessOfChecks = new Map<string, ReadinessItem[]>();
const readinessKey = (i: FailoverInputs) => JSON.stringify([i.link, i.primary.endpoint, i.replica.endpoint, i.state]);

/** Preview shows one line per link; a blocking fail fails it, as a refusal does. */
function reportReadiness(inputs: FailoverInputs, items: ReadinessItem[]): string | undefined {
  const summary = readinessSummary(items);
  (items.some((i) => i.status !== "pass") ? warnLog : progressLog)(`ReplicationFailover ${inputs.link}`)(summary);
  const blocking = items.find((i) => i.blocking);
  return blocking && `Readiness: ${blocking.check}: ${blocking.detail}.${blocking.wayForward ? ` Way forward: ${blocking.wayForward}` : ""}`;
}

async function converge(id: string, inputs: FailoverInputs, previous?: FailoverOutputs): Promise<FailoverOutputs> {
  const session = sessionFor(inputs, memoryOfOutputs(previous, inputs));
  try {
    const done = await session.converge(connectPair(inputs.primary, inputs.replica));
    const lastTransition = done.lastTransition ?? previous?.lastTransition;
    const readiness = readinessOfChecks.get(readinessKey(inputs)) ?? previous?.readiness;
    const { keptScheduleOverride: _kept, ...declared } = inputs;
    return {
      ...declared,
      ...outputsOf(done.view),
      executedSteps: done.executed.map(toRecord),
      splitBrain: done.splitBrain,
      ...(lastTransition ? { lastTransition } : {}),
      ...(readiness ? { readiness } : {}),
      ...(done.scheduleToPutBack !== undefined ? { keptScheduleOverride: done.scheduleToPutBack } : {}),
    };
  } catch (err) {
    if (!(err instanceof SessionStopped)) throw err;
    const { view, executed, splitBrain, scheduleToPutBack } = err.partial;
    // The engine keeps the old inputs after a partial failure: what is still to put back lives in the outputs.
    const properties = {
      ...(previous ?? {}),
      ...inputs,
      ...(view ? outputsOf(view) : { phase: "unknown" }),
      executedSteps: executed.map(toRecord),
      splitBrain,
      keptScheduleOverride: scheduleToPutBack,
    };
    throw partialStateError(id, properties, err.cause, "re-run `pulumi up` to continue from the step that stopped");
  }
}

function withoutProviderKey<T extends object>(outs: T): T {
  const copy = { ...outs } as Record<string, unknown>;
  delete copy[providerKey];
  return copy as T;
}

/** The active system and both access modes in one line, as check reads them and the outputs record them. */
function accessOf(v: { activeSystem?: string; primaryAccess?: string; replicaAccess?: string }): string {
  return `${v.activeSystem} ${v.primaryAccess}/${v.replicaAccess}`;
}

export const provider = wireSafe<FailoverInputs, FailoverOutputs>({
  // Under a ReplicationSite: the CA certificates its resources name by digest.
  configure: configureProviderCertificates,

  async check(olds, news) {
    const failures = validateFailover(news);
    if (failures.length > 0) return { failures };
    const inputs: FailoverInputs = { ...news };
    if ([news.link, news.state, news.primary.endpoint, news.replica.endpoint, news.primary.password, news.replica.password].some(isUnknown)) {
      return { inputs: { ...inputs, plannedSteps: ["(planned once the systems' connection details are known)"] } };
    }
    // Preview reads the live systems (GET only) and shows the steps `up` will run.
    const session = sessionFor(inputs, memoryOfInputs(olds));
    const obs = await session.observe(previewClients(inputs));
    const broken = linkTypeFailures(inputs, obs);
    if (broken.length > 0) return { failures: broken };
    const { plan, view, rememberedPhase, lag, scheduleFound } = session.preview(obs);
    // A refusal fails preview (and up, before anything runs), so a CI gate on preview holds. A refusal
    // that only waits for the systems to be in contact again does not: `up` would wait it out.
    if (!plan.ok && !plan.refusal.waitable) return { failures: [{ property: "state", reason: `Refused: ${describeRefusal(plan.refusal)}` }] };
    const readiness = await session.readiness(previewClients(inputs), obs, plan);
    readinessOfChecks.set(readinessKey(inputs), readiness);
    const blocked = reportReadiness(inputs, readiness);
    if (blocked) return { failures: [{ property: "state", reason: blocked }] };
    // Check sees only these inputs next time, not what `up` achieved: remember the phase the systems are in
    // once this plan has run. If `up` stops short, diff (which sees its outputs) makes the next `up` go on.
    return {
      inputs: {
        ...inputs,
        plannedSteps: view.plannedSteps,
        observedPhase: view.phase,
        observedAccess: accessOf(view),
        ...(rememberedPhase ? { lastKnownPhase: rememberedPhase } : {}),
        splitBrainSuspected: view.splitBrainSuspected,
        ...(lag ? { lastKnownLag: lag } : {}),
        ...(scheduleFound !== undefined ? { keptScheduleOverride: scheduleFound } : {}),
      },
    };
  },

  async diff(_id, olds, news) {
    const changed: string[] = [];
    if ((news.plannedSteps ?? []).length > 0) changed.push("plannedSteps");
    // The outputs would misreport the systems (one came back, or was changed outside the stack).
    if (news.observedAccess !== undefined && olds.activeSystem !== undefined && news.observedAccess !== accessOf(olds)) changed.push("observedAccess");
    // The last `up` stopped before the declared state was reached: the next one goes on from there.
    if (olds.phase !== undefined && !phasesReaching(news.state).includes(olds.phase as LinkPhase)) changed.push("phase");
    for (const key of ["link", "state", "failOverTo", "dnsFailover", "completeRecoveryWhenBehindSeconds", "waitTimeoutSeconds", "pollIntervalSeconds", "pausedTenants", "recoveryPerformanceLevel"] as const) {
      if (JSON.stringify(olds[key]) !== JSON.stringify(news[key])) changed.push(key);
    }
    for (const side of ["primary", "replica"] as const) {
      if (!sameConnection(olds[side], news[side])) changed.push(side);
    }
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const id = `${inputs.link}:${inputs.primary.name}->${inputs.replica.name}`;
    return { id, outs: withoutProviderKey(await converge(id, inputs)) };
  },

  async update(id, olds, news) {
    return { outs: withoutProviderKey(await converge(id, news, olds)) };
  },

  async read(id, props) {
    if (!props) throw new Error(`ReplicationFailover ${id}: nothing is known about this resource; import is not supported`);
    const session = sessionFor(props, memoryOfOutputs(props, props));
    const clients = connectPair(props.primary, props.replica);
    const obs = await session.observe(clients);
    const { view, observedState, lag } = session.refresh(obs);
    const readiness = await session.readiness(clients, obs);
    if (observedState !== props.state) {
      progressLog(`ReplicationFailover ${props.link}`)(`the systems are ${view.phase}, but state was "${props.state}": changed outside this stack`);
    }
    // Reporting the observed state as the input makes refresh show the out-of-band change as drift.
    const outputs: FailoverOutputs = { ...props, ...outputsOf(view), state: observedState, readiness };
    const inputs = { ...inputsOf(props), state: observedState, lastKnownPhase: view.lastKnownPhase, splitBrainSuspected: view.splitBrainSuspected, lastKnownLag: lag };
    return { id, props: outputs, inputs: inputs as FailoverOutputs }; // ReadResult types inputs as Outputs
  },

  async delete() {
    // Forgetting the declaration changes nothing on the systems: the link stays in whatever direction it is.
  },
});
