import { SimError } from "../errors";
import {
  ACTION_RULES,
  BEGIN_RECOVERY_UNAVAILABLE_STATUS,
  INVALID_ACTION_STATUS,
  beginRecoveryUnavailableMessage,
  RESTORE_RESENDS_ALL_DATA,
  isCrossRelease,
  type ActionRule,
  type LinkAction,
  type LinkKind,
} from "./assumptions";
import { kindOf, mirrorRecord, roleOf, setPhase, type LinkRecord } from "./link";
import type { SystemModel } from "./system";
import { untrustedDirections, type World } from "./world";

/**
 * The seven link actions (`POST links/<l>?<action>`): the rules in `assumptions.ts` decide whether
 * one is accepted; the effects below change both sides' records. Every action, accepted or refused,
 * goes into the receiving system's event log.
 */

/** Runs `action` on `system`'s record of a link, or throws a 400 naming the state found. */
export function runAction(world: World, system: SystemModel, record: LinkRecord, action: LinkAction, automatic = false): void {
  const refusal = refusalOf(world, system, record, action);
  if (refusal) {
    system.events.warning(`Link '${record.name}': ${action} refused: ${refusal}`);
    throw new SimError(INVALID_ACTION_STATUS, refusal);
  }
  const notYet = action === "beginRecovery" ? beginRecoveryNotYet(world, system, record) : undefined;
  if (notYet) {
    system.events.warning(`Link '${record.name}': ${action} refused: ${notYet}`);
    throw new SimError(BEGIN_RECOVERY_UNAVAILABLE_STATUS, notYet);
  }
  system.events.notice(`Link '${record.name}': ${action} ${automatic ? "run automatically" : "requested"} on ${system.name}`);
  EFFECTS[action](world, system, record, world.clock.now());
}

/** Why `action` is refused on `system`'s record, or undefined when it is accepted. */
export function refusalOf(world: World, system: SystemModel, record: LinkRecord, action: LinkAction): string | undefined {
  const kind = kindOf(record.type);
  const rule = ACTION_RULES[action][kind];
  const link = `link '${record.name}'`;
  if (!rule) {
    const kinds = (Object.keys(ACTION_RULES[action]) as LinkKind[]).map(kindWords).join(" or ");
    const hint = action === "failBack" ? "; an active/passive link returns with beginRecovery then completeRecovery" : "";
    return `${action} applies to ${kinds} links only; ${link} is ${kindWords(kind)}${hint}`;
  }
  const found = world.statusMessage(system, record);
  const where = `Cannot ${action} ${link} on ${system.name}`;
  const sideRefusal = sideRefusalOf(rule, system, record, action);
  if (sideRefusal) return sideRefusal;
  if (rule.notPending && record.pending) {
    const responder = record.pending === "responder" ? system.name : record.peer;
    return `${where}: a cross-release link request is pending (statusMessage "${found}"); it must first be accepted in ${responder}'s System Management Console`;
  }
  if (rule.phases && !rule.phases.includes(record.phase)) {
    return `${where}: found statusMessage "${found}" (phase ${record.phase}); ${action} needs ${rule.expected}`;
  }
  if (rule.requiresSuspended && !record.suspended) {
    return `${where}: it is not suspended (statusMessage "${found}"); ${action} needs ${rule.expected}`;
  }
  return rule.peer ? peerRefusalOf(world, system, record, action, rule.peer.hasLink, found) : undefined;
}

function sideRefusalOf(rule: ActionRule, system: SystemModel, record: LinkRecord, action: LinkAction): string | undefined {
  if (rule.side === "replica" && roleOf(record) !== "replica") {
    return `${action} must be sent to the replica (INBOUND side) of link '${record.name}'; ${system.name} is its primary (OUTBOUND side), the replica is ${record.peer}`;
  }
  if (rule.side === "failedOverTo" && record.failedOverTo?.toLowerCase() !== system.name.toLowerCase()) {
    const target = record.failedOverTo ? `it failed over to ${record.failedOverTo}` : "it is not failed over";
    return `${action} must be sent to the system link '${record.name}' failed over to; ${target}`;
  }
  return undefined;
}

function peerRefusalOf(
  world: World,
  system: SystemModel,
  record: LinkRecord,
  action: LinkAction,
  needsPeerLink: boolean,
  found: string,
): string | undefined {
  const where = `Cannot ${action} link '${record.name}' on ${system.name}`;
  const { peer, peerRecord } = world.peerOf(record);
  if (!peer) return `${where}: the remote system '${record.peer}' is unknown`;
  if (!world.canTalk(system, peer)) return `${where}: ${peer.name} cannot be reached (it is down or the network to it is cut)`;
  if (needsPeerLink && !peerRecord) {
    return `${where}: the link is broken (${peer.name} has no link '${record.name}'); restore it first with POST links/${record.name}?restore on ${system.name}`;
  }
  if (needsPeerLink && peerRecord?.pending) {
    return `${where}: the restored link is still pending on ${peer.name}; accept it in ${peer.name}'s System Management Console first`;
  }
  if (!needsPeerLink && peerRecord) {
    return `${where}: the link is not broken (${peer.name} has it; statusMessage here "${found}"); restore is only for a link the other system has lost`;
  }
  if (!needsPeerLink && peer.link(record.name)) {
    return `${where}: ${peer.name} has a different link named '${record.name}'; delete it there first`;
  }
  const untrusted = untrustedDirections(system, peer);
  if (untrusted.length > 0) {
    return `${where}: ${untrusted.join(" and ")}; upload it first (GET certificates/server on one system, PUT certificates on the other)`;
  }
  return undefined;
}

/**
 * beginRecovery stays unavailable for `quirks.beginRecoveryUnavailableSeconds` after the latest trusted
 * certificate upload on either system of the link (documented delay; see assumptions.ts).
 */
function beginRecoveryNotYet(world: World, system: SystemModel, record: LinkRecord): string | undefined {
  const delayMs = system.quirks.beginRecoveryUnavailableSeconds * 1000;
  if (delayMs <= 0) return undefined;
  const { peer } = world.peerOf(record);
  const uploads = [system.lastTrustUploadAt, peer?.lastTrustUploadAt].filter((t): t is number => t !== undefined);
  if (uploads.length === 0) return undefined;
  const latest = Math.max(...uploads);
  const now = world.clock.now();
  if (now - latest >= delayMs) return undefined;
  return beginRecoveryUnavailableMessage(record.name, system.name, Math.round((now - latest) / 1000), Math.ceil((latest + delayMs - now) / 1000));
}

function kindWords(kind: LinkKind): string {
  return kind === "ACTIVE_ACTIVE" ? "active/active" : "active/passive";
}

type Effect = (world: World, system: SystemModel, record: LinkRecord, now: number) => void;

const EFFECTS: Readonly<Record<LinkAction, Effect>> = {
  suspend: (_world, _system, record) => {
    record.suspended = true;
  },
  resume: (_world, _system, record) => {
    record.suspended = false;
  },
  failOver,
  failBack,
  restore,
  beginRecovery,
  completeRecovery,
};

function failOver(world: World, system: SystemModel, record: LinkRecord, now: number): void {
  const { peer, peerRecord } = world.peerOf(record);
  const activeActive = kindOf(record.type) === "ACTIVE_ACTIVE";
  setPhase(record, "failedOver", now);
  if (activeActive) record.failedOverTo = system.name;
  if (peer && peerRecord && world.canTalk(system, peer)) {
    setPhase(peerRecord, "failedOver", now);
    peerRecord.splitBrain = false;
    peerRecord.failedOverTo = record.failedOverTo;
    const access = activeActive ? "" : "; its tenants on this system are now read-only";
    peer.events.warning(`Link '${record.name}' failed over to ${system.name}${access}`);
  } else if (!activeActive) {
    system.events.warning(
      `Link '${record.name}' failed over without ${record.peer} (unreachable or without the link): its tenants there stay read-write until data recovery begins`,
    );
  }
  if (system.service.enableDNSFailover) {
    const host = peer?.replicationHost ?? record.peer;
    system.events.notice(`DNS failover: broadcasting a new DNS configuration: requests for ${host} now go to ${system.name}`);
  }
}

function failBack(world: World, system: SystemModel, record: LinkRecord, now: number): void {
  const { peer, peerRecord } = world.peerOf(record);
  setPhase(record, "replicating", now);
  record.failedOverTo = undefined;
  if (peer && peerRecord && world.canTalk(system, peer)) {
    setPhase(peerRecord, "replicating", now);
    peerRecord.failedOverTo = undefined;
    peer.events.notice(`Link '${record.name}' failed back by ${system.name}`);
  }
}

function restore(world: World, system: SystemModel, record: LinkRecord, now: number): void {
  const { peer } = world.peerOf(record);
  if (!peer) return; // excluded by the rule: the peer is reachable
  const mirror = mirrorRecord(record, system.name, now);
  for (const tenant of record.tenants.values()) peer.ensureTenant(tenant.name);
  if (isCrossRelease(system.softwareVersion, peer.softwareVersion)) {
    record.pending = "requester";
    mirror.pending = "responder";
    peer.events.notice(
      `Pending link request: ${system.name} asks to restore link '${record.name}'; accept or reject it in the System Management Console`,
    );
  } else {
    peer.events.notice(`Link '${record.name}' recreated by ${system.name} (restore)`);
  }
  peer.links.set(record.name.toLowerCase(), mirror);
  if (RESTORE_RESENDS_ALL_DATA) world.channels.delete(record.id); // forget what the other side had
}

function beginRecovery(world: World, system: SystemModel, record: LinkRecord, now: number): void {
  const { peer, peerRecord } = world.peerOf(record);
  setPhase(record, "recovering", now);
  if (peer && peerRecord) {
    setPhase(peerRecord, "recovering", now);
    peerRecord.splitBrain = false;
    peer.events.notice(`Link '${record.name}': data recovery from ${system.name} begun; tenants on this system are read-only`);
  }
}

function completeRecovery(world: World, system: SystemModel, record: LinkRecord, now: number): void {
  const { peer, peerRecord } = world.peerOf(record);
  setPhase(record, "completing", now);
  if (peer && peerRecord && world.canTalk(system, peer)) {
    setPhase(peerRecord, "completing", now);
    peer.events.notice(`Link '${record.name}': ${system.name} is completing data recovery`);
  }
}
