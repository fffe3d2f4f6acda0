import { randomUUID } from "node:crypto";
import { SimError, badRequest, conflict, notFound } from "../errors";
import { CONVERSION_SUSPENDS_BOTH_SIDES, CREATE_REQUIRES_REACHABLE_TRUSTED_PEER, DELETE_UNSUSPENDED_LINK_STATUS, isCrossRelease } from "./assumptions";
import { defaultSchedule, mirrorRecord, mirrorSchedule, mirrorSettings, mirrorType, type LinkRecord, type LinkSchedule, type LinkSettings, type LinkType } from "./link";
import type { SystemModel } from "./system";
import { untrustedDirections, type World } from "./world";

/**
 * Creating, changing and deleting links and their content. A change made on one side is copied to
 * the other side's record of the same link when it has one (local and remote swapped).
 */

export interface NewLink {
  readonly name: string;
  readonly type: LinkType;
  readonly settings: LinkSettings;
}

/** `PUT links`: creates the link on `system` and its mirror on the remote system. */
export function createLink(world: World, system: SystemModel, spec: NewLink): LinkRecord {
  if (system.link(spec.name)) throw conflict(`Link '${spec.name}' already exists on ${system.name}`);
  const peer = world.resolveHost(spec.settings.connection.remoteHost);
  if (!peer) {
    const known = [...world.systems.values()].map((s) => `${s.name} (${s.replicationHost})`).join(", ");
    throw badRequest(`connection.remoteHost '${spec.settings.connection.remoteHost}' is not a known system (known: ${known})`);
  }
  if (peer === system) throw badRequest(`connection.remoteHost '${spec.settings.connection.remoteHost}' is this system (${system.name})`);
  if (CREATE_REQUIRES_REACHABLE_TRUSTED_PEER) {
    if (!world.canTalk(system, peer)) throw badRequest(`Cannot create link '${spec.name}': ${peer.name} cannot be reached`);
    const untrusted = untrustedDirections(system, peer);
    if (untrusted.length > 0) throw badRequest(`Cannot create link '${spec.name}': ${untrusted.join(" and ")}`);
  }
  if (peer.link(spec.name)) throw conflict(`Link '${spec.name}' already exists on ${peer.name}`);
  const now = world.clock.now();
  const record: LinkRecord = {
    id: randomUUID(),
    name: spec.name,
    type: spec.type,
    peer: peer.name,
    settings: spec.settings,
    tenants: new Map(),
    directories: new Set(),
    schedule: defaultSchedule(),
    phase: "replicating",
    phaseChangedAt: now,
    suspended: false,
    splitBrain: false,
  };
  const mirror = mirrorRecord(record, system.name, now);
  if (isCrossRelease(system.softwareVersion, peer.softwareVersion)) {
    record.pending = "requester";
    mirror.pending = "responder";
    peer.events.notice(`Pending link request: ${system.name} asks to create link '${spec.name}'; accept or reject it in the System Management Console`);
  } else {
    peer.events.notice(`Link '${spec.name}' created by ${system.name}`);
  }
  system.links.set(spec.name.toLowerCase(), record);
  peer.links.set(spec.name.toLowerCase(), mirror);
  system.events.notice(`Link '${spec.name}' created (${spec.type}, remote system ${peer.name})`);
  return record;
}

/**
 * `DELETE links/<l>`: only while the link is suspended (hcp-workflows.md 3c, "A link can be deleted only while
 * suspended"); removes it here, and on the remote system when it can be reached. Its tenants become
 * read-write on both systems (no link holds them), and the primary of an active/passive link remembers
 * where they went: they cannot go to the same replica on a new active/passive link unless deleted there first.
 */
export function deleteLink(world: World, system: SystemModel, record: LinkRecord): void {
  if (!record.suspended && system.service.status !== "SHUTDOWN") {
    throw new SimError(DELETE_UNSUSPENDED_LINK_STATUS, `Cannot delete link '${record.name}' on ${system.name}: it is not suspended (a link can be deleted only while it is suspended)`);
  }
  const { peer: remote, peerRecord: remoteRecord } = world.peerOf(record);
  const [primary, replicaName] =
    record.type === "OUTBOUND" ? [system, record.peer] : record.type === "INBOUND" ? [remote, system.name] : [undefined, undefined];
  for (const tenant of (remoteRecord ?? record).tenants.values()) if (primary && replicaName) primary.formerReplicas.set(tenant.name.toLowerCase(), replicaName);
  system.links.delete(record.name.toLowerCase());
  system.events.notice(`Link '${record.name}' deleted`);
  const { peer, peerRecord } = world.peerOf(record);
  if (peer && peerRecord && world.canTalk(system, peer)) {
    peer.links.delete(record.name.toLowerCase());
    peer.events.notice(`Link '${record.name}' deleted by ${system.name}`);
  }
  if (!peer?.link(record.name)) world.channels.delete(record.id);
}

/**
 * `POST links/<l>` with `type: ACTIVE_ACTIVE` on an active/passive link: both records become active/active
 * and the link is suspended until someone resumes it (CONVERSION_SUSPENDS_BOTH_SIDES). Refused unless the
 * link replicates with both records present.
 */
export function convertLinkType(world: World, system: SystemModel, record: LinkRecord, type: LinkType): void {
  const { peer, peerRecord } = world.peerOf(record);
  const found = world.statusMessage(system, record);
  if (record.phase !== "replicating" || record.pending) {
    throw badRequest(`Cannot convert link '${record.name}' to ${type} on ${system.name}: found statusMessage "${found}" (phase ${record.phase}); a conversion needs a replicating link`);
  }
  if (!peer || !peerRecord) {
    throw badRequest(`Cannot convert link '${record.name}' to ${type} on ${system.name}: the link is broken (${record.peer} has no link '${record.name}')`);
  }
  record.type = type;
  peerRecord.type = mirrorType(type);
  if (!world.canTalk(system, peer)) {
    throw badRequest(`Cannot convert link '${record.name}' to ${type} on ${system.name}: ${peer.name} cannot be reached`);
  }
  for (const holder of [record, peerRecord]) {
    holder.splitBrain = false;
    if (CONVERSION_SUSPENDS_BOTH_SIDES || holder === record) holder.suspended = true;
  }
  system.events.notice(`Link '${record.name}' converted to ${type}; it is suspended until it is resumed`);
  peer.events.notice(`Link '${record.name}' converted to ${type} by ${system.name}; it is suspended until it is resumed`);
}

/** `POST links/<l>`: replaces the settings (already merged with the request) on both sides. */
export function updateLinkSettings(world: World, system: SystemModel, record: LinkRecord, settings: LinkSettings): void {
  record.settings = settings;
  const { peerRecord } = world.peerOf(record);
  if (peerRecord) peerRecord.settings = mirrorSettings(settings);
  system.events.notice(`Link '${record.name}' configuration changed`);
}

export function updateSchedule(world: World, record: LinkRecord, schedule: LinkSchedule): void {
  record.schedule = schedule;
  const { peerRecord } = world.peerOf(record);
  if (peerRecord) peerRecord.schedule = mirrorSchedule(schedule);
}

/** `PUT content/tenants/<t>`: the tenant must exist on this system; the remote system gets it too. */
export function addTenant(world: World, system: SystemModel, record: LinkRecord, tenantName: string): void {
  const tenant = system.tenant(tenantName);
  if (!tenant) throw notFound(`Tenant '${tenantName}' does not exist on ${system.name}`);
  const key = tenant.name.toLowerCase();
  if (record.tenants.has(key)) throw conflict(`Tenant '${tenant.name}' is already on link '${record.name}'`);
  const formerReplica = system.formerReplicas.get(key);
  if (record.type === "OUTBOUND" && formerReplica?.toLowerCase() === record.peer.toLowerCase() && world.system(formerReplica)?.tenant(tenant.name)) {
    throw badRequest(
      `Cannot add tenant '${tenant.name}' to link '${record.name}': it was replicated to ${formerReplica} on a deleted link; delete it on ${formerReplica} first`,
    );
  }
  record.tenants.set(key, { name: tenant.name, paused: false });
  const { peer, peerRecord } = world.peerOf(record);
  if (peer && peerRecord) {
    peerRecord.tenants.set(key, { name: tenant.name, paused: false });
    peer.ensureTenant(tenant.name);
  }
  system.events.notice(`Tenant '${tenant.name}' added to link '${record.name}'`);
}

export function removeTenant(world: World, system: SystemModel, record: LinkRecord, tenantName: string): void {
  const key = requireLinkTenant(record, tenantName);
  record.tenants.delete(key);
  world.peerOf(record).peerRecord?.tenants.delete(key);
  system.events.notice(`Tenant '${tenantName}' removed from link '${record.name}'`);
}

/** `POST content/tenants/<t>?pause|resume`. An auto-paused tenant resumes only once its cause is fixed. */
export function setTenantPaused(world: World, system: SystemModel, record: LinkRecord, tenantName: string, paused: boolean): void {
  const key = requireLinkTenant(record, tenantName);
  const tenant = record.tenants.get(key);
  if (tenant?.autoPaused && !paused && !tenant.autoPaused.causeFixed) {
    throw badRequest(
      `Cannot resume tenant '${tenant.name}' on link '${record.name}': HCP paused it automatically because ${tenant.autoPaused.cause}; fix that first`,
    );
  }
  if (tenant && !paused && !tenant.paused && !tenant.autoPaused) throw badRequest(`Cannot resume tenant '${tenant.name}' on link '${record.name}': it is not paused`);
  for (const holder of [record, world.peerOf(record).peerRecord]) {
    const entry = holder?.tenants.get(key);
    if (entry) entry.paused = paused;
    if (entry && !paused) entry.autoPaused = undefined;
  }
  system.events.notice(`Tenant '${tenantName}' ${paused ? "paused" : "resumed"} on link '${record.name}'`);
}

/** Lowercase key of a tenant on the link, or 404. */
export function requireLinkTenant(record: LinkRecord, tenantName: string): string {
  const key = tenantName.toLowerCase();
  if (!record.tenants.has(key)) throw notFound(`Tenant '${tenantName}' is not on link '${record.name}'`);
  return key;
}

export function addDirectory(world: World, record: LinkRecord, directory: string): void {
  if (record.directories.has(directory)) throw conflict(`Directory '${directory}' is already on link '${record.name}'`);
  record.directories.add(directory);
  world.peerOf(record).peerRecord?.directories.add(directory);
}

export function removeDirectory(world: World, record: LinkRecord, directory: string): void {
  if (!record.directories.has(directory)) throw notFound(`Directory '${directory}' is not on link '${record.name}'`);
  record.directories.delete(directory);
  world.peerOf(record).peerRecord?.directories.delete(directory);
}

/** The console's "accept" of a pending cross-release link request on the responding system. */
export function acceptPendingRequest(world: World, system: SystemModel, linkName: string): void {
  const record = requirePending(system, linkName);
  const { peer } = world.peerOf(record);
  const requester = peer?.link(record.name);
  if (!peer || !requester || requester.id !== record.id) throw conflict(`The system that sent link request '${linkName}' no longer has the link`);
  if (!world.canTalk(system, peer)) throw conflict(`Cannot accept link request '${linkName}': ${peer.name} cannot be reached`);
  record.pending = undefined;
  requester.pending = undefined;
  system.events.notice(`Link request '${record.name}' from ${peer.name} accepted`);
  peer.events.notice(`Link request '${record.name}' accepted by ${system.name}`);
}

/** The console's "reject": the request disappears; the sender's link is broken again. */
export function rejectPendingRequest(world: World, system: SystemModel, linkName: string): void {
  const record = requirePending(system, linkName);
  system.links.delete(record.name.toLowerCase());
  const requester = world.peerOf(record).peer?.link(record.name);
  if (requester?.id === record.id) requester.pending = undefined;
  system.events.notice(`Link request '${record.name}' from ${record.peer} rejected`);
}

function requirePending(system: SystemModel, linkName: string): LinkRecord {
  const record = system.link(linkName);
  if (!record || record.pending !== "responder") throw notFound(`No pending link request '${linkName}' on ${system.name}`);
  return record;
}

/**
 * HCP pauses a tenant of the link by itself (AUTO_PAUSED) for `cause`, on both systems' records; played
 * through the control API. See DEFAULT_AUTO_PAUSE_CAUSE in assumptions.ts.
 */
export function autoPauseTenant(world: World, system: SystemModel, record: LinkRecord, tenantName: string, cause: string): void {
  const key = requireLinkTenant(record, tenantName);
  const { peer, peerRecord } = world.peerOf(record);
  for (const holder of [record, peerRecord]) {
    const entry = holder?.tenants.get(key);
    if (entry) entry.autoPaused = { cause, causeFixed: false };
  }
  for (const s of [system, peer]) s?.events.warning(`Tenant '${tenantName}' on link '${record.name}' paused automatically: ${cause}`);
}

/** The cause of an auto-pause is fixed: the tenant stays AUTO_PAUSED until resumed (MAPI `?resume` or the console). */
export function fixAutoPauseCause(world: World, system: SystemModel, record: LinkRecord, tenantName: string): void {
  const key = requireLinkTenant(record, tenantName);
  const { peer, peerRecord } = world.peerOf(record);
  if (!record.tenants.get(key)?.autoPaused) throw badRequest(`Tenant '${tenantName}' on link '${record.name}' is not paused automatically`);
  for (const holder of [record, peerRecord]) {
    const pause = holder?.tenants.get(key)?.autoPaused;
    if (pause) pause.causeFixed = true;
  }
  for (const s of [system, peer]) s?.events.notice(`Tenant '${tenantName}' on link '${record.name}': the cause of the automatic pause is fixed; it can be resumed`);
}
