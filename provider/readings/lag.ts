/**
 * How far the replica is behind the primary while the link replicates (the data a failover would leave
 * behind: the RPO exposure), and the reading a resource keeps between runs for when the primary is gone.
 * Pure: data in, data out.
 */
import { OUT_OF_CONTACT_MESSAGES } from "../mapi/assumptions";
import { lagFigures } from "../model/format";
import type { LagReading, Observation, PlanOptions } from "../model/types";

/** The primary answers and is in contact with the replica: a lag read now is live. */
export function primaryInContact(obs: Observation): boolean {
  if (!obs.primary.reachable || !obs.primary.link) return false;
  return !OUT_OF_CONTACT_MESSAGES.includes(obs.primary.link.statusMessage ?? "");
}

/**
 * The lag primary -> replica from the link statistics: what the primary still has to send, its own
 * pending counts (the …PendingRemote counters are always zero on an active/passive link, hcp-workflows.md
 * 4b, so they tell nothing). Undefined when the primary is out of contact or reports no statistics.
 */
export function replicationLag(obs: Observation): LagReading | undefined {
  if (!primaryInContact(obs)) return undefined;
  const p = obs.primary.link?.statistics;
  const r = obs.replica.reachable ? obs.replica.link?.statistics : undefined;
  const objects = p?.objectsPending;
  const bytes = p?.bytesPending;
  const upToDate = p?.upToDateAsOfMillis ?? r?.upToDateAsOfMillis;
  if (objects === undefined && bytes === undefined && upToDate === undefined) return undefined;
  const reading: LagReading = { readAt: new Date(obs.now).toISOString() };
  if (objects !== undefined) reading.objects = objects;
  if (bytes !== undefined) reading.bytes = bytes;
  // Nothing pending is up to date, whatever time the system reports as "up to date as of".
  if (objects === 0 && bytes === 0) reading.seconds = 0;
  else if (upToDate !== undefined) reading.seconds = Math.max(0, Math.round((obs.now - upToDate) / 1000));
  return reading;
}

/** True when two readings say the same (their times aside). */
export function sameLag(a: LagReading | undefined, b: LagReading | undefined): boolean {
  return !!a && !!b && a.objects === b.objects && a.bytes === b.bytes && a.seconds === b.seconds;
}

/**
 * The reading to keep: a new one only when it says something else, so that the kept reading (an input
 * that `check` returns, pinned by a saved update plan) stays the same while the lag does.
 */
export function keepLag(kept: LagReading | undefined, now: LagReading | undefined): LagReading | undefined {
  if (!now) return kept;
  return sameLag(kept, now) ? kept : now;
}

/**
 * The plan's line on the data a failover leaves behind: live when the primary answers ("hcp-b is N
 * objects, M s behind hcp-a"), else the last known reading with its time, else unknown.
 */
export function describeLagBeforeFailover(obs: Observation, kept: LagReading | undefined, opts: PlanOptions): string {
  const P = opts.primaryName;
  const R = opts.replicaName;
  const live = replicationLag(obs);
  if (live) return `Data behind: ${R} is ${lagFigures(live)} behind ${P} (read now)`;
  const why = obs.primary.reachable ? `${P} cannot reach ${R}` : `${P} does not answer`;
  // The reading's time, not its age: the line is part of a plan a reviewer saves, and must not change by the second.
  if (kept) return `Data behind: ${why}; last known: ${R} was at least ${lagFigures(kept)} behind ${P} (read at ${kept.readAt}); anything written to ${P} after that is unknown`;
  return `Data behind: ${why}, and no earlier reading is known: what ${R} lacks is unknown`;
}

/** A planned switchover: both systems answer and the primary is in contact with the replica. */
export function bothInContact(obs: Observation): boolean {
  return primaryInContact(obs) && obs.replica.reachable;
}

/** True when the primary reports how much it has not sent yet (its pending objects): without it the lag is unknown. */
export function lagKnown(lag: LagReading | undefined): lag is LagReading & { objects: number } {
  return lag?.objects !== undefined;
}

/** True when the lag is within the allowed data loss; an unknown lag is never within. */
export function withinDataLoss(lag: LagReading | undefined, maxDataLossSeconds: number): boolean {
  if (!lagKnown(lag)) return false;
  if (lag.objects === 0 && lag.bytes === 0) return true;
  if (maxDataLossSeconds === 0) return false;
  return lag.seconds !== undefined && lag.seconds <= maxDataLossSeconds;
}
