/**
 * The link phase, derived from what both systems report (docs/replication-model.md, "Link phases").
 *
 * The replica is authoritative: it runs every action of the workflow and its `statusMessage` names the
 * phase. The primary disambiguates degraded messages and stands in when the replica does not answer.
 */
import {
  DEGRADED_REPLICATING_MESSAGES,
  PRIMARY_LINK_TYPE,
  PRIMARY_MESSAGE_PHASE,
  REPLICA_LINK_TYPE,
  REPLICA_MESSAGE_PHASE,
  STATUS_MESSAGES,
} from "../mapi/assumptions";
import type { LinkView } from "../mapi/types";
import type { LinkPhase, Observation, PhaseAnalysis, PhaseLabels, Side } from "../model/types";

const DEFAULT_LABELS: PhaseLabels = { primary: "the primary", replica: "the replica" };

/** Every statusMessage the replica may show on an active/passive link, for refusal texts. */
export const EXPECTED_REPLICA_MESSAGES: readonly string[] = [
  ...Object.keys(REPLICA_MESSAGE_PHASE),
  STATUS_MESSAGES.suspendedByUser,
  ...DEGRADED_REPLICATING_MESSAGES,
];

/** Every statusMessage the primary may show on an active/passive link. */
export const EXPECTED_PRIMARY_MESSAGES: readonly string[] = [
  STATUS_MESSAGES.sending,
  STATUS_MESSAGES.receiving,
  STATUS_MESSAGES.failedOver,
  STATUS_MESSAGES.pending,
  STATUS_MESSAGES.pendingRemoteReply,
  STATUS_MESSAGES.suspendedByUser,
  ...DEGRADED_REPLICATING_MESSAGES,
];

export function isSuspended(link: LinkView | null | undefined): boolean {
  return !!link && (link.suspended === true || link.statusMessage === STATUS_MESSAGES.suspendedByUser);
}

function quote(message: string | undefined): string {
  return message === undefined ? "no statusMessage" : `"${message}"`;
}

/**
 * Derives the phase from both sides. `ignoreSuspension` looks through a suspension to the phase
 * underneath (used for access modes).
 */
export function analysePhase(
  obs: Observation,
  labels: PhaseLabels = DEFAULT_LABELS,
  ignoreSuspension = false,
): PhaseAnalysis {
  const P = obs.primary;
  const R = obs.replica;
  const pLink = P.reachable ? P.link : undefined;
  const rLink = R.reachable ? R.link : undefined;
  const primaryLacksLink = P.reachable && P.link === null && !!rLink;
  const base = { primaryLacksLink };

  if (rLink && rLink.type !== REPLICA_LINK_TYPE) {
    return {
      ...base,
      phase: "unknown",
      detail: `link type ${rLink.type} on ${labels.replica}`,
      wrongType: { side: "replica", found: rLink.type, expected: REPLICA_LINK_TYPE },
    };
  }
  if (pLink && pLink.type !== PRIMARY_LINK_TYPE) {
    return {
      ...base,
      phase: "unknown",
      detail: `link type ${pLink.type} on ${labels.primary}`,
      wrongType: { side: "primary", found: pLink.type, expected: PRIMARY_LINK_TYPE },
    };
  }

  if (!ignoreSuspension) {
    const suspendedOn: Side[] = [];
    if (isSuspended(pLink)) suspendedOn.push("primary");
    if (isSuspended(rLink)) suspendedOn.push("replica");
    if (suspendedOn.length > 0) {
      return {
        ...base,
        phase: "suspended",
        detail: `link suspended on ${suspendedOn.map((s) => labels[s]).join(" and ")}`,
        suspendedOn,
      };
    }
  }

  if (R.reachable) {
    if (R.link === null) {
      const primaryPart = !P.reachable
        ? `${labels.primary} cannot be reached`
        : P.link === null
          ? `${labels.primary} has no such link either`
          : P.link
            ? `${labels.primary} has it (${quote(P.link.statusMessage)})`
            : `${labels.primary} was not read`;
      return { ...base, phase: "absent", detail: `no such link on ${labels.replica}; ${primaryPart}` };
    }
    if (!R.link) {
      return { ...base, phase: "unknown", detail: `the link was not read from ${labels.replica}` };
    }
    const message = R.link.statusMessage;
    const primaryMessage = pLink?.statusMessage;
    if (primaryMessage !== undefined && !EXPECTED_PRIMARY_MESSAGES.includes(primaryMessage)) {
      // The replica names the phase, but a primary in a state nobody expects must be looked at first.
      return {
        ...base,
        phase: "unknown",
        detail: `${labels.primary} reports ${quote(primaryMessage)} while ${labels.replica} reports ${quote(message)}`,
        unexpectedMessage: { side: "primary", message: primaryMessage },
      };
    }
    const named = message === undefined ? undefined : REPLICA_MESSAGE_PHASE[message];
    if (named) return { ...base, phase: named, detail: `${labels.replica} reports ${quote(message)}` };
    if (ignoreSuspension && message === STATUS_MESSAGES.suspendedByUser) {
      // Underneath a suspension: the primary's message is the only hint left.
      const fromPrimary = pLink?.statusMessage ? PRIMARY_MESSAGE_PHASE[pLink.statusMessage] : undefined;
      return { ...base, phase: fromPrimary ?? "replicating", detail: `${labels.replica} is suspended` };
    }
    if (message !== undefined && DEGRADED_REPLICATING_MESSAGES.includes(message)) {
      if (pLink && pLink.statusMessage === STATUS_MESSAGES.receiving) {
        // The primary receives only during data recovery: the replica's fault message hides that phase.
        return {
          ...base,
          phase: "unknown",
          detail: `${labels.replica} reports ${quote(message)} while ${labels.primary} reports "Receiving data" (data recovery)`,
          unexpectedMessage: { side: "replica", message },
        };
      }
      // Only a primary that is sending proves plain replication: during data recovery a cut or a silent
      // primary makes the replica show the same fault messages.
      const proven = pLink?.statusMessage === STATUS_MESSAGES.sending;
      return {
        ...base,
        phase: "replicating",
        detail: `${labels.replica} reports ${quote(message)} (still replicating${proven ? "" : ", or data recovery hidden by the fault"})`,
        ...(proven ? {} : { ambiguous: true as const }),
      };
    }
    return {
      ...base,
      phase: "unknown",
      detail: `${labels.replica} reports ${quote(message)}`,
      unexpectedMessage: { side: "replica", message },
    };
  }

  // The replica does not answer: the primary may still say which phase the link is in.
  if (!P.reachable) {
    return { ...base, phase: "unknown", detail: `neither system can be reached`, unreachable: ["primary", "replica"] };
  }
  if (!pLink) {
    return {
      ...base,
      phase: "unknown",
      detail: `${labels.replica} cannot be reached and ${labels.primary} has ${P.link === null ? "no such link" : "not been read"}`,
      unreachable: ["replica"],
    };
  }
  const message = pLink.statusMessage;
  const fromPrimary =
    message === undefined
      ? undefined
      : (PRIMARY_MESSAGE_PHASE[message] ?? (DEGRADED_REPLICATING_MESSAGES.includes(message) ? "replicating" : undefined));
  if (fromPrimary) {
    return {
      ...base,
      phase: fromPrimary,
      detail: `${labels.replica} cannot be reached; ${labels.primary} reports ${quote(message)}`,
      ...(message !== undefined && DEGRADED_REPLICATING_MESSAGES.includes(message) ? { ambiguous: true as const } : {}),
    };
  }
  return {
    ...base,
    phase: "unknown",
    detail: `${labels.replica} cannot be reached and ${labels.primary} reports ${quote(message)}, which does not tell the phase`,
    unreachable: ["replica"],
  };
}

/** The observed phase of the link, from both sides. */
export function observePhase(obs: Observation): LinkPhase {
  return analysePhase(obs).phase;
}
