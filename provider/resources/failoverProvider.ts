/**
 * The provider behind ReplicationFailover. `check` observes both systems and plans (read-only); `update`
 * runs the same planner step by step through the executor, which re-reads live state before each step.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { LinkPhase, Observation, Plan, PlanOptions } from "../planner";
import { Checks } from "./validate";
import { sameConnection } from "./system";
import { connectPair, progressLog } from "./runtime";
import { failoverStates, FailoverInputs, FailoverOutputs, ExecutedStepRecord } from "./replicationFailover";
import { wireSafe, isUnknown, partialStateError, providerKey } from "./wire";

const defaults = { completeRecoveryWhenBehindSeconds: 300, waitTimeoutSeconds: 3600, pollIntervalSeconds: 15, dnsFailover: false };

function validate(news: FailoverInputs): dynamic.CheckFailure[] {
  const c = new Checks();
  if (c.requiredString("link", news.link) && news.link.length > 64) c.fail("link", "link must be 1 to 64 characters");
  c.oneOf("state", news.state, failoverStates);
  const primaryOk = c.system("primary", news.primary);
  const replicaOk = c.system("replica", news.replica);
  if (primaryOk && replicaOk) c.distinctSystems("primary", news.primary, "replica", news.replica);
  c.boolean("dnsFailover", news.dnsFailover);
  c.integerInRange("completeRecoveryWhenBehindSeconds", news.completeRecoveryWhenBehindSeconds, 0, 7 * 86400);
  c.integerInRange("waitTimeoutSeconds", news.waitTimeoutSeconds, 1, 7 * 86400);
  c.integerInRange("pollIntervalSeconds", news.pollIntervalSeconds, 1, 3600);
  return c.failures;
}

/** What this resource remembers of the link between runs (see PlanOptions). */
interface History {
  lastKnownPhase?: string;
  splitBrain?: boolean;
}

/** What the last run's outputs say: they are the truth of that run (check sees only the old inputs). */
function historyOf(outputs: FailoverOutputs | undefined): History {
  if (!outputs) return {};
  return { lastKnownPhase: outputs.phase !== "unknown" ? outputs.phase : outputs.lastKnownPhase, splitBrain: outputs.splitBrain };
}

const KNOWN_PHASES: readonly string[] = ["replicating", "failedOver", "pendingAcceptance", "recovering", "completing", "suspended", "absent"];

/** The phases in which a declared state is reached. */
const REACHED_IN: Readonly<Record<FailoverInputs["state"], readonly string[]>> = {
  replicating: ["replicating"],
  failedOver: ["failedOver", "pendingAcceptance"],
  recovering: ["recovering"],
};

function planOptions(inputs: FailoverInputs, history: History = {}): PlanOptions {
  const last = history.lastKnownPhase;
  return {
    dnsFailover: inputs.dnsFailover ?? defaults.dnsFailover,
    completeRecoveryWhenBehindSeconds: inputs.completeRecoveryWhenBehindSeconds ?? defaults.completeRecoveryWhenBehindSeconds,
    linkName: inputs.link,
    primaryName: inputs.primary.name,
    replicaName: inputs.replica.name,
    ...(last && KNOWN_PHASES.includes(last) ? { lastKnownPhase: last as LinkPhase } : {}),
    ...(history.splitBrain ? { splitBrain: true } : {}),
  };
}

/** For preview and refresh: the links only. Trust decides no plan (only step 3 at `up` checks it), and the
 * ReplicationCertificateTrust resources show a missing certificate in the same preview. */
async function observe(inputs: FailoverInputs): Promise<Observation> {
  const { observeSystems }: typeof import("../engine/observe") = require("../engine/observe");
  return observeSystems(connectPair(inputs.primary, inputs.replica), inputs.link, { readTrust: false });
}

function describePlan(plan: Plan): string[] {
  const planner: typeof import("../planner") = require("../planner");
  if (plan.ok) return planner.formatPlan(plan);
  const r = plan.refusal;
  return [`Refused: ${r.reason} Found: ${r.found}. Expected: ${r.expected}. Way forward: ${r.wayForward}`];
}

/** The plan from the live systems and what this resource remembers. */
function planWith(inputs: FailoverInputs, obs: Observation, history: History): { plan: Plan; options: PlanOptions } {
  const planner: typeof import("../planner") = require("../planner");
  const options = planOptions(inputs, history);
  return { plan: planner.planTransition(inputs.state, obs, options), options };
}

/** Outputs that describe what the systems look like now, and the history to keep for the next run. */
function liveOutputs(plan: Plan, obs: Observation, options: PlanOptions) {
  const planner: typeof import("../planner") = require("../planner");
  // "unknown" when fault messages hide the phase: access and the active side are then the last known.
  const phase = plan.phase;
  const effective = phase === "unknown" && options.lastKnownPhase ? options.lastKnownPhase : phase;
  const access = planner.accessModes(obs, effective, options.splitBrain === true);
  const replicaActive = ["failedOver", "pendingAcceptance", "recovering"].includes(effective);
  return {
    phase,
    activeSystem: (replicaActive ? "replica" : "primary") as FailoverOutputs["activeSystem"],
    primaryAccess: access.primaryAccess,
    replicaAccess: access.replicaAccess,
    plannedSteps: describePlan(plan),
    lastKnownPhase: phase === "unknown" ? options.lastKnownPhase : phase,
    splitBrainSuspected: planner.splitBrainAfter(plan, obs, options),
  };
}

function describeLive(inputs: FailoverInputs, obs: Observation, history: History) {
  const { plan, options } = planWith(inputs, obs, history);
  return liveOutputs(plan, obs, options);
}

/** Which declared state the observed phase corresponds to (for refresh). */
function declaredFor(phase: string, current: FailoverInputs["state"]): FailoverInputs["state"] {
  if (phase === "replicating") return "replicating";
  if (phase === "failedOver" || phase === "pendingAcceptance") return "failedOver";
  if (phase === "recovering") return current === "replicating" ? "replicating" : "recovering";
  if (phase === "completing") return "replicating";
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
  let lastObservation: Observation | undefined;
  let failOverJustSent = false;
  const history = historyOf(previous);
  let splitBrain = history.splitBrain ?? false;
  const observeNow = async (purpose?: "poll") => {
    lastObservation = await observeSystems(clients, inputs.link, { readTrust: trustNeededFor(inputs.state), replicaFirst: purpose === "poll" });
    if (failOverJustSent) {
      // The executor reads both systems right after failOver: a primary that answers but does not show
      // it was not told (the network between the systems is cut) and stays read-write.
      failOverJustSent = false;
      const primaryLink = lastObservation.primary.reachable ? lastObservation.primary.link : undefined;
      if (primaryLink && primaryLink.statusMessage !== STATUS_MESSAGES.failedOver) splitBrain = true;
    }
    return lastObservation;
  };
  try {
    const result = await runTransition({
      declared: inputs.state,
      options: planOptions(inputs, { lastKnownPhase: history.lastKnownPhase, splitBrain }),
      observe: observeNow,
      runAction: async (side, action) => {
        waits.throwIfCancelled(`before sending ${action} to the ${side}`);
        // Failing over while the primary cannot be told leaves both sides read-write (split brain).
        if (action === "failOver" && lastObservation && !lastObservation.primary.reachable) splitBrain = true;
        if (action === "beginRecovery") splitBrain = false;
        await clients[side].runLinkAction(inputs.link, action);
        if (action === "failOver") failOverJustSent = true;
      },
      log,
      sleep: waits.sleep,
      now: () => Date.now(),
      waitTimeoutSeconds: inputs.waitTimeoutSeconds ?? defaults.waitTimeoutSeconds,
      pollIntervalSeconds: inputs.pollIntervalSeconds ?? defaults.pollIntervalSeconds,
      endpoints: { primary: inputs.primary.endpoint, replica: inputs.replica.endpoint },
    });
    const live = describeLive(inputs, result.final, { lastKnownPhase: result.phase, splitBrain });
    return { ...inputs, ...live, executedSteps: result.executed.map(toRecord), splitBrain };
  } catch (err) {
    const executed = err instanceof WorkflowError ? err.executed.map(toRecord) : [];
    let live: Partial<FailoverOutputs> = {};
    try {
      live = describeLive(inputs, await observeNow(), { lastKnownPhase: (err instanceof WorkflowError ? err.lastKnownPhase : undefined) ?? history.lastKnownPhase, splitBrain });
    } catch {
      live = { phase: "unknown" };
    }
    const properties = { ...(previous ?? {}), ...inputs, ...live, executedSteps: executed, splitBrain };
    throw partialStateError(id, properties, err, "re-run `pulumi up` to continue from the step that stopped");
  }
}

function toRecord(step: { seedStep: number; title: string; outcome: string; startedAt: string; finishedAt: string }): ExecutedStepRecord {
  return { seedStep: step.seedStep, title: step.title, outcome: step.outcome, startedAt: step.startedAt, finishedAt: step.finishedAt };
}

export const provider = wireSafe<FailoverInputs, FailoverOutputs>({
  async check(olds, news) {
    const failures = validate(news);
    if (failures.length > 0) return { failures };
    const inputs: FailoverInputs = { ...news };
    if ([news.link, news.state, news.primary.endpoint, news.replica.endpoint, news.primary.password, news.replica.password].some(isUnknown)) {
      return { inputs: { ...inputs, plannedSteps: ["(planned once the systems' connection details are known)"] } };
    }
    // Preview reads the live systems (GET only) and shows the steps `up` will run.
    const history = { lastKnownPhase: olds?.lastKnownPhase, splitBrain: olds?.splitBrainSuspected === true };
    const obs = await observe(inputs);
    const { plan, options } = planWith(inputs, obs, history);
    const live = liveOutputs(plan, obs, options);
    // Check sees only these inputs next time, not what `up` achieved: remember the phase the systems are in
    // once this plan has run. If `up` stops short, diff (which sees its outputs) makes the next `up` go on.
    const remembered = plan.ok && plan.steps.length > 0 ? REACHED_IN[inputs.state][0] : live.lastKnownPhase;
    return {
      inputs: {
        ...inputs,
        plannedSteps: live.plannedSteps,
        observedPhase: live.phase,
        ...(remembered ? { lastKnownPhase: remembered } : {}),
        splitBrainSuspected: live.splitBrainSuspected,
      },
    };
  },

  async diff(_id, olds, news) {
    const changed: string[] = [];
    if ((news.plannedSteps ?? []).length > 0) changed.push("plannedSteps");
    // The last `up` stopped before the declared state was reached: the next one goes on from there.
    if (olds.phase !== undefined && !REACHED_IN[news.state].includes(olds.phase)) changed.push("phase");
    for (const key of ["link", "state", "dnsFailover", "completeRecoveryWhenBehindSeconds", "waitTimeoutSeconds", "pollIntervalSeconds"] as const) {
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
    const obs = await observe(props);
    const live = describeLive(props, obs, historyOf(props));
    const observedState = declaredFor(live.phase, props.state);
    if (observedState !== props.state) {
      progressLog(`ReplicationFailover ${props.link}`)(`the systems are ${live.phase}, but state was "${props.state}": changed outside this stack`);
    }
    const outputs: FailoverOutputs = { ...props, ...live, state: observedState };
    // Reporting the observed state as the input makes refresh show the out-of-band change as drift.
    const inputs = { ...stripOutputs(props), state: observedState, lastKnownPhase: live.lastKnownPhase, splitBrainSuspected: live.splitBrainSuspected };
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
  const { activeSystem: _a, phase: _p, executedSteps: _e, primaryAccess: _pa, replicaAccess: _ra, splitBrain: _s, ...inputs } = props;
  return inputs;
}
