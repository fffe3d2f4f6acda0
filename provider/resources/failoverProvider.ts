/**
 * The provider behind ReplicationFailover. `check` observes both systems and plans (read-only); `update`
 * runs the same planner step by step through the executor, which re-reads live state before each step.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { LinkMemory, LinkPhase, Observation, Plan, PlanOptions } from "../planner";
import type { LagReading } from "../planner/lag";
import type { LastTransition } from "../engine/lastTransition";
import { configureProviderCertificates } from "./providerCertificates";
import { Checks } from "./validate";
import { sameConnection } from "./system";
import { connectPair, progressLog } from "./runtime";
import { failoverStates, failOverTargets, FailoverInputs, FailoverOutputs, ExecutedStepRecord } from "./replicationFailover";
import { wireSafe, isUnknown, partialStateError, providerKey } from "./wire";

const defaults = { completeRecoveryWhenBehindSeconds: 300, waitTimeoutSeconds: 3600, pollIntervalSeconds: 15, dnsFailover: false, maxDataLossSeconds: 0 };

function validate(news: FailoverInputs): dynamic.CheckFailure[] {
  const c = new Checks();
  if (c.requiredString("link", news.link) && news.link.length > 64) c.fail("link", "link must be 1 to 64 characters");
  c.oneOf("state", news.state, failoverStates);
  c.oneOf("failOverTo", news.failOverTo, failOverTargets, false);
  const primaryOk = c.system("primary", news.primary);
  const replicaOk = c.system("replica", news.replica);
  if (primaryOk && replicaOk) c.distinctSystems("primary", news.primary, "replica", news.replica);
  c.boolean("dnsFailover", news.dnsFailover);
  c.integerInRange("completeRecoveryWhenBehindSeconds", news.completeRecoveryWhenBehindSeconds, 0, 7 * 86400);
  c.integerInRange("waitTimeoutSeconds", news.waitTimeoutSeconds, 1, 7 * 86400);
  c.integerInRange("pollIntervalSeconds", news.pollIntervalSeconds, 1, 3600);
  c.integerInRange("maxDataLossSeconds", news.maxDataLossSeconds, 0, 7 * 86400);
  c.boolean("acceptDataLoss", news.acceptDataLoss);
  const reason = news.acceptDataLossReason;
  if (reason !== undefined && (typeof reason !== "string" || reason.trim() === "" || reason.length > 500)) {
    c.fail("acceptDataLossReason", `acceptDataLossReason must be a text of 1 to 500 characters saying why data may be left behind; got ${JSON.stringify(reason)}`);
  } else if (news.acceptDataLoss === true && reason === undefined) {
    c.fail("acceptDataLossReason", "acceptDataLossReason is required with acceptDataLoss: true (it is recorded in executedSteps)");
  } else if (reason !== undefined && news.acceptDataLoss !== true) {
    c.fail("acceptDataLossReason", "acceptDataLossReason applies only with acceptDataLoss: true");
  }
  return c.failures;
}

const KNOWN_PHASES: readonly string[] = [
  "replicating",
  "failedOver",
  "pendingAcceptance",
  "pendingReplicaAcceptance",
  "recovering",
  "completing",
  "suspended",
  "absent",
];

/** A memory record from stored values, keeping only a phase the planner knows. */
function memoryFrom(lastKnownPhase: string | undefined, splitBrain: boolean | undefined): LinkMemory {
  return {
    ...(lastKnownPhase && KNOWN_PHASES.includes(lastKnownPhase) ? { lastKnownPhase: lastKnownPhase as LinkPhase } : {}),
    ...(splitBrain ? { splitBrain: true } : {}),
  };
}

/** What the last run's outputs say: they are the truth of that run (check sees only the old inputs). */
function memoryOf(outputs: FailoverOutputs | undefined): LinkMemory {
  if (!outputs) return {};
  return memoryFrom(outputs.phase !== "unknown" ? outputs.phase : outputs.lastKnownPhase, outputs.splitBrain);
}

/** The phases in which a declared state is reached. */
const REACHED_IN: Readonly<Record<FailoverInputs["state"], readonly string[]>> = {
  replicating: ["replicating"],
  failedOver: ["failedOver", "pendingAcceptance"],
  recovering: ["recovering"],
  suspended: ["suspended"],
};

function planOptions(inputs: FailoverInputs, memory: LinkMemory = {}): PlanOptions {
  return {
    dnsFailover: inputs.dnsFailover ?? defaults.dnsFailover,
    completeRecoveryWhenBehindSeconds: inputs.completeRecoveryWhenBehindSeconds ?? defaults.completeRecoveryWhenBehindSeconds,
    linkName: inputs.link,
    primaryName: inputs.primary.name,
    replicaName: inputs.replica.name,
    memory: memoryFrom(memory.lastKnownPhase, memory.splitBrain),
    ...(inputs.failOverTo ? { failOverTo: inputs.failOverTo } : {}),
  };
}

/**
 * For preview and refresh: the links only. Trust decides no plan (only step 3 at `up` checks it), and the
 * ReplicationCertificateTrust resources show a missing certificate in the same preview. `check` of a site's
 * link starts from the readings its SiteCoverage check took ahead (engine/readAhead.ts), where there are any.
 */
async function observe(inputs: FailoverInputs, options: { readAhead: boolean }): Promise<Observation> {
  const { observeSystems }: typeof import("../engine/observe") = require("../engine/observe");
  const { withReadAhead }: typeof import("../engine/readAhead") = require("../engine/readAhead");
  const pair = connectPair(inputs.primary, inputs.replica);
  const clients = options.readAhead
    ? { primary: withReadAhead(pair.primary, inputs.primary), replica: withReadAhead(pair.replica, inputs.replica) }
    : pair;
  return observeSystems(clients, inputs.link, { readTrust: false });
}

function describePlan(plan: Plan): string[] {
  const planner: typeof import("../planner") = require("../planner");
  if (plan.ok) return planner.formatPlan(plan);
  const r = plan.refusal;
  return [`Refused: ${r.reason} Found: ${r.found}. Expected: ${r.expected}. Way forward: ${r.wayForward}`];
}

/** The refusal as one message: reason, found, expected, way forward. */
function refusalText(plan: Extract<Plan, { ok: false }>): string {
  const planner: typeof import("../planner") = require("../planner");
  return `Refused: ${planner.describeRefusal(plan.refusal)}`;
}

/**
 * The plan's failOver step (step 1 of the primary-failure workflow), when it is to run. The planned
 * switchover and the lag line apply to active/passive links only: on an active/active link both systems
 * stay read-write and data flows both ways, so there is no one side to drain first.
 */
function failOverStep(plan: Plan) {
  return plan.ok ? plan.steps.find((s) => s.action === "failOver" && s.workflow === "primaryFailure") : undefined;
}

/**
 * The lag primary -> replica to remember: read while the link replicates and the primary answers, else the
 * reading kept from before (a dead primary's lag is what it was when last seen).
 */
function lagMemory(plan: Plan, obs: Observation, kept: LagReading | undefined): LagReading | undefined {
  const lag: typeof import("../planner/lag") = require("../planner/lag");
  return plan.phase === "replicating" ? lag.keepLag(kept, lag.replicationLag(obs)) : kept;
}

function switchoverOptions(inputs: FailoverInputs): import("../engine/switchover").SwitchoverOptions {
  return {
    maxDataLossSeconds: inputs.maxDataLossSeconds ?? defaults.maxDataLossSeconds,
    acceptDataLoss: inputs.acceptDataLoss === true,
    ...(inputs.acceptDataLossReason !== undefined ? { acceptDataLossReason: inputs.acceptDataLossReason } : {}),
  };
}

/**
 * The plan as preview shows it: before a failover, the provider's steps of a planned switchover go just
 * before the failOver line (unnumbered, "Before step 1"), and the data the replica lacks ends the plan.
 */
function plannedStepsWith(inputs: FailoverInputs, plan: Plan, obs: Observation, kept: LagReading | undefined, options: PlanOptions, lines: string[]): string[] {
  const step = failOverStep(plan);
  if (!step) return lines;
  const planner: typeof import("../planner") = require("../planner");
  const sw: typeof import("../engine/switchover") = require("../engine/switchover");
  const lag: typeof import("../planner/lag") = require("../planner/lag");
  const at = Math.max(0, lines.indexOf(planner.formatStep(step)));
  const before = sw.switchoverPlanLines(true, obs, switchoverOptions(inputs), options, step.label);
  return [...lines.slice(0, at), ...before, ...lines.slice(at), lag.describeLagBeforeFailover(obs, kept, options)];
}

/** The plan from the live systems and what this resource remembers. */
function planWith(inputs: FailoverInputs, obs: Observation, memory: LinkMemory): { plan: Plan; options: PlanOptions } {
  const planner: typeof import("../planner") = require("../planner");
  const options = planOptions(inputs, memory);
  return { plan: planner.planTransition(inputs.state, obs, options), options };
}

/** Outputs that describe what the systems look like now, and the history to keep for the next run. */
function liveOutputs(plan: Plan, obs: Observation, options: PlanOptions) {
  const planner: typeof import("../planner") = require("../planner");
  // "unknown" when fault messages hide the phase: access and the active side are then the last known.
  const phase = plan.phase;
  const memory = options.memory ?? {};
  const effective = phase === "unknown" && memory.lastKnownPhase ? memory.lastKnownPhase : phase;
  const activeActive = planner.isActiveActiveObservation(obs);
  const access = activeActive ? planner.activeActiveAccess(obs) : planner.accessModes(obs, effective, memory.splitBrain === true);
  const replicaActive = ["failedOver", "pendingAcceptance", "recovering"].includes(effective);
  // Active/active: both serve while it replicates; failed over, the system failOverTo names.
  const aaActive: FailoverOutputs["activeSystem"] = effective === "failedOver" ? (options.failOverTo ?? "replica") : "both";
  return {
    phase,
    activeSystem: activeActive ? aaActive : ((replicaActive ? "replica" : "primary") as FailoverOutputs["activeSystem"]),
    primaryAccess: access.primaryAccess,
    replicaAccess: access.replicaAccess,
    plannedSteps: describePlan(plan),
    lastKnownPhase: phase === "unknown" ? memory.lastKnownPhase : phase,
    splitBrainSuspected: planner.splitBrainAfter(plan, obs, options),
  };
}

function describeLive(inputs: FailoverInputs, obs: Observation, memory: LinkMemory) {
  const { plan, options } = planWith(inputs, obs, memory);
  return liveOutputs(plan, obs, options);
}

/** Which declared state the observed phase corresponds to (for refresh). */
function declaredFor(phase: string, current: FailoverInputs["state"]): FailoverInputs["state"] {
  if (phase === "replicating") return "replicating";
  if (phase === "failedOver" || phase === "pendingAcceptance") return "failedOver";
  if (phase === "recovering") return current === "replicating" ? "replicating" : "recovering";
  if (phase === "completing") return "replicating";
  if (phase === "suspended") return current === "replicating" ? "replicating" : "suspended";
  return current;
}

async function converge(id: string, inputs: FailoverInputs, previous?: FailoverOutputs): Promise<FailoverOutputs> {
  const { runTransition, WorkflowError }: typeof import("../engine/executor") = require("../engine/executor");
  const { interruptibleWaits }: typeof import("./waits") = require("./waits");
  const waits = interruptibleWaits(progressLog(`ReplicationFailover ${inputs.link}`));
  const log = waits.log;
  const clients = connectPair(inputs.primary, inputs.replica);
  const { observeSystems, trustNeededFor }: typeof import("../engine/observe") = require("../engine/observe");
  const { STATUS_MESSAGES }: typeof import("../mapi/assumptions") = require("../mapi/assumptions");
  const { isActiveActiveObservation }: typeof import("../planner") = require("../planner");
  let lastObservation: Observation | undefined;
  let firstObservation: Observation | undefined;
  const startedAt = Date.now();
  let failOverJustSent = false;
  const memory = memoryOf(previous);
  let splitBrain = memory.splitBrain ?? false;
  const observeNow = async (purpose?: "poll") => {
    lastObservation = await observeSystems(clients, inputs.link, { readTrust: trustNeededFor(inputs.state), replicaFirst: purpose === "poll" });
    firstObservation ??= lastObservation;
    if (failOverJustSent) {
      // The executor reads both systems right after failOver: a primary that answers but does not show
      // it was not told (the network between the systems is cut) and stays read-write.
      failOverJustSent = false;
      const primaryLink = lastObservation.primary.reachable ? lastObservation.primary.link : undefined;
      if (primaryLink && primaryLink.statusMessage !== STATUS_MESSAGES.failedOver) splitBrain = true;
    }
    return lastObservation;
  };
  const switchover: typeof import("../engine/switchover") = require("../engine/switchover");
  let before: ExecutedStepRecord[] = [];
  // The switchover's last reading, taken a moment before the executor's first: the executor starts from
  // it instead of reading both systems again.
  let justRead: Observation | undefined;
  const observeForExecutor = async (purpose?: "poll") => {
    const reading = justRead;
    justRead = undefined;
    return reading && purpose !== "poll" ? reading : observeNow(purpose);
  };
  try {
    before = await beforeFailOver(inputs, { ...memory, splitBrain }, observeNow, log, waits.sleep);
    justRead = lastObservation;
    const result = await runTransition({
      declared: inputs.state,
      options: planOptions(inputs, { ...memory, splitBrain }),
      observe: observeForExecutor,
      runAction: async (side, action, spelling) => {
        waits.throwIfCancelled(`before sending ${action} to the ${side}`);
        // Failing over while the primary cannot be told leaves both sides read-write (split brain); both
        // sides of an active/active link are read-write anyway.
        const activeActive = !!lastObservation && isActiveActiveObservation(lastObservation);
        if (action === "failOver" && lastObservation && !lastObservation.primary.reachable && !activeActive) splitBrain = true;
        if (action === "beginRecovery") splitBrain = false;
        await clients[side].runLinkAction(inputs.link, action, spelling);
        if (action === "failOver" && !activeActive) failOverJustSent = true;
      },
      tenants: tenantReader(clients.replica, inputs),
      log,
      sleep: waits.sleep,
      now: () => Date.now(),
      waitTimeoutSeconds: inputs.waitTimeoutSeconds ?? defaults.waitTimeoutSeconds,
      pollIntervalSeconds: inputs.pollIntervalSeconds ?? defaults.pollIntervalSeconds,
      endpoints: { primary: inputs.primary.endpoint, replica: inputs.replica.endpoint },
    });
    const live = describeLive(inputs, result.final, { lastKnownPhase: result.phase, splitBrain });
    const lastTransition = transitionOf(inputs, memory, firstObservation, result, startedAt) ?? previous?.lastTransition;
    return { ...inputs, ...live, executedSteps: [...before, ...result.executed.map(toRecord)], splitBrain, ...(lastTransition ? { lastTransition } : {}) };
  } catch (err) {
    const executed = [...(err instanceof switchover.SwitchoverTimeoutError ? err.records : before), ...(err instanceof WorkflowError ? err.executed.map(toRecord) : [])];
    let live: Partial<FailoverOutputs> = {};
    try {
      const lastKnownPhase = (err instanceof WorkflowError ? err.lastKnownPhase : undefined) ?? memory.lastKnownPhase;
      live = describeLive(inputs, await observeNow(), { ...(lastKnownPhase ? { lastKnownPhase } : {}), splitBrain });
    } catch {
      live = { phase: "unknown" };
    }
    const properties = { ...(previous ?? {}), ...inputs, ...live, executedSteps: executed, splitBrain };
    throw partialStateError(id, properties, err, "re-run `pulumi up` to continue from the step that stopped");
  }
}

/** The provider's steps before failOver (planned switchover), run when the plan starts with a failover. */
async function beforeFailOver(
  inputs: FailoverInputs,
  memory: LinkMemory,
  observe: () => Promise<Observation>,
  log: (line: string) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<ExecutedStepRecord[]> {
  if (inputs.state === "replicating" || inputs.state === "suspended") return []; // no failOver in these plans
  const sw: typeof import("../engine/switchover") = require("../engine/switchover");
  const first = await observe();
  const { plan, options } = planWith(inputs, first, memory);
  const step = failOverStep(plan);
  if (!step) return [];
  return sw.runSwitchover(true, first, switchoverOptions(inputs), options, {
    observe,
    log,
    sleep, // Ctrl-C stops the switchover's wait as it stops any other
    now: () => Date.now(),
    waitTimeoutSeconds: inputs.waitTimeoutSeconds ?? defaults.waitTimeoutSeconds,
    pollIntervalSeconds: inputs.pollIntervalSeconds ?? defaults.pollIntervalSeconds,
  }, step.label);
}

/** What the run cost (RTO, data behind at its start), or undefined when it changed nothing. */
function transitionOf(
  inputs: FailoverInputs,
  memory: LinkMemory,
  start: Observation | undefined,
  result: { phase: LinkPhase; executed: Array<{ outcome: string }> },
  startedAt: number,
): LastTransition | undefined {
  if (!start) return undefined;
  const { lastTransitionOf }: typeof import("../engine/lastTransition") = require("../engine/lastTransition");
  const { plan } = planWith(inputs, start, memory);
  return lastTransitionOf({ from: plan.phase, to: result.phase, start, keptLag: inputs.lastKnownLag, startedAt, finishedAt: Date.now(), ran: result.executed });
}

function toRecord(step: { number?: number; label: string; title: string; outcome: string; startedAt: string; finishedAt: string; note?: string }): ExecutedStepRecord {
  return {
    ...(step.number !== undefined ? { number: step.number } : {}),
    label: step.label,
    title: step.title,
    outcome: step.outcome,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    ...(step.note ? { note: step.note } : {}),
  };
}

/** Tenant statuses on the replica, which sends during data recovery (read only when a wait stops progressing). */
function tenantReader(replica: import("../mapi/client").MapiClient, inputs: FailoverInputs): import("../engine/tenantPauses").TenantStatusReader {
  return {
    where: `${inputs.replica.name} (replica)`,
    listTenants: async () => (await replica.getLinkContent(inputs.link)).tenants,
    status: async (tenant) => (await replica.getTenantStatus(inputs.link, tenant)).status,
  };
}

export const provider = wireSafe<FailoverInputs, FailoverOutputs>({
  // Under a ReplicationSite: the CA certificates its resources name by digest.
  configure: configureProviderCertificates,

  async check(olds, news) {
    const failures = validate(news);
    if (failures.length > 0) return { failures };
    const inputs: FailoverInputs = { ...news };
    if ([news.link, news.state, news.primary.endpoint, news.replica.endpoint, news.primary.password, news.replica.password].some(isUnknown)) {
      return { inputs: { ...inputs, plannedSteps: ["(planned once the systems' connection details are known)"] } };
    }
    // Preview reads the live systems (GET only) and shows the steps `up` will run.
    const obs = await observe(inputs, { readAhead: true });
    const { linkTypeFailures }: typeof import("./failoverLinkRules") = require("./failoverLinkRules");
    const broken = linkTypeFailures(inputs, obs);
    if (broken.length > 0) return { failures: broken };
    const { plan, options } = planWith(inputs, obs, memoryFrom(olds?.lastKnownPhase, olds?.splitBrainSuspected === true));
    // A refusal fails preview (and up, before anything runs), so a CI gate on preview holds. A refusal
    // that only waits for the systems to be in contact again does not: `up` would wait it out.
    if (!plan.ok && !plan.refusal.waitable) return { failures: [{ property: "state", reason: refusalText(plan) }] };
    const live = liveOutputs(plan, obs, options);
    const lag = lagMemory(plan, obs, olds?.lastKnownLag);
    // Check sees only these inputs next time, not what `up` achieved: remember the phase the systems are in
    // once this plan has run. If `up` stops short, diff (which sees its outputs) makes the next `up` go on.
    const remembered = plan.ok && plan.steps.length > 0 ? REACHED_IN[inputs.state][0] : live.lastKnownPhase;
    return {
      inputs: {
        ...inputs,
        plannedSteps: plannedStepsWith(inputs, plan, obs, olds?.lastKnownLag, options, live.plannedSteps),
        observedPhase: live.phase,
        ...(remembered ? { lastKnownPhase: remembered } : {}),
        splitBrainSuspected: live.splitBrainSuspected,
        ...(lag ? { lastKnownLag: lag } : {}),
      },
    };
  },

  async diff(_id, olds, news) {
    const changed: string[] = [];
    if ((news.plannedSteps ?? []).length > 0) changed.push("plannedSteps");
    // The last `up` stopped before the declared state was reached: the next one goes on from there.
    if (olds.phase !== undefined && !REACHED_IN[news.state].includes(olds.phase)) changed.push("phase");
    for (const key of ["link", "state", "failOverTo", "dnsFailover", "completeRecoveryWhenBehindSeconds", "waitTimeoutSeconds", "pollIntervalSeconds"] as const) {
      if (JSON.stringify(olds[key]) !== JSON.stringify(news[key])) changed.push(key);
    }
    for (const side of ["primary", "replica"] as const) {
      if (!sameConnection(olds[side], news[side])) changed.push(side);
    }
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const id = `${inputs.link}:${inputs.primary.name}->${inputs.replica.name}`;
    const outs = await converge(id, inputs);
    return { id, outs: withoutProviderKey(outs) };
  },

  async update(id, olds, news) {
    const outs = await converge(id, news, olds);
    return { outs: withoutProviderKey(outs) };
  },

  async read(id, props) {
    if (!props) throw new Error(`ReplicationFailover ${id}: nothing is known about this resource; import is not supported`);
    const obs = await observe(props, { readAhead: false });
    const live = describeLive(props, obs, memoryOf(props));
    const observedState = declaredFor(live.phase, props.state);
    if (observedState !== props.state) {
      progressLog(`ReplicationFailover ${props.link}`)(`the systems are ${live.phase}, but state was "${props.state}": changed outside this stack`);
    }
    const outputs: FailoverOutputs = { ...props, ...live, state: observedState };
    // Reporting the observed state as the input makes refresh show the out-of-band change as drift.
    const lastKnownLag = lagMemory(planWith(props, obs, memoryOf(props)).plan, obs, props.lastKnownLag);
    const inputs = { ...stripOutputs(props), state: observedState, lastKnownPhase: live.lastKnownPhase, splitBrainSuspected: live.splitBrainSuspected, lastKnownLag };
    return { id, props: outputs, inputs: inputs as FailoverOutputs }; // ReadResult types inputs as Outputs
  },

  async delete() {
    // Forgetting the declaration changes nothing on the systems: the link stays in whatever direction it is.
  },
});

function withoutProviderKey<T extends object>(outs: T): T {
  const copy = { ...outs } as Record<string, unknown>;
  delete copy[providerKey];
  return copy as T;
}

function stripOutputs(props: FailoverOutputs): FailoverInputs {
  const { activeSystem: _a, phase: _p, executedSteps: _e, primaryAccess: _pa, replicaAccess: _ra, splitBrain: _s, lastTransition: _t, ...inputs } = props;
  return inputs;
}
