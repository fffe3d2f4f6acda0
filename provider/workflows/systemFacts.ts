/**
 * What the systems report about themselves, in the words of the plan, for every workflow: a release
 * without the replication Management API, a replication service that is shut down (before a step needs it,
 * or as the reason a link reads suspended), and a declared DNS failover that disagrees with what a system
 * reports. Data and text only.
 */
import { REPLICATION_MAPI_FROM_RELEASE } from "../mapi/assumptions";
import { formatStep } from "../model/format";
import { sideLabel } from "../model/labels";
import type { Observation, PlanOptions, PlannedStep, Refusal, Side } from "../model/types";
import { dnsFailoverOn } from "../readings/conditions";

const SIDES: readonly Side[] = ["primary", "replica"];

/** A system whose release has no replication Management API (before 7.0): no workflow can run on it by MAPI. */
export function noReplicationMapi(obs: Observation, opts: PlanOptions): Refusal | undefined {
  const side = SIDES.find((s) => obs[s].reachable && obs[s].replicationMapi === false);
  if (!side) return undefined;
  const label = sideLabel(side, opts);
  const version = obs[side].softwareVersion ?? "unknown";
  return {
    reason:
      `${label} runs HCP ${version}, a release without the replication Management API (it came with ${REPLICATION_MAPI_FROM_RELEASE}.0), ` +
      `so link ${opts.linkName} can be neither read nor changed there`,
    found: `X-HCP-SoftwareVersion ${version} on ${label}; no replication resources under /mapi/services/replication`,
    expected: `HCP ${REPLICATION_MAPI_FROM_RELEASE}.0 or later on both systems of link ${opts.linkName}`,
    wayForward:
      `Upgrade ${opts[side === "primary" ? "primaryName" : "replicaName"]} to HCP ${REPLICATION_MAPI_FROM_RELEASE}.0 or later, or run this ` +
      `workflow in its System Management Console; check its endpoint if it should run a later release. Nothing was changed.`,
  };
}

function shutDownRefusal(side: Side, opts: PlanOptions, what: string): Refusal {
  const label = sideLabel(side, opts);
  return {
    reason:
      `the replication service of ${label} is shut down (shutDownAllLinks): no link replicates or recovers there, and its ` +
      `links show "Suspended by user" without anyone having suspended them; ${what}`,
    found: `replicationService status SHUTDOWN on ${label}`,
    expected: `replicationService status ENABLED on ${label}`,
    wayForward:
      `Reestablish the replication service of ${label} (POST /mapi/services/replication?reestablishAllLinks, or Reestablish ` +
      `in its System Management Console): that returns each link to its state before the shutdown. Resuming the link ` +
      `would not. Then re-run \`pulumi up\`. Nothing was changed.`,
  };
}

/** A step that would act on (or need) a system whose replication service is shut down (`shutDownAllLinks`). */
export function serviceShutDown(obs: Observation, opts: PlanOptions, steps: readonly PlannedStep[], needs: (s: PlannedStep) => readonly Side[]): Refusal | undefined {
  for (const step of steps) {
    if (step.kind === "notice") continue;
    const side = needs(step).find((s) => obs[s].reachable && obs[s].service?.status === "SHUTDOWN");
    if (side) return shutDownRefusal(side, opts, `the next step (${formatStep(step)}) cannot run`);
  }
  return undefined;
}

/**
 * A link that reads as a phase no route starts from, on a system whose service is shut down: the shutdown
 * is the cause (its links read "Suspended by user"), and resuming would not undo it.
 */
export function shutDownInstead(obs: Observation, opts: PlanOptions): Refusal | undefined {
  const side = SIDES.find((s) => obs[s].reachable && obs[s].service?.status === "SHUTDOWN");
  return side ? shutDownRefusal(side, opts, `link ${opts.linkName} cannot move to the declared state there`) : undefined;
}

/** The declared DNS failover against what the system that takes over reports: the plan follows the system. */
export function dnsMismatch(obs: Observation, opts: PlanOptions, survivor: Side): string | undefined {
  if (opts.dnsFailover === undefined) return undefined;
  const reporter = [survivor, survivor === "primary" ? "replica" : "primary"].find((s) => obs[s as Side].reachable && obs[s as Side].service?.dnsFailover !== undefined) as Side | undefined;
  if (!reporter) return undefined;
  const reported = dnsFailoverOn(obs, survivor, undefined);
  if (reported === opts.dnsFailover) return undefined;
  return (
    `dnsFailover is declared ${opts.dnsFailover}, but ${sideLabel(reporter, opts)} reports enableDNSFailover ${reported}: ` +
    `the plan follows ${sideLabel(reporter, opts)}${reported ? " (HCP redirects clients itself)" : " (clients must be redirected by the operator)"}. ` +
    `Remove dnsFailover, or change the setting in the System Management Console.`
  );
}
