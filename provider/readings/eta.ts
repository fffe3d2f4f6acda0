/**
 * When a data transfer should end, from what the sending system reports: its pending bytes (or objects) and
 * its current rate (`bytesPerSecond`, `operationsPerSecond`: of whichever of replication or recovery runs,
 * hcp-workflows.md 4b). Pure. An estimate, not a promise: clients writing meanwhile add to the pending data.
 */
import type { LinkStatistics } from "../mapi/types";

export type Eta = { seconds: number; basis: string } | { why: string };

/** The estimate from a sender's statistics, or why there is none. */
export function etaOf(stats: LinkStatistics | undefined): Eta {
  if (!stats) return { why: "the sending system reports no statistics" };
  const byBytes = rateEta(stats.bytesPending, stats.bytesPerSecond, "pending bytes at the current byte rate");
  const byObjects = rateEta(stats.objectsPending, stats.operationsPerSecond, "pending objects at the current operation rate");
  const estimates = [byBytes, byObjects].filter((e): e is { seconds: number; basis: string } => "seconds" in e);
  if (estimates.length > 0) return estimates.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  if (stats.objectsPending === 0 && (stats.bytesPending ?? 0) === 0) return { seconds: 0, basis: "nothing pending" };
  return "why" in byBytes && stats.bytesPending !== undefined ? byBytes : byObjects;
}

function rateEta(pending: number | undefined, perSecond: number | undefined, basis: string): Eta {
  if (pending === undefined) return { why: "the pending count is not reported" };
  if (pending === 0) return { seconds: 0, basis };
  if (perSecond === undefined) return { why: "the transfer rate is not reported" };
  if (perSecond <= 0) return { why: "nothing moves at the moment (rate 0)" };
  return { seconds: Math.ceil(pending / perSecond), basis };
}
