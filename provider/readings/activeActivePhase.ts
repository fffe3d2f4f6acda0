/**
 * The phase of an active/active link, from what both systems report (docs/replication-model.md,
 * "Active/active links"). Both sides are peers: each shows "Synchronizing data" while replicating and
 * "Failed over" once failed over, whichever system the link failed over to. Pure.
 */
import { ACTIVE_ACTIVE_LINK_TYPE, DEGRADED_REPLICATING_MESSAGES, STATUS_MESSAGES } from "../mapi/assumptions";
import type { LinkType } from "../mapi/types";
import type { Observation, PhaseAnalysis, PhaseLabels, Side } from "../model/types";
import { isSuspended } from "./phase";

export type ActiveActivePhase = "replicating" | "failedOver" | "suspended" | "absent" | "unknown";

export interface ActiveActiveAnalysis {
  phase: ActiveActivePhase;
  /** Words for what was found. */
  detail: string;
  /** Sides that answer and hold the link. */
  holders: Side[];
  /** A side that answers without the link while the other holds it: the link is broken (rebuilt system). */
  lacksLink?: Side;
  /** Sides that do not answer. */
  unreachable: Side[];
  /**
   * The system still serving while failed over, when the observation shows it: the only side that answers
   * with the link. With both holding it MAPI does not say which one the link failed over to.
   */
  survivor?: Side;
  /** A side whose link is not active/active. */
  wrongType?: { side: Side; found: LinkType };
  suspendedOn?: Side[];
  /** Read from fault messages only ("Stalled link" and the like). */
  degraded?: true;
  /** A statusMessage an active/active link does not show in this model. */
  unexpectedMessage?: { side: Side; message: string | undefined };
}

const DEFAULT_LABELS: PhaseLabels = { primary: "the primary", replica: "the replica" };
const SIDES: readonly Side[] = ["primary", "replica"];

/** Every statusMessage an active/active side may show, for refusal texts. */
export const EXPECTED_ACTIVE_ACTIVE_MESSAGES: readonly string[] = [
  STATUS_MESSAGES.synchronizing,
  STATUS_MESSAGES.failedOver,
  STATUS_MESSAGES.suspendedByUser,
  ...DEGRADED_REPLICATING_MESSAGES,
];

function quote(message: string | undefined): string {
  return message === undefined ? "no statusMessage" : `"${message}"`;
}

export function analyseActiveActive(obs: Observation, labels: PhaseLabels = DEFAULT_LABELS): ActiveActiveAnalysis {
  const unreachable = SIDES.filter((s) => !obs[s].reachable);
  const holders = SIDES.filter((s) => obs[s].reachable && !!obs[s].link);
  const base = { holders, unreachable };
  const wrong = holders.find((s) => obs[s].link?.type !== ACTIVE_ACTIVE_LINK_TYPE);
  if (wrong) {
    const found = obs[wrong].link!.type;
    return { ...base, phase: "unknown", detail: `link type ${found} on ${labels[wrong]}`, wrongType: { side: wrong, found } };
  }
  if (holders.length === 0) {
    if (unreachable.length === 2) return { ...base, phase: "unknown", detail: "neither system can be reached" };
    const answering = SIDES.filter((s) => obs[s].reachable && obs[s].link === null);
    if (answering.length + unreachable.length === 2 && answering.length > 0) {
      const silent = unreachable.length > 0 ? `; ${labels[unreachable[0]!]} cannot be reached` : "";
      return { ...base, phase: "absent", detail: `no such link on ${answering.map((s) => labels[s]).join(" and ")}${silent}` };
    }
    return { ...base, phase: "unknown", detail: "the link was not read" };
  }
  const lacksLink = SIDES.find((s) => obs[s].reachable && obs[s].link === null);
  const suspendedOn = holders.filter((s) => isSuspended(obs[s].link));
  if (suspendedOn.length > 0) {
    return { ...base, lacksLink, phase: "suspended", detail: `link suspended on ${suspendedOn.map((s) => labels[s]).join(" and ")}`, suspendedOn };
  }
  const messages = holders.map((s) => ({ side: s, message: obs[s].link!.statusMessage }));
  const unexpected = messages.find((m) => m.message === undefined || !EXPECTED_ACTIVE_ACTIVE_MESSAGES.includes(m.message));
  const said = messages.map((m) => `${labels[m.side]} reports ${quote(m.message)}`).join(", ");
  const missing = [
    ...unreachable.map((s) => `${labels[s]} cannot be reached`),
    ...(lacksLink ? [`${labels[lacksLink]} has no such link`] : []),
  ];
  const detail = [said, ...missing].join("; ");
  if (unexpected) return { ...base, lacksLink, phase: "unknown", detail, unexpectedMessage: unexpected };
  // A side that missed the failover still says "Synchronizing data" or a fault: a failover anywhere wins.
  if (messages.some((m) => m.message === STATUS_MESSAGES.failedOver)) {
    const survivor = holders.length === 1 ? holders[0] : undefined;
    return { ...base, lacksLink, phase: "failedOver", detail, ...(survivor ? { survivor } : {}) };
  }
  const degraded = messages.some((m) => m.message !== STATUS_MESSAGES.synchronizing) || holders.length < 2;
  return { ...base, lacksLink, phase: "replicating", detail, ...(degraded ? { degraded: true as const } : {}) };
}

/** The analysis in the shape the generic planner walks tables by (planner/phase.ts). */
export function asPhaseAnalysis(a: ActiveActiveAnalysis): PhaseAnalysis {
  return {
    phase: a.phase,
    detail: a.detail,
    primaryLacksLink: a.lacksLink === "primary",
    ...(a.wrongType ? { wrongType: { ...a.wrongType, expected: ACTIVE_ACTIVE_LINK_TYPE } } : {}),
    ...(a.unexpectedMessage ? { unexpectedMessage: a.unexpectedMessage } : {}),
    ...(a.unreachable.length > 0 && a.phase === "unknown" ? { unreachable: a.unreachable } : {}),
    ...(a.suspendedOn ? { suspendedOn: a.suspendedOn } : {}),
  };
}
