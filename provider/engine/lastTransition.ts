/**
 * What the last transition cost, from what the executor did: when it began and ended (the RTO) and how
 * far the receiving side was behind when it began (the RPO exposure). Pure: data in, data out.
 */
import { lagFigures } from "../model/format";
import type { LagReading, LinkPhase, Observation } from "../model/types";
import { dataBehind } from "../readings/dataBehind";
import { replicationLag } from "../readings/lag";

export interface DataBehindAtStart {
  objects?: number;
  bytes?: number;
  seconds?: number;
  /** "live": read when the transition began; "last known": the primary did not answer, this is the kept reading. */
  source: "live" | "last known";
  /** When the figures were read (ISO 8601, on the systems' clock, as their statistics are). */
  readAt: string;
  /**
   * A kept reading: how old it was when the transition began (seconds, systems' clock). Whatever was written
   * after it is unknown, so the figures are a lower bound.
   */
  ageSeconds?: number;
  /** True for a kept reading: the data behind was at least this. */
  lowerBound?: true;
}

export interface LastTransition {
  /** Phase of the link when the transition began. */
  from: LinkPhase;
  /** Phase it reached. */
  to: LinkPhase;
  startedAt: string;
  finishedAt: string;
  /** finishedAt - startedAt: the time the switch took (RTO). */
  seconds: number;
  /** Data not yet on the side that takes over (failover) or on the primary (recovery); "unknown" when nothing told. */
  dataBehindAtStart: DataBehindAtStart | "unknown";
}

export interface TransitionFacts {
  from: LinkPhase;
  to: LinkPhase;
  /** The first observation of the run. */
  start: Observation;
  /** The lag kept between runs, for when the primary did not answer. */
  keptLag?: LagReading;
  startedAt: number;
  finishedAt: number;
  /** Steps the run handled: no step that ran means no transition. */
  ran: Array<{ outcome: string }>;
}

/** The record of a transition, or undefined when the run changed nothing (the previous record stands). */
export function lastTransitionOf(facts: TransitionFacts): LastTransition | undefined {
  if (facts.from === facts.to || !facts.ran.some((s) => s.outcome === "done")) return undefined;
  return {
    from: facts.from,
    to: facts.to,
    startedAt: new Date(facts.startedAt).toISOString(),
    finishedAt: new Date(facts.finishedAt).toISOString(),
    seconds: Math.round((facts.finishedAt - facts.startedAt) / 100) / 10,
    dataBehindAtStart: behindAtStart(facts),
  };
}

function behindAtStart(facts: TransitionFacts): DataBehindAtStart | "unknown" {
  if (facts.from === "replicating") {
    // A failover: what the replica lacks of the primary.
    const live = replicationLag(facts.start);
    if (live) return { ...figures(live), source: "live", readAt: live.readAt };
    if (facts.keptLag) {
      const age = Math.max(0, Math.round((facts.start.now - Date.parse(facts.keptLag.readAt)) / 1000));
      return { ...figures(facts.keptLag), source: "last known", readAt: facts.keptLag.readAt, ageSeconds: age, lowerBound: true };
    }
    return "unknown";
  }
  // A recovery: what the primary lacks of the replica, from the replica's statistics.
  const d = dataBehind(facts.start);
  if (d.objects === undefined && d.bytes === undefined && d.seconds === undefined) return "unknown";
  const objects = d.objects;
  const bytes = d.bytes;
  const seconds = objects === 0 && bytes === 0 ? 0 : d.seconds;
  return { ...figures({ objects, bytes, seconds }), source: "live", readAt: new Date(facts.start.now).toISOString() };
}

function figures(lag: { objects?: number; bytes?: number; seconds?: number }): Omit<DataBehindAtStart, "source" | "readAt"> {
  const out: Omit<DataBehindAtStart, "source" | "readAt"> = {};
  if (lag.objects !== undefined) out.objects = lag.objects;
  if (lag.bytes !== undefined) out.bytes = lag.bytes;
  if (lag.seconds !== undefined) out.seconds = lag.seconds;
  return out;
}

/**
 * The data behind in words: `12 objects, 40 s (live, read at …)`, or for a kept reading `at least 7 objects,
 * 700 bytes, 20 s (last known, read at … , 300 s before the transition began); anything written after it is unknown`.
 */
export function describeDataBehindAtStart(d: DataBehindAtStart | "unknown"): string {
  if (d === "unknown") return "unknown";
  if (!d.lowerBound) return `${lagFigures(d)} (${d.source}, read at ${d.readAt})`;
  return `at least ${lagFigures(d)} (${d.source}, read at ${d.readAt}, ${d.ageSeconds ?? "?"} s before the transition began); anything written after it is unknown`;
}

/** `failedOver -> replicating in 42 s; data behind at start: 12 objects, 40 s (live, read at …)`. */
export function describeTransition(t: LastTransition): string {
  return `${t.from} -> ${t.to} in ${t.seconds} s; data behind at start: ${describeDataBehindAtStart(t.dataBehindAtStart)}`;
}
