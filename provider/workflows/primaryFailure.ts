/**
 * HCP's primary system failure workflow for an active/passive link (System Management Help, the 9.x
 * table and the 7.x cross-release table: ../shared/reference/seed-primary-failure-workflow-*.txt). The
 * replica takes over and runs every action; data recovery brings the primary back. Before step 1, when
 * both systems answer and are in contact, the provider adds a zero-loss planned switchover (unnumbered
 * steps, so the documented numbering stays as HCP prints it). Data only, plus the words of its refusals,
 * warnings and notes.
 */
import { formatStep, stepPhrase } from "../model/format";
import { primaryLabel, replicaLabel } from "../model/labels";
import type { LinkPhase, Observation, PlanOptions, PlannedStep, Refusal } from "../model/types";
import { describeLagBeforeFailover, lagKnown, replicationLag } from "../readings/lag";
import { outOfContact } from "../readings/linkKind";
import { acceptRestoredLink, activePassive, primaryNotToldOfFailover } from "./activePassive";
import type { PlanContext, Workflow, WorkflowStep } from "./types";

/** What the replica must reach before a planned switchover's failOver. */
function caughtUp(o: PlanOptions): string {
  return (o.maxDataLossSeconds ?? 0) === 0 ? `has everything ${o.primaryName} has (nothing pending)` : `is within ${o.maxDataLossSeconds} s of ${o.primaryName}`;
}

const STEPS: readonly WorkflowStep[] = [
  // Before step 1 (the provider's): a failover that leaves data behind is a decision, recorded with its reason ...
  {
    id: "acceptDataLoss",
    numbers: {},
    side: "operator",
    kind: "notice",
    when: [["dataLossAccepted"]],
    needs: ["replica"],
    title: (o) => `data loss accepted (${o.acceptDataLossReason ?? ""}): failOver is sent without waiting for ${o.replicaName} to catch up`,
  },
  // ... and with both systems up and in contact, a planned switchover drains the primary first.
  {
    id: "stopClientWrites",
    numbers: {},
    side: "operator",
    kind: "notice",
    when: [["plannedSwitchover"]],
    needs: ["primary", "replica"],
    title: (o) => `planned switchover (both systems answer): stop client writes to ${primaryLabel(o)}`,
  },
  {
    id: "waitReplicaCaughtUp",
    numbers: {},
    side: "replica",
    kind: "drain",
    when: [["plannedSwitchover"]],
    needs: ["primary", "replica"],
    title: (o) => `wait until ${o.replicaName} ${caughtUp(o)}, then fail over`,
    waitingFor: (o) => ({ long: `${o.replicaName} ${caughtUp(o)}`, short: `${o.replicaName} to catch up` }),
  },
  // Primary system fails
  {
    id: "failOver",
    numbers: { "9.x": 1, "7.x": 1 },
    side: "replica",
    kind: "action",
    action: "failOver",
    needs: ["replica"],
    leadsTo: "failedOver",
    splitBrain: "begins",
    title: (o) => `On ${replicaLabel(o)}, fail over link ${o.linkName}`,
  },
  {
    id: "redirectClientsToReplica",
    numbers: { "9.x": 2, "7.x": 2 },
    side: "operator",
    kind: "notice",
    when: [["dnsFailoverOff"]],
    needs: ["replica"],
    title: (o) => `DNS failover is off: direct clients to write only to ${replicaLabel(o)}`,
  },
  // Primary system comes back online
  {
    id: "checkCertificateTrust",
    numbers: { "9.x": 3, "7.x": 3 },
    side: "primary",
    kind: "check",
    check: "certificatesTrusted",
    when: [["systemRebuilt"]],
    needs: ["primary", "replica"],
    title: (o) =>
      `Check that ${primaryLabel(o)} and ${replicaLabel(o)} trust each other's replication server certificates ` +
      `(ensured by ReplicationCertificateTrust resources)`,
  },
  {
    id: "checkLinkConfiguration",
    numbers: { "9.x": 4, "7.x": 4 },
    side: "replica",
    kind: "check",
    check: "linkOnReplica",
    needs: ["primary", "replica"],
    title: (o) => `Check the configuration of link ${o.linkName} on ${replicaLabel(o)} (applied by the ReplicationLink resource)`,
  },
  {
    id: "restoreLink",
    numbers: { "9.x": 5, "7.x": 5 },
    side: "replica",
    kind: "action",
    action: "restore",
    when: [["linkBroken"]],
    needs: ["primary", "replica"],
    leadsTo: "failedOver",
    title: (o) => `On ${replicaLabel(o)}, restore link ${o.linkName} (it is missing on ${primaryLabel(o)})`,
  },
  {
    id: "acceptPendingRequest",
    numbers: { "7.x": 6 },
    side: "primary",
    kind: "operator",
    when: [["linkBroken", "crossRelease"], ["pendingRequest"]],
    needs: ["primary", "replica"],
    leadsTo: "failedOver",
    title: (o) =>
      `In the System Management Console of ${primaryLabel(o)}, accept the pending request for link ${o.linkName} ` +
      `(cross-release link; a person must do this)`,
    waitingFor: (o) => ({
      long: `a person to accept the pending request for link ${o.linkName} in the System Management Console of ${primaryLabel(o)}`,
      short: "a person",
    }),
    instructions: acceptRestoredLink("primary"),
  },
  // The provider's: recovery at the declared performance level (hcp-workflows.md 5, "schedule").
  {
    id: "raiseRecoverySpeed",
    numbers: {},
    side: "replica",
    kind: "action",
    action: "setScheduleOverride",
    each: "recoveryScheduleToSet",
    needs: ["replica"],
    title: (o, level) =>
      `On ${replicaLabel(o)}, set the schedule override of link ${o.linkName} to ${level} for data recovery ` +
      `(recoveryPerformanceLevel; the override found is put back once recovery finishes)`,
  },
  {
    id: "beginRecovery",
    numbers: { "9.x": 6, "7.x": 7 },
    side: "replica",
    kind: "action",
    action: "beginRecovery",
    needs: ["primary", "replica"],
    leadsTo: "recovering",
    splitBrain: "ends",
    title: (o) => `On ${replicaLabel(o)}, begin data recovery on link ${o.linkName}`,
  },
  {
    id: "waitCloseToUpToDate",
    numbers: { "9.x": 7, "7.x": 8 },
    side: "replica",
    kind: "wait",
    when: [["recoveryBehind"]],
    needs: ["primary", "replica"],
    title: (o) => `Wait until data recovery on link ${o.linkName} is within ${o.completeRecoveryWhenBehindSeconds} s of up to date`,
    waitingFor: (o) => ({
      long: `data recovery on link ${o.linkName} to be within ${o.completeRecoveryWhenBehindSeconds} s of up to date`,
      short: `data to be within ${o.completeRecoveryWhenBehindSeconds} s of up to date`,
    }),
  },
  {
    id: "completeRecovery",
    numbers: { "9.x": 8, "7.x": 9 },
    side: "replica",
    kind: "action",
    action: "completeRecovery",
    needs: ["primary", "replica"],
    leadsTo: "completing",
    title: (o) => `On ${replicaLabel(o)}, complete data recovery on link ${o.linkName}`,
  },
  // Data recovery finishes
  {
    id: "waitRecoveryFinished",
    numbers: { "9.x": 9, "7.x": 10 },
    side: "replica",
    kind: "wait",
    needs: ["primary", "replica"],
    leadsTo: "replicating",
    title: (o) =>
      `Wait for data recovery on link ${o.linkName} to finish (${o.primaryName} read-write, ${o.replicaName} read-only, ` +
      `replication ${o.primaryName} -> ${o.replicaName} restarted)`,
    waitingFor: (o) => ({
      long: `${o.primaryName} to become read-write and replication ${o.primaryName} -> ${o.replicaName} to restart`,
      short: "data recovery to finish",
    }),
  },
  {
    id: "putBackSchedule",
    numbers: {},
    side: "replica",
    kind: "action",
    action: "setScheduleOverride",
    each: "scheduleToPutBack",
    needs: ["replica"],
    title: (o, found) => `On ${replicaLabel(o)}, put back the schedule override of link ${o.linkName} found before data recovery (${found})`,
  },
  {
    id: "redirectClientsToPrimary",
    numbers: { "9.x": 10, "7.x": 11 },
    side: "operator",
    kind: "notice",
    when: [["dnsFailoverOff"]],
    needs: ["primary", "replica"],
    title: (o) =>
      `DNS failover is off: once the system log shows "Replication data recovery completed", direct clients to ` +
      `write only to ${primaryLabel(o)}`,
  },
];

const DECLARED_WORDS: Readonly<Record<string, string>> = {
  replicating: "replicating (primary active)",
  failedOver: "failed over (replica active)",
  recovering: "data recovery begun (replica active)",
};

function reachabilityNote(side: "primary" | "replica", obs: Observation, opts: PlanOptions): string {
  const label = side === "primary" ? primaryLabel(opts) : replicaLabel(opts);
  const error = obs[side].error;
  return `${label} cannot be reached${error ? ` (${error})` : ""}`;
}

/** The refusal for a move the procedure has no step for. */
function noRoute({ declared, opts }: PlanContext, phase: LinkPhase): Refusal {
  const R = replicaLabel(opts);
  const P = primaryLabel(opts);
  const wayForward =
    phase === "completing"
      ? `completeRecovery was sent: ${R} is read-only and the remaining data is going to ${P}; HCP cannot undo that. ` +
        `Declare state "replicating" and let recovery finish; fail over again afterwards if you need ${R} active.`
      : `Data recovery has begun (beginRecovery) and HCP has no step back to plain failover. Declare state ` +
        `"recovering" to stay here with ${R} active, or "replicating" to complete recovery onto ${P}.`;
  return {
    reason: `The workflow has no step from ${activePassive.phases[phase].words} back to ${DECLARED_WORDS[declared] ?? declared}`,
    found: `phase ${phase}`,
    expected:
      declared === "failedOver"
        ? `phase replicating, failedOver or pendingAcceptance`
        : `phase replicating, failedOver, pendingAcceptance or recovering`,
    wayForward,
  };
}

function unreachable({ declared, analysis: a, obs, opts }: PlanContext, side: "primary" | "replica", step: PlannedStep): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  if (side === "replica") {
    return {
      reason: `${reachabilityNote("replica", obs, opts)}; the next step (${formatStep(step)}) needs it`,
      found: `phase ${a.phase}; ${R} unreachable`,
      expected: `${R} reachable (every action of the workflow runs on it)`,
      wayForward: `Bring ${R} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. Nothing was changed.`,
    };
  }
  const stayOnReplica =
    a.phase === "replicating" || a.phase === "failedOver" || a.phase === "pendingAcceptance"
      ? `To keep working on ${R} meanwhile, declare state "failedOver" (${failoverSteps()} do not need ${P}). `
      : "";
  return {
    reason: `${reachabilityNote("primary", obs, opts)}; data recovery onto it (${stepPhrase(step)} onwards) needs it`,
    found: `phase ${a.phase}; ${P} unreachable`,
    expected: `${P} back online and reachable`,
    wayForward: `${stayOnReplica}Once ${P} answers again, re-run \`pulumi up\` with state "${declared}". Nothing was changed.`,
  };
}

/** "steps 1-2": the failover steps, numbered alike in every edition. */
function failoverSteps(): string {
  const number = (id: string) => STEPS.find((s) => s.id === id)?.numbers["9.x"];
  return `steps ${number("failOver")}-${number("redirectClientsToReplica")}`;
}

const needsPrimary = (steps: readonly PlannedStep[]) => steps.find((s) => STEPS.find((t) => t.id === s.id)?.needs.includes("primary"));

function notToldGuard({ analysis: a, obs, opts }: PlanContext, steps: readonly PlannedStep[]): Refusal | undefined {
  const notTold = primaryNotToldOfFailover(a.phase, obs);
  const first = needsPrimary(steps);
  if (notTold === undefined || !first) return undefined;
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  return {
    reason:
      `${P} answers but reports "${notTold}" for link ${opts.linkName}, not "Failed over": it cannot reach ${R} and has not learnt ` +
      `of the failover, so data recovery (${stepPhrase(first)} onwards) cannot start`,
    found: `${R} reports "Failed over"; ${P} reports "${notTold}"`,
    expected: `${P} reporting "Failed over" (the two systems in contact)`,
    wayForward:
      `Restore the network between ${opts.primaryName} and ${opts.replicaName} (replication ports), wait until ` +
      `${P} shows "Failed over", then re-run \`pulumi up\`. Meanwhile keep state "failedOver": both systems are ` +
      `read-write (split brain), so keep clients off ${P}. Nothing was changed.`,
    waitable: true,
  };
}

function brokenWhileReplicatingGuard({ declared, analysis: a, opts, edition }: PlanContext): Refusal | undefined {
  if (declared !== "replicating" || a.phase !== "replicating" || !a.primaryLacksLink) return undefined;
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const numbered = STEPS.map((s) => s.numbers[edition]).filter((n): n is number => n !== undefined);
  return {
    reason: `link ${opts.linkName} is broken: ${P} answers but has no such link while ${R} still expects data from it`,
    found: `${a.detail}; no link ${opts.linkName} on ${P}`,
    expected: `link ${opts.linkName} on both systems, ${P} sending data`,
    wayForward:
      `${P} lost its replication configuration (rebuilt?). Declare state "failedOver" to make ${R} active, then ` +
      `"replicating" to restore the link and recover the data onto ${P} (steps ${Math.min(...numbered)}-${Math.max(...numbered)}).`,
  };
}

/**
 * A primary that answers and serves but cannot reach the replica cannot be told of a failover: failing over
 * would leave both systems read-write. That is a decision to lose what the primary takes meanwhile (recovery
 * overwrites it), so it needs acceptDataLoss; a primary that does not answer may be dead, and the documented
 * failover is for it.
 */
function servingPrimaryGuard({ obs, opts }: PlanContext, steps: readonly PlannedStep[]): Refusal | undefined {
  const failOver = steps.find((s) => s.action === "failOver");
  const primary = obs.primary;
  if (!failOver || opts.acceptDataLoss || !primary.reachable || !primary.link || !outOfContact(obs, "primary")) return undefined;
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  return {
    reason:
      `${P} answers and serves link ${opts.linkName} but cannot reach ${R} ("${primary.link.statusMessage}"): it cannot be told ` +
      `of a failover, so ${stepPhrase(failOver)} would leave both systems read-write`,
    found: `${P} reachable, reporting "${primary.link.statusMessage}"`,
    expected: `${P} in contact with ${R} (a planned switchover, nothing lost), or not answering (the documented failover)`,
    wayForward:
      `Restore the network between ${opts.primaryName} and ${opts.replicaName} (replication ports) and re-run \`pulumi up\`: ` +
      `the failover then runs as a planned switchover. If ${opts.primaryName} must go now, stop its clients, then set ` +
      `acceptDataLoss: true with acceptDataLossReason: whatever it takes after the failover is overwritten by data recovery ` +
      `where ${opts.replicaName} has the same object. Nothing was changed.`,
  };
}

/**
 * A primary that answered, but with something that cannot be read (a malformed body, an HTTP error), is
 * running: it is not the dead primary the documented failover is for, and it may still serve clients, so
 * failing over on that reading would leave both systems read-write. It needs acceptDataLoss.
 */
function unreadablePrimaryGuard({ obs, opts }: PlanContext, steps: readonly PlannedStep[]): Refusal | undefined {
  const failOver = steps.find((s) => s.action === "failOver");
  const primary = obs.primary;
  if (!failOver || opts.acceptDataLoss || primary.reachable || !primary.answered) return undefined;
  const P = primaryLabel(opts);
  return {
    reason:
      `${P} answers, but its answer cannot be read (${primary.error ?? "unreadable"}): it is running and may still serve ` +
      `clients, so ${stepPhrase(failOver)} would leave both systems read-write`,
    found: `${P} answering with an unreadable link`,
    expected: `${P} answering with its link (a planned switchover, nothing lost), or not answering (the documented failover)`,
    wayForward:
      `Find what answers for ${opts.primaryName} (a proxy, a sign-in page, a failing service) and re-run \`pulumi up\`. ` +
      `If ${opts.primaryName} must go now, stop its clients, then set acceptDataLoss: true with acceptDataLossReason. ` +
      `Nothing was changed.`,
  };
}

/** The data a failover leaves behind: read now when the primary answers, else the last reading kept. */
function notes({ obs, opts }: PlanContext, steps: readonly PlannedStep[]): string[] {
  return steps.some((s) => s.action === "failOver") ? [describeLagBeforeFailover(obs, opts.memory?.lag, opts)] : [];
}

/**
 * A zero-loss switchover waits until the replica has caught up, which only the primary's pending counts
 * show: a primary that reports none leaves the lag unknown, and the wait could never end honestly.
 */
function lagUnknownGuard({ obs, opts }: PlanContext, steps: readonly PlannedStep[]): Refusal | undefined {
  if (!steps.some((s) => s.kind === "drain") || lagKnown(replicationLag(obs))) return undefined;
  const P = primaryLabel(opts);
  return {
    reason: `lag unknown: ${P} reports no objectsPending for link ${opts.linkName}, so a zero-loss switchover cannot tell when ${opts.replicaName} has caught up`,
    found: `link statistics of ${P} without objectsPending`,
    expected: `objectsPending in the verbose link statistics of ${P}`,
    wayForward:
      `To fail over anyway, leaving behind whatever ${opts.primaryName} has not sent, set acceptDataLoss: true with ` +
      `acceptDataLossReason; or find out why ${opts.primaryName} reports no statistics (its release, its MAPI account) and re-run. Nothing was changed.`,
  };
}

/** What a split brain puts at risk, said before the steps that cause it or overwrite its data. */
function warnings(ctx: PlanContext, steps: readonly PlannedStep[]): string[] {
  const { obs, opts } = ctx;
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const out: string[] = [];
  if (steps.some((s) => s.action === "failOver") && outOfContact(obs, "primary")) {
    out.push(
      `split brain: ${P} ${obs.primary.reachable ? `cannot reach ${R}` : "does not answer"}, so it cannot be told of ` +
        `the failover and its tenants stay read-write until data recovery begins. Keep clients off ${P}: whatever ` +
        `they write there is overwritten by recovery where ${R} has the same object.`,
    );
  }
  const begin = steps.find((s) => s.action === "beginRecovery");
  if (begin && activePassive.splitBrainNow?.(ctx)) {
    out.push(
      `split brain: ${P} was not told of the failover and kept accepting writes. Data recovery (${stepPhrase(begin)} onwards) ` +
        `copies the objects of ${opts.replicaName} onto ${opts.primaryName} and overwrites the ${opts.primaryName} ` +
        `version of every object that was also written on ${opts.replicaName} since the failover; objects written ` +
        `only on ${opts.primaryName} are expected to stay (the documentation does not say). MAPI cannot list ` +
        `objects: compare the namespaces of the two systems, or copy out what ${opts.primaryName} must keep, before ` +
        `running \`pulumi up\`.`,
    );
  }
  return out;
}

export const primaryFailure: Workflow = {
  id: "primaryFailure",
  name: "Primary system failure workflow",
  kind: "ACTIVE_PASSIVE",
  survivor: "replica",
  steps: STEPS,
  routes: {
    failedOver: {
      through: "redirectClientsToReplica",
      reaches: "failedOver",
      reachedIn: ["failedOver", "pendingAcceptance"],
      from: { replicating: "acceptDataLoss" },
    },
    recovering: {
      through: "beginRecovery",
      reaches: "recovering",
      reachedIn: ["recovering"],
      from: { replicating: "acceptDataLoss", failedOver: "checkCertificateTrust", pendingAcceptance: "acceptPendingRequest" },
    },
    replicating: {
      through: "redirectClientsToPrimary",
      reaches: "replicating",
      reachedIn: ["replicating"],
      settles: ["putBackSchedule"],
      from: {
        failedOver: "checkCertificateTrust",
        pendingAcceptance: "acceptPendingRequest",
        recovering: "waitCloseToUpToDate",
        completing: "waitRecoveryFinished",
      },
    },
  },
  absentLinkStep: "checkLinkConfiguration",
  noRoute,
  unreachable,
  guards: [notToldGuard, brokenWhileReplicatingGuard, servingPrimaryGuard, unreadablePrimaryGuard, lagUnknownGuard],
  warnings,
  notes,
};
