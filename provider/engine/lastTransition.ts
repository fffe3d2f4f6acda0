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
  /** When the figures were read (ISO 8601). */
  readAt: string;
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
    if (facts.keptLag) return { ...figures(facts.keptLag), source: "last known", readAt: facts.keptLag.readAt };
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

/** `failedOver -> replicating in 42 s; data behind at start: 12 objects, 40 s (live)`. */
export function describeTransition(t: LastTransition): string {
  const behind = t.dataBehindAtStart === "unknown" ? "unknown" : `${lagFigures(t.dataBehindAtStart)} (${t.dataBehindAtStart.source}, read at ${t.dataBehindAtStart.readAt})`;
  return `${t.from} -> ${t.to} in ${t.seconds} s; data behind at start: ${behind}`;
}
