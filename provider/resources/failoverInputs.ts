/**
 * ReplicationFailover's inputs as the engine takes them: validation (each failure names the property and
 * the allowed values), defaults, and the memory and executed steps in the form the resource stores them.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ExecutedStep } from "../engine/executor";
import { memoryFrom, type FailoverDeclaration } from "../engine/session";
import type { LinkMemory } from "../model/types";
import { failoverStates, failOverTargets, recoveryPerformanceLevels, type ExecutedStepRecord, type FailoverInputs, type FailoverOutputs } from "./replicationFailover";
import { Checks } from "./validate";

const DEFAULTS = { completeRecoveryWhenBehindSeconds: 300, waitTimeoutSeconds: 3600, pollIntervalSeconds: 15, maxDataLossSeconds: 0 };

export function validateFailover(news: FailoverInputs): dynamic.CheckFailure[] {
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
  c.nameList("pausedTenants", news.pausedTenants, 64);
  c.oneOf("recoveryPerformanceLevel", news.recoveryPerformanceLevel, recoveryPerformanceLevels, false);
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

/** The declaration with its defaults, as the engine takes it. */
export function declarationOf(inputs: FailoverInputs): FailoverDeclaration {
  return {
    link: inputs.link,
    primaryName: inputs.primary.name,
    replicaName: inputs.replica.name,
    state: inputs.state,
    ...(inputs.failOverTo ? { failOverTo: inputs.failOverTo } : {}),
    ...(inputs.dnsFailover !== undefined ? { dnsFailover: inputs.dnsFailover } : {}),
    completeRecoveryWhenBehindSeconds: inputs.completeRecoveryWhenBehindSeconds ?? DEFAULTS.completeRecoveryWhenBehindSeconds,
    waitTimeoutSeconds: inputs.waitTimeoutSeconds ?? DEFAULTS.waitTimeoutSeconds,
    pollIntervalSeconds: inputs.pollIntervalSeconds ?? DEFAULTS.pollIntervalSeconds,
    maxDataLossSeconds: inputs.maxDataLossSeconds ?? DEFAULTS.maxDataLossSeconds,
    acceptDataLoss: inputs.acceptDataLoss === true,
    ...(inputs.acceptDataLossReason !== undefined ? { acceptDataLossReason: inputs.acceptDataLossReason } : {}),
    ...(inputs.pausedTenants !== undefined ? { pausedTenants: inputs.pausedTenants } : {}),
    ...(inputs.recoveryPerformanceLevel !== undefined ? { recoveryPerformanceLevel: inputs.recoveryPerformanceLevel } : {}),
    endpoints: { primary: inputs.primary.endpoint, replica: inputs.replica.endpoint },
  };
}

/** What check remembers in its inputs (it sees only the old inputs next time). */
export function memoryOfInputs(inputs: FailoverInputs | undefined): LinkMemory {
  return memoryFrom({ lastKnownPhase: inputs?.lastKnownPhase, splitBrain: inputs?.splitBrainSuspected === true, lag: inputs?.lastKnownLag, scheduleFound: inputs?.keptScheduleOverride });
}

/** What the last run's outputs say, and the lag check kept: the outputs are the truth of that run. */
export function memoryOfOutputs(outputs: FailoverOutputs | undefined, inputs: FailoverInputs): LinkMemory {
  const phase = outputs ? (outputs.phase !== "unknown" ? outputs.phase : outputs.lastKnownPhase) : undefined;
  // The override to put back: as check kept it, else as the last run left it (a run that stopped keeps its inputs old).
  const scheduleFound = inputs.keptScheduleOverride ?? outputs?.keptScheduleOverride;
  return memoryFrom({ lastKnownPhase: phase, splitBrain: outputs?.splitBrain, lag: inputs.lastKnownLag, scheduleFound });
}

/** A step the executor handled, as executedSteps records it. */
export function toRecord(step: ExecutedStep): ExecutedStepRecord {
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

/** The inputs of a stored resource (its outputs removed). */
export function inputsOf(props: FailoverOutputs): FailoverInputs {
  const { activeSystem: _a, phase: _p, executedSteps: _e, primaryAccess: _pa, replicaAccess: _ra, splitBrain: _s, lastTransition: _t, readiness: _r, ...inputs } = props;
  return inputs;
}
