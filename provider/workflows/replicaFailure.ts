/**
 * HCP's replica failure workflow for an active/passive link (System Management Help, the 9.x table and
 * the 7.x table: ../shared/reference/hcp-workflows.md section 1). The primary keeps serving and runs every
 * action: it suspends the link while the replica is down, and once the replica is back restores the link
 * if the replica lost it and resumes. No failover, no data recovery. Data only, plus the words of its
 * refusals.
 */
import { formatStep, stepPhrase } from "../model/format";
import { primaryLabel, replicaLabel } from "../model/labels";
import type { LinkPhase, Observation, PlanOptions, PlannedStep, Refusal } from "../model/types";
import { analysePhase } from "../readings/phase";
import { acceptRestoredLink, activePassive } from "./activePassive";
import type { PlanContext, Workflow, WorkflowStep } from "./types";

const STEPS: readonly WorkflowStep[] = [
  // Replica fails
  {
    id: "suspendLinkOnPrimary",
    numbers: { "9.x": 1, "7.x": 1 },
    side: "primary",
    kind: "action",
    action: "suspend",
    needs: ["primary"],
    leadsTo: "suspended",
    title: (o) => `On ${primaryLabel(o)}, suspend activity on link ${o.linkName} while ${o.replicaName} is down`,
  },
  // Replica comes back online
  {
    id: "checkCertificateTrustForReplica",
    numbers: { "9.x": 2, "7.x": 2 },
    side: "replica",
    kind: "check",
    check: "certificatesTrusted",
    when: [["systemRebuilt"]],
    needs: ["primary", "replica"],
    title: (o) =>
      `Check that ${replicaLabel(o)} and ${primaryLabel(o)} trust each other's replication server certificates ` +
      `(ensured by ReplicationCertificateTrust resources)`,
  },
  {
    id: "checkLinkConfigurationOnPrimary",
    numbers: { "9.x": 3, "7.x": 3 },
    side: "primary",
    kind: "check",
    check: "linkOnPrimary",
    needs: ["primary"],
    title: (o) => `Check the configuration of link ${o.linkName} on ${primaryLabel(o)} (applied by the ReplicationLink resource)`,
  },
  {
    id: "restoreLinkFromPrimary",
    numbers: { "9.x": 4, "7.x": 4 },
    side: "primary",
    kind: "action",
    action: "restore",
    when: [["linkBroken"]],
    needs: ["primary", "replica"],
    leadsTo: "suspended",
    title: (o) => `On ${primaryLabel(o)}, restore link ${o.linkName} (it is missing on ${replicaLabel(o)})`,
  },
  {
    id: "acceptOnReplica",
    numbers: { "7.x": 5 },
    side: "replica",
    kind: "operator",
    when: [["linkBroken", "crossRelease"], ["pendingRequest"]],
    needs: ["primary", "replica"],
    title: (o) =>
      `In the System Management Console of ${replicaLabel(o)}, accept the restored link ${o.linkName} ` +
      `(cross-release link; a person must do this)`,
    waitingFor: (o) => ({
      long: `a person to accept the restored link ${o.linkName} in the System Management Console of ${replicaLabel(o)}`,
      short: "a person",
    }),
    instructions: acceptRestoredLink("replica"),
  },
  {
    id: "resumeLinkOnPrimary",
    numbers: { "9.x": 5, "7.x": 6 },
    side: "primary",
    kind: "action",
    action: "resume",
    when: [["survivorSuspended"]],
    needs: ["primary", "replica"],
    leadsTo: "replicating",
    title: (o) => `On ${primaryLabel(o)}, resume activity on link ${o.linkName}`,
  },
  // What the last step leads to, verified: no edition numbers it.
  {
    id: "waitReplicationRestarted",
    numbers: {},
    side: "replica",
    kind: "wait",
    needs: ["primary", "replica"],
    leadsTo: "replicating",
    title: (o) => `Wait until replication ${o.primaryName} -> ${o.replicaName} restarts (${replicaLabel(o)} receiving data)`,
    waitingFor: (o) => ({
      long: `replication ${o.primaryName} -> ${o.replicaName} to restart on link ${o.linkName}`,
      short: "replication to restart",
    }),
  },
];

/** Only a failover leads to this phase (the link model says). */
const followsFailover = (phase: LinkPhase) => activePassive.phases[phase].followsFailover;

/**
 * The phase the routes read: "suspended" only for a suspension on the primary over a link the primary
 * leads (replicating, the replica rebuilt, or a restore waiting on the replica); a failover phase under a
 * suspension as itself; "absent" only while the primary still has the link.
 */
function routePhase({ analysis: a, obs }: PlanContext): LinkPhase {
  if (a.phase === "suspended") {
    const underneath = analysePhase(obs, undefined, true).phase;
    if (followsFailover(underneath)) return underneath;
    const onPrimaryOnly = a.suspendedOn?.length === 1 && a.suspendedOn[0] === "primary";
    return onPrimaryOnly ? "suspended" : "unknown";
  }
  if (a.phase === "absent") return obs.primary.reachable && obs.primary.link ? "absent" : "unknown";
  return a.phase;
}

function reachabilityNote(side: "primary" | "replica", obs: Observation, opts: PlanOptions): string {
  const label = side === "primary" ? primaryLabel(opts) : replicaLabel(opts);
  const error = obs[side].error;
  return `${label} cannot be reached${error ? ` (${error})` : ""}`;
}

function noRoute({ declared, opts }: PlanContext, phase: LinkPhase): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const words = activePassive.phases[phase].words;
  return {
    reason:
      `The replica-failure workflow keeps ${P} active and has no step from ${words} to ` +
      `${declared === "suspended" ? `"suspended" (the link suspended on ${P})` : `"${declared}"`}`,
    found: `phase ${phase}`,
    expected: `phase replicating, suspended (on ${P}), or the link missing on ${R} while ${P} has it`,
    wayForward: followsFailover(phase)
      ? `link ${opts.linkName} is failed over: ${R} serves clients, so suspending on ${P} is not the way back. ` +
        `Declare "failedOver" or "recovering" to stay on ${R}, or "replicating" to recover the data onto ${P} ` +
        `(the primary-failure workflow).`
      : `Look at link ${opts.linkName} on both systems, then declare the state that matches them.`,
  };
}

function unreachable({ analysis: a, obs, opts }: PlanContext, side: "primary" | "replica", step: PlannedStep): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  if (side === "primary") {
    return {
      reason: `${reachabilityNote("primary", obs, opts)}; the next step (${formatStep(step)}) needs it`,
      found: `phase ${a.phase}; ${P} unreachable`,
      expected: `${P} reachable (every action of the replica-failure workflow runs on it)`,
      wayForward:
        `Bring ${P} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. If ${P} ` +
        `has failed, fail over instead: declare state "failedOver". Nothing was changed.`,
    };
  }
  return {
    reason: `${reachabilityNote("replica", obs, opts)}; bringing it back into replication (${stepPhrase(step)} onwards) needs it`,
    found: `phase ${a.phase}; ${R} unreachable`,
    expected: `${R} back online and reachable`,
    wayForward:
      `Keep state "suspended" while ${R} is down (${P} keeps serving); once ${R} answers again, re-run ` +
      `\`pulumi up\` with state "replicating". Nothing was changed.`,
  };
}

export const replicaFailure: Workflow = {
  id: "replicaFailure",
  name: "Replica failure workflow",
  kind: "ACTIVE_PASSIVE",
  survivor: "primary",
  steps: STEPS,
  routes: {
    suspended: {
      through: "suspendLinkOnPrimary",
      reaches: "suspended",
      reachedIn: ["suspended"],
      from: { replicating: "suspendLinkOnPrimary", absent: "suspendLinkOnPrimary", pendingReplicaAcceptance: "suspendLinkOnPrimary" },
    },
    replicating: {
      through: "waitReplicationRestarted",
      reaches: "replicating",
      reachedIn: [],
      from: {
        suspended: "checkCertificateTrustForReplica",
        absent: "checkCertificateTrustForReplica",
        pendingReplicaAcceptance: "acceptOnReplica",
      },
    },
  },
  routePhase,
  noRoute,
  unreachable,
};
