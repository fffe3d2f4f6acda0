/**
 * The active/passive link model (docs/replication-model.md, "Link phases and what each side shows"): the
 * facts of each phase, how the link is read, and the refusals for readings no workflow starts from. The
 * primary-failure and replica-failure tables both walk links of this kind.
 */
import { CONSOLE_REPLICATION_PAGE, STATUS_MESSAGES, TENANT_ACCESS } from "../mapi/assumptions";
import { primaryLabel, replicaLabel, sideLabel } from "../model/labels";
import type { AccessModes, LinkMemory, LinkPhase, Observation, PlanOptions, Refusal, Side } from "../model/types";
import { analysePhase, EXPECTED_PRIMARY_MESSAGES, EXPECTED_REPLICA_MESSAGES } from "../readings/phase";
import { refusalForStatusMessage } from "./statusRefusals";
import type { LinkModel, OperatorInstructions, PhaseFacts, PlanContext, ReadingContext } from "./types";

function reachabilityNote(side: "primary" | "replica", obs: Observation, opts: PlanOptions): string {
  const label = side === "primary" ? primaryLabel(opts) : replicaLabel(opts);
  const error = obs[side].error;
  return `${label} cannot be reached${error ? ` (${error})` : ""}`;
}

/**
 * What a person does to accept a restored cross-release link on `side` (7.x tables; no MAPI action exists
 * for it, provider/mapi/assumptions.ts): the console, the page, the request, and not to reject it.
 */
export function acceptRestoredLink(side: Side): (o: PlanOptions, console: string) => OperatorInstructions {
  return (o, console) => {
    const peer = side === "primary" ? o.replicaName : o.primaryName;
    return {
      headline: `a person must accept the restored link ${o.linkName} on ${sideLabel(side, o)} (cross-release link; MAPI cannot accept it).`,
      steps: [
        `Sign in to the System Management Console of ${sideLabel(side, o)} at ${console} with an administrator account.`,
        `Open ${CONSOLE_REPLICATION_PAGE}: link ${o.linkName} from ${peer} is listed as a pending link request ("Pending").`,
        `Accept the request. Do not reject it: that undoes the restore.`,
      ],
      afterDeadline: "accept it anyway and re-run `pulumi up`.",
    };
  };
}

/** Refusals from the phase analysis alone: wrong type, unknown phase. */
function unreadable({ analysis: a, obs, opts }: ReadingContext): Refusal | undefined {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const L = `link ${opts.linkName}`;
  if (a.wrongType) {
    const onSide = a.wrongType.side === "primary" ? P : R;
    const swapped =
      (a.wrongType.side === "replica" && a.wrongType.found === "OUTBOUND") ||
      (a.wrongType.side === "primary" && a.wrongType.found === "INBOUND");
    return {
      reason: `${L} on ${onSide} has type ${a.wrongType.found}; this workflow handles active/passive links only`,
      found: `type ${a.wrongType.found} on ${onSide}`,
      expected: `type OUTBOUND on ${P} and INBOUND on ${R} (an ACTIVE_PASSIVE link created on the primary)`,
      wayForward: swapped
        ? `${L} replicates from ${a.wrongType.side === "primary" ? opts.primaryName : opts.replicaName} to the other ` +
          `system: swap primary and replica in this resource, or check linkName.`
        : `Active/active links fail over and back with failOver/failBack (the active/active workflow), which this ` +
          `resource does not run. Use an ACTIVE_PASSIVE link, or manage ${L} outside ReplicationFailover.`,
    };
  }
  if (a.phase !== "unknown") return undefined;
  if (a.unreachable?.length === 2) {
    return {
      reason: `Neither system can be reached, so the state of ${L} cannot be read`,
      found: `${reachabilityNote("primary", obs, opts)}; ${reachabilityNote("replica", obs, opts)}`,
      expected: `at least ${R} reachable`,
      wayForward: `Check the network, endpoints, credentials and caCertificate of both systems, then re-run \`pulumi up\`. Nothing was changed.`,
    };
  }
  if (a.unreachable?.includes("replica")) {
    return {
      reason: `${reachabilityNote("replica", obs, opts)} and ${P} does not show which phase ${L} is in`,
      found: a.detail,
      expected: `${R} reachable`,
      wayForward: `Bring ${R} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. Nothing was changed.`,
    };
  }
  const onPrimary = a.unexpectedMessage?.side === "primary";
  const side = onPrimary ? P : R;
  const message = a.unexpectedMessage?.message;
  const specific = refusalForStatusMessage(message, onPrimary ? "primary" : "replica", opts, a.detail);
  if (specific) return specific;
  const expectedMessages = onPrimary ? EXPECTED_PRIMARY_MESSAGES : EXPECTED_REPLICA_MESSAGES;
  return {
    reason:
      message === undefined
        ? `${side} reports no statusMessage for ${L}, so its phase cannot be told`
        : `${side} reports status "${message}" for ${L}, which this workflow does not expect here`,
    found: a.detail,
    expected: `on ${side} one of: ${expectedMessages.map((m) => `"${m}"`).join(", ")}${onPrimary ? "" : " (not a fault during data recovery)"}`,
    wayForward:
      `Look at the link and the system log in the System Management Console of ${side} and resolve the condition ` +
      `until the link shows an expected state, then re-run \`pulumi up\`. Nothing was changed.`,
  };
}

/** A suspension no route of the chosen workflow starts from. */
export function suspendedRefusal({ analysis: a, opts }: PlanContext): Refusal {
  const sides = (a.suspendedOn ?? []).map((s) => (s === "primary" ? primaryLabel(opts) : replicaLabel(opts)));
  const L = `link ${opts.linkName}`;
  return {
    reason: `${L} is suspended on ${sides.join(" and ")}; no step of the workflow runs on a suspended link`,
    found: `suspended ("Suspended by user") on ${sides.join(" and ")}`,
    expected: `${L} not suspended`,
    wayForward:
      `Resume it on ${sides.join(" and ")} (POST /mapi/services/replication/links/${opts.linkName}?resume, or ` +
      `Resume in the System Management Console), or start the replication service if it was shut down; then ` +
      `re-run \`pulumi up\`.`,
  };
}

/** The link missing on the replica, with no route of the chosen workflow from there. */
function absentRefusal({ declared, analysis: a, obs, opts }: PlanContext): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const L = `link ${opts.linkName}`;
  const primaryHasIt = obs.primary.reachable && !!obs.primary.link;
  return {
    reason: `${L} does not exist on ${R}`,
    found: a.detail,
    expected: `${L} on ${R} (type INBOUND)${declared === "replicating" ? "" : `, to ${declared === "failedOver" ? "fail over to" : "recover from"}`}`,
    wayForward: primaryHasIt
      ? `${R} lost the link (rebuilt?). That is the replica-failure workflow, not this one: declare state ` +
        `"suspended" while ${R} is down (${P} keeps serving), then "replicating" once it is back to exchange ` +
        `certificates, restore the link from ${P} and resume it. Also check linkName.`
      : `Create the link with a ReplicationLink resource (on ${P}) and make this resource depend on it; check ` +
        `linkName. There is nothing to fail over while the link does not exist.`,
  };
}

/** Fault messages hide whether data recovery runs, after a failover. */
function ambiguous({ analysis: a, opts }: ReadingContext): Refusal {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  return {
    reason:
      `The phase of link ${opts.linkName} cannot be told: ${a.detail}, which hides whether data recovery is in progress ` +
      `(last phase known: ${opts.memory?.lastKnownPhase})`,
    found: a.detail,
    expected: `${P} and ${R} in contact again, so that ${R} reports the phase ("Recovering data", "Completing recovery", "Receiving data", ...)`,
    wayForward:
      `Restore the network between ${opts.primaryName} and ${opts.replicaName} (and bring back whichever does not ` +
      `answer), then re-run \`pulumi up\`: it continues from the step that stopped. Nothing was changed.`,
    waitable: true,
  };
}

/**
 * The primary's message when the replica has failed over but the primary, though it answers us, has not
 * heard of it (it still shows a replicating or fault message): the two systems are out of contact.
 */
export function primaryNotToldOfFailover(phase: LinkPhase, obs: Observation): string | undefined {
  if (phase !== "failedOver" || !obs.primary.reachable || !obs.primary.link) return undefined;
  const message = obs.primary.link.statusMessage;
  if (message === STATUS_MESSAGES.failedOver || message === STATUS_MESSAGES.pending) return undefined;
  return message ?? "no statusMessage";
}

/** Failed over, and the primary kept accepting writes (it was not told, as the memory or its message says). */
function splitBrainNow({ analysis: a, obs, opts }: ReadingContext): boolean {
  if (a.phase !== "failedOver" && a.phase !== "pendingAcceptance") return false;
  return opts.memory?.splitBrain === true || primaryNotToldOfFailover(a.phase, obs) !== undefined;
}

/**
 * Access of the tenants from the phase (TENANT_ACCESS), with the documented exceptions: a primary without
 * the link (rebuilt) is read-write, and so is a primary not yet told of the failover (a split brain), which
 * shows "Failed over" once reconnected yet stays read-write until beginRecovery: only the memory tells.
 */
function access(obs: Observation, phase: LinkPhase, memory: LinkMemory): AccessModes {
  let effective = phase;
  if (PHASES[phase].access === "underneath") {
    const underneath = analysePhase(obs, undefined, true).phase;
    effective = PHASES[underneath].access === "underneath" ? "replicating" : underneath;
  }
  const row = PHASES[effective].access as Exclude<PhaseFacts["access"], "underneath">;
  let primary = row.primary;
  if (effective === "failedOver") {
    const pLink = obs.primary.reachable ? obs.primary.link : undefined;
    const primaryNotTold =
      pLink === null ||
      (pLink !== undefined && pLink.statusMessage !== STATUS_MESSAGES.failedOver && pLink.statusMessage !== STATUS_MESSAGES.pending);
    if (memory.splitBrain === true || primaryNotTold) primary = "read-write";
  }
  return {
    primaryAccess: obs.primary.reachable ? primary : "unreachable",
    replicaAccess: obs.replica.reachable ? row.replica : "unreachable",
  };
}

/** The phases of an active/passive link; the rows follow the model table. */
const PHASES: Readonly<Record<LinkPhase, PhaseFacts>> = {
  replicating: { words: "replicating (primary active)", serves: "primary", access: TENANT_ACCESS.replicating, followsFailover: false, refreshAs: "replicating" },
  failedOver: { words: "failed over (replica active)", serves: "replica", access: TENANT_ACCESS.failedOver, followsFailover: true, refreshAs: "failedOver" },
  pendingAcceptance: {
    words: "failed over with a restored link waiting to be accepted on the primary",
    serves: "replica",
    access: TENANT_ACCESS.pendingAcceptance,
    followsFailover: true,
    refreshAs: "failedOver",
  },
  pendingReplicaAcceptance: {
    words: "a link restored onto the replica waiting to be accepted there (replica failure)",
    serves: "primary",
    access: TENANT_ACCESS.pendingReplicaAcceptance,
    followsFailover: false,
  },
  recovering: {
    words: "data recovery in progress (replica active)",
    serves: "replica",
    access: TENANT_ACCESS.recovering,
    followsFailover: true,
    refreshAs: "recovering",
    onTheWayTo: ["replicating"],
  },
  completing: {
    words: "completing data recovery (both systems read-only)",
    // Both are read-only; the primary serves once the remaining data is sent, which needs no further step.
    serves: "primary",
    access: TENANT_ACCESS.completing,
    followsFailover: true,
    refreshAs: "replicating",
  },
  suspended: {
    words: "suspended",
    serves: "primary",
    access: "underneath",
    followsFailover: false,
    refreshAs: "suspended",
    onTheWayTo: ["replicating"],
    cannotReach: suspendedRefusal,
  },
  absent: {
    words: "the link missing on the replica",
    serves: "primary",
    access: { primary: "read-write", replica: "read-write" },
    followsFailover: false,
    cannotReach: absentRefusal,
  },
  unknown: { words: "unknown", serves: "primary", access: "underneath", followsFailover: false },
};

/** failOverTo "primary" on a link the systems show to be active/passive. */
function noWorkflow(_declared: string, opts: PlanOptions): Refusal {
  return {
    reason: `failOverTo "${opts.failOverTo}" applies to active/active links only: on an active/passive link only the replica takes over`,
    found: `link ${opts.linkName} is active/passive (OUTBOUND on ${opts.primaryName}, INBOUND on ${opts.replicaName})`,
    expected: `failOverTo "replica" (or omitted) for an active/passive link`,
    wayForward: `Remove failOverTo, or convert the link to active/active first (ReplicationLink type "ACTIVE_ACTIVE").`,
  };
}

export const activePassive: LinkModel = {
  kind: "ACTIVE_PASSIVE",
  analyse: analysePhase,
  phases: PHASES,
  failOverTargets: ["replica"],
  noWorkflow,
  unreadable,
  ambiguous,
  splitBrainNow,
  access,
};
