/**
 * planTransition: (declared state, observation of both systems) -> the seed steps that remain, in order,
 * or a refusal saying what was found, what was expected and the way forward. Pure: data in, data out.
 */
import { isCrossRelease, STATUS_MESSAGES } from "../mapi/assumptions";
import { analysePhase, EXPECTED_PRIMARY_MESSAGES, EXPECTED_REPLICA_MESSAGES, type PhaseAnalysis } from "./phase";
import { refusalForStatusMessage } from "./statusRefusals";
import { primaryLabel, replicaLabel, step } from "./steps";
import type {
  DataBehind,
  DeclaredState,
  LinkPhase,
  Observation,
  Plan,
  PlanOptions,
  PlannedStep,
  Refusal,
} from "./types";

/** Steps from this number on need the primary (certificates, restore, recovery). */
const FIRST_STEP_NEEDING_PRIMARY = 3;

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

/** One message from a refusal: reason, found, expected, way forward. */
export function describeRefusal(refusal: Refusal): string {
  const reason = /[.!?]$/.test(refusal.reason) ? refusal.reason : `${refusal.reason}.`;
  return `${reason} Found: ${refusal.found}. Expected: ${refusal.expected}. Way forward: ${refusal.wayForward}`;
}

function refuse(phase: LinkPhase, refusal: Refusal): Plan {
  return { ok: false, phase, refusal };
}

const PHASE_WORDS: Readonly<Record<LinkPhase, string>> = {
  replicating: "replicating (primary active)",
  failedOver: "failed over (replica active)",
  pendingAcceptance: "failed over with a restored link waiting to be accepted on the primary",
  recovering: "data recovery in progress (replica active)",
  completing: "completing data recovery (both systems read-only)",
  suspended: "suspended",
  absent: "absent",
  unknown: "unknown",
};

const DECLARED_WORDS: Readonly<Record<DeclaredState, string>> = {
  replicating: "replicating (primary active)",
  failedOver: "failed over (replica active)",
  recovering: "data recovery begun (replica active)",
};

function reachabilityNote(side: "primary" | "replica", obs: Observation, opts: PlanOptions): string {
  const label = side === "primary" ? primaryLabel(opts) : replicaLabel(opts);
  const error = obs[side].error;
  return `${label} cannot be reached${error ? ` (${error})` : ""}`;
}

/** Refusals from the phase analysis alone: wrong type, suspended, absent, unknown. */
function structuralRefusal(
  declared: DeclaredState,
  a: PhaseAnalysis,
  obs: Observation,
  opts: PlanOptions,
): Plan | undefined {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const L = `link ${opts.linkName}`;
  if (a.wrongType) {
    const onSide = a.wrongType.side === "primary" ? P : R;
    const swapped =
      (a.wrongType.side === "replica" && a.wrongType.found === "OUTBOUND") ||
      (a.wrongType.side === "primary" && a.wrongType.found === "INBOUND");
    return refuse(a.phase, {
      reason: `${L} on ${onSide} has type ${a.wrongType.found}; this workflow handles active/passive links only`,
      found: `type ${a.wrongType.found} on ${onSide}`,
      expected: `type OUTBOUND on ${P} and INBOUND on ${R} (an ACTIVE_PASSIVE link created on the primary)`,
      wayForward: swapped
        ? `${L} replicates from ${a.wrongType.side === "primary" ? opts.primaryName : opts.replicaName} to the other ` +
          `system: swap primary and replica in this resource, or check linkName.`
        : `Active/active links fail over and back with failOver/failBack (the active/active workflow), which this ` +
          `resource does not run. Use an ACTIVE_PASSIVE link, or manage ${L} outside ReplicationFailover.`,
    });
  }
  if (a.phase === "suspended") {
    const sides = (a.suspendedOn ?? []).map((s) => (s === "primary" ? P : R));
    return refuse(a.phase, {
      reason: `${L} is suspended on ${sides.join(" and ")}; no step of the workflow runs on a suspended link`,
      found: `suspended ("Suspended by user") on ${sides.join(" and ")}`,
      expected: `${L} not suspended`,
      wayForward:
        `Resume it on ${sides.join(" and ")} (POST /mapi/services/replication/links/${opts.linkName}?resume, or ` +
        `Resume in the System Management Console), or start the replication service if it was shut down; then ` +
        `re-run \`pulumi up\`.`,
    });
  }
  if (a.phase === "absent") {
    const bothAbsent = obs.primary.reachable && obs.primary.link === null;
    if (bothAbsent && declared === "replicating") return undefined; // the ReplicationLink resource creates it
    const primaryHasIt = obs.primary.reachable && !!obs.primary.link;
    return refuse(a.phase, {
      reason: `${L} does not exist on ${R}`,
      found: a.detail,
      expected: `${L} on ${R} (type INBOUND)${declared === "replicating" ? "" : `, to ${declared === "failedOver" ? "fail over to" : "recover from"}`}`,
      wayForward: primaryHasIt
        ? `${R} lost the link (rebuilt?). That is the replica-failure workflow, not this one: on ${P} suspend the ` +
          `link, exchange certificates, restore it on ${P} and resume it. Also check linkName.`
        : `Create the link with a ReplicationLink resource (on ${P}) and make this resource depend on it; check ` +
          `linkName. There is nothing to fail over while the link does not exist.`,
    });
  }
  if (a.phase === "unknown") {
    if (a.unreachable?.length === 2) {
      return refuse(a.phase, {
        reason: `Neither system can be reached, so the state of ${L} cannot be read`,
        found: `${reachabilityNote("primary", obs, opts)}; ${reachabilityNote("replica", obs, opts)}`,
        expected: `at least ${R} reachable`,
        wayForward: `Check the network, endpoints, credentials and caCertificate of both systems, then re-run \`pulumi up\`. Nothing was changed.`,
      });
    }
    if (a.unreachable?.includes("replica")) {
      return refuse(a.phase, {
        reason: `${reachabilityNote("replica", obs, opts)} and ${P} does not show which phase ${L} is in`,
        found: a.detail,
        expected: `${R} reachable`,
        wayForward: `Bring ${R} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. Nothing was changed.`,
      });
    }
    const onPrimary = a.unexpectedMessage?.side === "primary";
    const side = onPrimary ? P : R;
    const message = a.unexpectedMessage?.message;
    const specific = refusalForStatusMessage(message, onPrimary ? "primary" : "replica", opts, a.detail);
    if (specific) return refuse(a.phase, specific);
    const expectedMessages = onPrimary ? EXPECTED_PRIMARY_MESSAGES : EXPECTED_REPLICA_MESSAGES;
    return refuse(a.phase, {
      reason:
        message === undefined
          ? `${side} reports no statusMessage for ${L}, so its phase cannot be told`
          : `${side} reports status "${message}" for ${L}, which this workflow does not expect here`,
      found: a.detail,
      expected: `on ${side} one of: ${expectedMessages.map((m) => `"${m}"`).join(", ")}${onPrimary ? "" : " (not a fault during data recovery)"}`,
      wayForward:
        `Look at the link and the system log in the System Management Console of ${side} and resolve the condition ` +
        `until the link shows an expected state, then re-run \`pulumi up\`. Nothing was changed.`,
    });
  }
  return undefined;
}

/** The refusal for a move the procedure has no step for. */
function backwards(declared: DeclaredState, phase: LinkPhase, opts: PlanOptions): Plan {
  const R = replicaLabel(opts);
  const P = primaryLabel(opts);
  const wayForward =
    phase === "completing"
      ? `completeRecovery was sent: ${R} is read-only and the remaining data is going to ${P}; HCP cannot undo that. ` +
        `Declare state "replicating" and let recovery finish; fail over again afterwards if you need ${R} active.`
      : `Data recovery has begun (beginRecovery) and HCP has no step back to plain failover. Declare state ` +
        `"recovering" to stay here with ${R} active, or "replicating" to complete recovery onto ${P}.`;
  return refuse(phase, {
    reason: `The workflow has no step from ${PHASE_WORDS[phase]} back to ${DECLARED_WORDS[declared]}`,
    found: `phase ${phase}`,
    expected:
      declared === "failedOver"
        ? `phase replicating, failedOver or pendingAcceptance`
        : `phase replicating, failedOver, pendingAcceptance or recovering`,
    wayForward,
  });
}

/** Seed step numbers that lead from `phase` to `declared`, or a refusal. */
function sequence(
  declared: DeclaredState,
  a: PhaseAnalysis,
  obs: Observation,
  opts: PlanOptions,
): number[] | Plan {
  const phase = a.phase;
  const notify = !opts.dnsFailover;
  const broken = a.primaryLacksLink;
  const cross = isCrossRelease(obs.primary.softwareVersion, obs.replica.softwareVersion);
  const failOver = [1, ...(notify ? [2] : [])];
  const toRecovery = [3, 4, ...(broken ? [5] : []), ...(broken && cross ? [6] : []), 7];
  const finish = (includeWait: boolean) => [...(includeWait ? [8] : []), 9, 10, ...(notify ? [11] : [])];

  switch (declared) {
    case "failedOver":
      if (phase === "replicating") return failOver;
      if (phase === "failedOver" || phase === "pendingAcceptance") return [];
      return backwards(declared, phase, opts);
    case "recovering":
      if (phase === "replicating") return [...failOver, ...toRecovery];
      if (phase === "failedOver") return toRecovery;
      if (phase === "pendingAcceptance") return [6, 7];
      if (phase === "recovering") return [];
      return backwards(declared, phase, opts);
    case "replicating":
      if (phase === "replicating") return [];
      if (phase === "failedOver") return [...toRecovery, ...finish(true)];
      if (phase === "pendingAcceptance") return [6, 7, ...finish(true)];
      if (phase === "recovering") return finish(isBehind(obs, opts.completeRecoveryWhenBehindSeconds));
      if (phase === "completing") return [10, ...(notify ? [11] : [])];
      return [];
  }
}

/**
 * The steps that remain from the observed phase to the declared state, in seed order (empty when the
 * live state matches), or a refusal with the found state, the expected state and the way forward.
 */
export function planTransition(declared: DeclaredState, obs: Observation, opts: PlanOptions): Plan {
  const labels = { primary: primaryLabel(opts), replica: replicaLabel(opts) };
  const a = analysePhase(obs, labels);
  const structural = structuralRefusal(declared, a, obs, opts);
  if (structural) return structural;

  const P = labels.primary;
  const R = labels.replica;
  const L = `link ${opts.linkName}`;

  if (a.ambiguous && declared !== "failedOver" && opts.lastKnownPhase && PHASES_AFTER_FAILOVER.includes(opts.lastKnownPhase)) {
    // A failover happened since the link last replicated: "Stalled link" may be recovery under way.
    // (Failing over needs no such certainty: HCP refuses failOver while recovery runs.)
    return refuse("unknown", {
      reason:
        `The phase of ${L} cannot be told: ${a.detail}, which hides whether data recovery is in progress ` +
        `(last phase known: ${opts.lastKnownPhase})`,
      found: a.detail,
      expected: `${P} and ${R} in contact again, so that ${R} reports the phase ("Recovering data", "Completing recovery", "Receiving data", ...)`,
      wayForward:
        `Restore the network between ${opts.primaryName} and ${opts.replicaName} (and bring back whichever does not ` +
        `answer), then re-run \`pulumi up\`: it continues from the step that stopped. Nothing was changed.`,
      waitable: true,
    });
  }

  // Both systems reachable, the link on neither: the ReplicationLink resource is to create it.
  if (a.phase === "absent") {
    return { ok: true, phase: a.phase, steps: [step(4, opts)] };
  }

  const seq = sequence(declared, a, obs, opts);
  if (!Array.isArray(seq)) return seq;
  const steps: PlannedStep[] = seq.map((n) => step(n, opts));

  if (steps.length > 0 && !obs.replica.reachable) {
    return refuse(a.phase, {
      reason: `${reachabilityNote("replica", obs, opts)}; the next step (${steps[0].seedStep}. ${steps[0].title}) needs it`,
      found: `phase ${a.phase}; ${R} unreachable`,
      expected: `${R} reachable (every action of the workflow runs on it)`,
      wayForward: `Bring ${R} back (or fix its endpoint, credentials or caCertificate), then re-run \`pulumi up\`. Nothing was changed.`,
    });
  }
  const needsPrimary = steps.find((s) => s.seedStep >= FIRST_STEP_NEEDING_PRIMARY);
  if (needsPrimary && !obs.primary.reachable) {
    const stayOnReplica =
      a.phase === "replicating" || a.phase === "failedOver" || a.phase === "pendingAcceptance"
        ? `To keep working on ${R} meanwhile, declare state "failedOver" (steps 1-2 do not need ${P}). `
        : "";
    return refuse(a.phase, {
      reason: `${reachabilityNote("primary", obs, opts)}; data recovery onto it (step ${needsPrimary.seedStep} onwards) needs it`,
      found: `phase ${a.phase}; ${P} unreachable`,
      expected: `${P} back online and reachable`,
      wayForward: `${stayOnReplica}Once ${P} answers again, re-run \`pulumi up\` with state "${declared}". Nothing was changed.`,
    });
  }
  const notTold = primaryNotToldOfFailover(a, obs);
  if (notTold !== undefined && needsPrimary) {
    return refuse(a.phase, {
      reason:
        `${P} answers but reports "${notTold}" for ${L}, not "Failed over": it cannot reach ${R} and has not learnt ` +
        `of the failover, so data recovery (step ${needsPrimary.seedStep} onwards) cannot start`,
      found: `${R} reports "Failed over"; ${P} reports "${notTold}"`,
      expected: `${P} reporting "Failed over" (the two systems in contact)`,
      wayForward:
        `Restore the network between ${opts.primaryName} and ${opts.replicaName} (replication ports), wait until ` +
        `${P} shows "Failed over", then re-run \`pulumi up\`. Meanwhile keep state "failedOver": both systems are ` +
        `read-write (split brain), so keep clients off ${P}. Nothing was changed.`,
      waitable: true,
    });
  }
  if (declared === "replicating" && a.phase === "replicating" && a.primaryLacksLink) {
    return refuse(a.phase, {
      reason: `${L} is broken: ${P} answers but has no such link while ${R} still expects data from it`,
      found: `${a.detail}; no ${L} on ${P}`,
      expected: `${L} on both systems, ${P} sending data`,
      wayForward:
        `${P} lost its replication configuration (rebuilt?). Declare state "failedOver" to make ${R} active, then ` +
        `"replicating" to restore the link and recover the data onto ${P} (seed steps 1-11).`,
    });
  }
  const warnings = splitBrainWarnings(steps, a, obs, opts);
  return { ok: true, phase: a.phase, steps, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Phases that only a failover leads to: after them, fault messages may hide data recovery. */
const PHASES_AFTER_FAILOVER: readonly LinkPhase[] = ["failedOver", "pendingAcceptance", "recovering", "completing"];

/**
 * The primary's message when the replica has failed over but the primary, though it answers us, has not
 * heard of it (it still shows a replicating or fault message): the two systems are out of contact.
 */
function primaryNotToldOfFailover(a: PhaseAnalysis, obs: Observation): string | undefined {
  if (a.phase !== "failedOver" || !obs.primary.reachable || !obs.primary.link) return undefined;
  const message = obs.primary.link.statusMessage;
  if (message === STATUS_MESSAGES.failedOver || message === STATUS_MESSAGES.pending) return undefined;
  return message ?? "no statusMessage";
}

/** True when the primary cannot be told of a failover now: it does not answer, or cannot reach the replica. */
function primaryOutOfContact(obs: Observation): boolean {
  if (!obs.primary.reachable) return true;
  const message = obs.primary.link?.statusMessage;
  return message === STATUS_MESSAGES.stalled;
}

/** Failed over, and the primary kept accepting writes (it was not told, as the history or its message says). */
function splitBrainNow(a: PhaseAnalysis, obs: Observation, opts: PlanOptions): boolean {
  if (a.phase !== "failedOver" && a.phase !== "pendingAcceptance") return false;
  return opts.splitBrain === true || primaryNotToldOfFailover(a, obs) !== undefined;
}

/**
 * Whether the primary is in a split brain now, or will be once the planned failover runs (it cannot be
 * told of it). The resource keeps this between runs: once the primary reconnects, its "Failed over"
 * looks the same either way. Data recovery ends a split brain (the primary becomes read-only).
 */
export function splitBrainAfter(plan: Plan, obs: Observation, opts: PlanOptions): boolean {
  if (plan.ok && plan.steps.some((s) => s.seedStep === 1)) return primaryOutOfContact(obs);
  return splitBrainNow(analysePhase(obs), obs, opts);
}

/** What a split brain puts at risk, said before the steps that cause it or overwrite its data. */
function splitBrainWarnings(steps: PlannedStep[], a: PhaseAnalysis, obs: Observation, opts: PlanOptions): string[] {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  const warnings: string[] = [];
  if (steps.some((s) => s.seedStep === 1) && primaryOutOfContact(obs)) {
    warnings.push(
      `split brain: ${P} ${obs.primary.reachable ? `cannot reach ${R}` : "does not answer"}, so it cannot be told of ` +
        `the failover and its tenants stay read-write until data recovery begins. Keep clients off ${P}: whatever ` +
        `they write there is overwritten by recovery where ${R} has the same object.`,
    );
  }
  if (splitBrainNow(a, obs, opts) && steps.some((s) => s.seedStep === 7)) {
    warnings.push(
      `split brain: ${P} was not told of the failover and kept accepting writes. Data recovery (step 7 onwards) ` +
        `copies the objects of ${opts.replicaName} onto ${opts.primaryName} and overwrites the ${opts.primaryName} ` +
        `version of every object that was also written on ${opts.replicaName} since the failover; objects written ` +
        `only on ${opts.primaryName} are expected to stay (the documentation does not say). MAPI cannot list ` +
        `objects: compare the namespaces of the two systems, or copy out what ${opts.primaryName} must keep, before ` +
        `running \`pulumi up\`.`,
    );
  }
  return warnings;
}

/** Result of evaluating a check step against a fresh observation. */
export type CheckResult = { passed: true; detail: string } | { passed: false; refusal: Refusal };

/** Evaluates check steps 3 (certificates trusted both ways) and 4 (link configured on the replica). */
export function evaluateCheck(seedStep: number, obs: Observation, opts: PlanOptions): CheckResult {
  const P = primaryLabel(opts);
  const R = replicaLabel(opts);
  if (seedStep === 3) {
    const { primaryTrustsReplica: pr, replicaTrustsPrimary: rp } = obs.trust;
    const missing: string[] = [];
    if (pr === false) missing.push(`${P} does not trust the replication server certificate of ${R}`);
    if (rp === false) missing.push(`${R} does not trust the replication server certificate of ${P}`);
    if (missing.length > 0) {
      return {
        passed: false,
        refusal: {
          reason: missing.join("; "),
          found: `primary trusts replica: ${String(pr)}; replica trusts primary: ${String(rp)}`,
          expected: `each system trusts the other's current replication server certificate (seed step 3)`,
          wayForward:
            `Declare two ReplicationCertificateTrust resources (certificateOf ${opts.replicaName} trustedBy ` +
            `${opts.primaryName}, and the reverse) and list them in this resource's dependsOn, or upload the ` +
            `certificates in each System Management Console; then re-run \`pulumi up\`.`,
        },
      };
    }
    if (pr === "unknown" && rp === "unknown" && obs.primary.reachable && obs.primary.link) {
      return {
        passed: true,
        detail:
          `${P} still has link ${opts.linkName}, so it was not rebuilt: seed step 3 (re-exchanging certificates) ` +
          `applies only to a rebuilt primary; HCP refuses beginRecovery if trust is missing`,
      };
    }
    if (pr === "unknown" || rp === "unknown") {
      return {
        passed: true,
        detail: `certificate trust could not be read (primary trusts replica: ${String(pr)}; replica trusts primary: ${String(rp)}); HCP refuses restore and beginRecovery if it is missing`,
      };
    }
    return { passed: true, detail: `${P} and ${R} trust each other's replication server certificates` };
  }
  if (seedStep === 4) {
    const link = obs.replica.reachable ? obs.replica.link : undefined;
    if (!link) {
      return {
        passed: false,
        refusal: {
          reason: `link ${opts.linkName} is not configured on ${R}`,
          found: obs.replica.reachable ? `no link ${opts.linkName} on ${R}` : reachabilityNote("replica", obs, opts),
          expected: `link ${opts.linkName} on ${R}`,
          wayForward:
            `Declare the link with a ReplicationLink resource and list it in this resource's dependsOn (check ` +
            `linkName), then re-run \`pulumi up\`.`,
        },
      };
    }
    return { passed: true, detail: `link ${opts.linkName} is configured on ${R} (type ${link.type})` };
  }
  throw new RangeError(`seed step ${seedStep} is not a check step (3 and 4 are)`);
}
