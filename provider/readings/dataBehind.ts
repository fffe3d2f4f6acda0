/** How far data recovery (or replication) is behind, from the link statistics. */
import type { DataBehind, Observation } from "../model/types";

/**
 * Data behind on the receiving side, from the replica's link statistics (the sender during recovery: its
 * own pending counts; the …PendingRemote counters are always zero on an active/passive link).
 */
export function dataBehind(obs: Observation): DataBehind {
  const r = obs.replica.reachable ? obs.replica.link?.statistics : undefined;
  const p = obs.primary.reachable ? obs.primary.link?.statistics : undefined;
  const out: DataBehind = {};
  const objects = r?.objectsPending;
  const bytes = r?.bytesPending;
  const upToDate = r?.upToDateAsOfMillis ?? p?.upToDateAsOfMillis;
  if (objects !== undefined) out.objects = objects;
  if (bytes !== undefined) out.bytes = bytes;
  if (upToDate !== undefined) {
    out.seconds = Math.max(0, Math.round((obs.now - upToDate) / 1000));
    out.upToDateAsOf = new Date(upToDate).toISOString();
  }
  return out;
}

/**
 * True while recovery is more than `thresholdSeconds` behind. Nothing pending counts as up to date; an
 * unreported pending count is unknown and counts as behind: completing early would make both systems
 * read-only for longer, and a system that reports no objectsPending cannot show it is close.
 */
export function isBehind(obs: Observation, thresholdSeconds: number): boolean {
  const d = dataBehind(obs);
  if (d.objects === undefined) return true;
  if (d.objects === 0 && d.bytes === 0) return false;
  if (d.seconds !== undefined) return d.seconds > thresholdSeconds;
  return true;
}
