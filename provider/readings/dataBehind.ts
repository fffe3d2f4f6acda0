/** How far data recovery (or replication) is behind, from the link statistics. */
import type { DataBehind, Observation } from "../model/types";

/** Data behind on the receiving side, from the replica's link statistics (the sender during recovery). */
export function dataBehind(obs: Observation): DataBehind {
  const r = obs.replica.reachable ? obs.replica.link?.statistics : undefined;
  const p = obs.primary.reachable ? obs.primary.link?.statistics : undefined;
  const out: DataBehind = {};
  const objects = r?.objectsPending ?? p?.objectsPendingRemote;
  const bytes = r?.bytesPending ?? p?.bytesPendingRemote;
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
 * True while recovery is more than `thresholdSeconds` behind. Nothing pending counts as up to date;
 * unreported statistics count as behind (completing early would make both systems read-only for longer).
 */
export function isBehind(obs: Observation, thresholdSeconds: number): boolean {
  const d = dataBehind(obs);
  if (d.objects === 0 && d.bytes === 0) return false;
  if (d.seconds !== undefined) return d.seconds > thresholdSeconds;
  return true;
}
