import { runAction } from "./actions";
import { COLLISION_NEWEST_WRITE_WINS, PERFORMANCE_LEVEL_RATE_FACTOR, RECOVERY_COMPLETED_MESSAGE, VERIFICATION_STATISTICS_FROM_MAJOR, formatMapiDate, formatTimestamp, majorVersion } from "./assumptions";
import { isFlowingPhase, isTenantHeld, kindOf, roleOf, setPhase, type LinkRecord } from "./link";
import type { StoredObject, SystemModel } from "./system";
import type { Channel, World } from "./world";

/**
 * The replication engine. `advance` runs on a timer and before every request: it reconciles the two
 * sides' views of each link while they can talk, copies objects in the link's current direction
 * within the simulated-time budget, finishes a completing recovery once nothing is pending, and runs
 * the automatic actions. Statistics are computed from the objects not yet copied.
 */

/** One system's end of a link. */
export interface LinkEnd {
  readonly system: SystemModel;
  readonly record: LinkRecord;
}

/** An object on the sending side that the receiving side does not have in this version. */
export interface PendingObject {
  readonly tenant: string;
  readonly object: StoredObject;
}

export interface LinkStatistics {
  upToDateAsOfString: string;
  upToDateAsOfMillis: number;
  bytesPending: number;
  objectsPending: number;
  bytesPendingRemote: number;
  objectsPendingRemote: number;
  bytesReplicated: number;
  objectsReplicated: number;
  bytesPerSecond: number;
  operationsPerSecond: number;
  errors: number;
  errorsPerSecond: number;
  /** 9.x only (Replication Verification). */
  objectsVerified?: number;
  objectsReplicatedAfterVerification?: number;
}

/** Brings every link up to simulated now. */
export function advance(world: World): void {
  const now = world.clock.now();
  for (const ends of linkGroups(world)) {
    const channel = world.channel(ends[0].record.id);
    const [a, b] = ends;
    if (b && world.canTalk(a.system, b.system)) reconcile(a, b, now);
    const flows = b ? flowsOf(world, a, b) : [];
    transfer(world, channel, flows, now);
    if (b) finishRecoveryIfDone(world, channel, a, b, now);
    for (const end of ends) runAutomaticActions(world, channel, end, now);
  }
}

/** Links grouped by id: one or two ends (a rebuilt or deleted side leaves one). */
export function linkGroups(world: World): Array<[LinkEnd] | [LinkEnd, LinkEnd]> {
  const groups = new Map<string, LinkEnd[]>();
  for (const system of world.systems.values()) {
    for (const record of system.links.values()) {
      const group = groups.get(record.id) ?? [];
      group.push({ system, record });
      groups.set(record.id, group);
    }
  }
  return [...groups.values()].map(([first, second]): [LinkEnd] | [LinkEnd, LinkEnd] => (second ? [first, second] : [first]));
}

/**
 * Makes the two views agree. Active/passive: the replica's phase wins (every phase change is sent
 * to the replica); a primary that learns of a failover only now stays read-write (split brain).
 * Active/active: the most recent change wins (a failover, at equal times).
 */
function reconcile(a: LinkEnd, b: LinkEnd, now: number): void {
  if (a.record.pending || b.record.pending) return;
  if (kindOf(a.record.type) === "ACTIVE_ACTIVE") {
    // At the same simulated moment a failover wins: it is never undone by a side that missed it.
    const aNewer = a.record.phaseChangedAt !== b.record.phaseChangedAt ? a.record.phaseChangedAt > b.record.phaseChangedAt : a.record.phase === "failedOver";
    const [newer, older] = aNewer ? [a, b] : [b, a];
    setPhase(older.record, newer.record.phase, now);
    older.record.failedOverTo = newer.record.failedOverTo;
    return;
  }
  const [primary, replica] = roleOf(a.record) === "primary" ? [a, b] : [b, a];
  if (primary.record.phase === replica.record.phase) return;
  if (primary.record.phase === "replicating" && replica.record.phase === "failedOver") {
    primary.record.splitBrain = true;
    primary.system.events.warning(
      `Link '${primary.record.name}' was failed over to ${replica.system.name} while this system could not be reached: its tenants stay read-write until data recovery begins`,
    );
  } else if (replica.record.phase !== "failedOver") {
    primary.record.splitBrain = false;
  }
  setPhase(primary.record, replica.record.phase, now);
}

/** Which ends send to which, right now; empty when nothing may move. */
function flowsOf(world: World, a: LinkEnd, b: LinkEnd): Array<[LinkEnd, LinkEnd]> {
  if (!world.canTalk(a.system, b.system) || !world.mutualTrust(a.system, b.system)) return [];
  for (const end of [a, b]) {
    if (end.record.pending || end.record.suspended || end.system.service.status === "SHUTDOWN") return [];
  }
  if (a.record.phase !== b.record.phase || !isFlowingPhase(a.record.phase)) return [];
  return [a, b].filter((end) => sendsInPhase(end.record).local).map((sender): [LinkEnd, LinkEnd] => [sender, sender === a ? b : a]);
}

/** Whether this end, and the other end, hold data the other lacks in the current phase (whether or not it can move). */
function sendsInPhase(record: LinkRecord): { local: boolean; remote: boolean } {
  const role = roleOf(record);
  if (role === "peer") return { local: true, remote: true };
  const primarySends = record.phase === "replicating";
  return role === "primary" ? { local: primarySends, remote: !primarySends } : { local: !primarySends, remote: primarySends };
}

/** Copies pending objects within the budget earned since the last advance. */
function transfer(world: World, channel: Channel, flows: Array<[LinkEnd, LinkEnd]>, now: number): void {
  const elapsedSeconds = Math.max(0, now - channel.lastAdvanceAt) / 1000;
  channel.lastAdvanceAt = now;
  if (flows.length === 0) {
    channel.carry.clear();
    channel.bytesPerSecond = 0;
    channel.operationsPerSecond = 0;
    return;
  }
  let bytes = 0;
  let objects = 0;
  for (const [from, to] of flows) {
    const pending = pendingObjects(from.system, from.record, channel).filter((p) => !isTenantHeld(from.record.tenants.get(p.tenant.toLowerCase())));
    const carry = channel.carry.get(from.system.name) ?? { objects: 0, bytes: 0 };
    // The sender's performance level scales the rate (PERFORMANCE_LEVEL_RATE_FACTOR).
    const governing = from.record.type === "INBOUND" ? from.record.schedule.remote : from.record.schedule.local;
    const factor = PERFORMANCE_LEVEL_RATE_FACTOR[governing.scheduleOverride] ?? 1;
    let objectBudget = budget(carry.objects, scaled(world.rate.objectsPerSecond, factor), elapsedSeconds);
    let byteBudget = budget(carry.bytes, scaled(world.rate.bytesPerSecond, factor), elapsedSeconds);
    let copied = 0;
    for (const item of orderForSending(pending, from.record)) {
      if (objectBudget < 1 || byteBudget < item.object.data.length) break;
      if (losesCollision(to, channel, item)) continue; // the other side's newer version travels the other way
      copyObject(to.system, channel, item);
      objectBudget -= 1;
      byteBudget -= item.object.data.length;
      bytes += item.object.data.length;
      objects += 1;
      copied += 1;
    }
    if (copied === pending.length) channel.carry.delete(from.system.name);
    else channel.carry.set(from.system.name, { objects: finite(objectBudget), bytes: finite(byteBudget) });
  }
  channel.bytesReplicated += bytes;
  channel.objectsReplicated += objects;
  channel.bytesPerSecond = elapsedSeconds > 0 ? bytes / elapsedSeconds : 0;
  channel.operationsPerSecond = elapsedSeconds > 0 ? objects / elapsedSeconds : 0;
}

function scaled(perSecond: number | undefined, factor: number): number | undefined {
  return perSecond === undefined ? undefined : perSecond * factor;
}

function budget(carried: number, perSecond: number | undefined, elapsedSeconds: number): number {
  return perSecond === undefined ? Number.POSITIVE_INFINITY : carried + perSecond * elapsedSeconds;
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

/** OLDEST_FIRST: by write time across tenants. FAIR: tenants take turns, each oldest first. */
function orderForSending(pending: PendingObject[], record: LinkRecord): PendingObject[] {
  const byAge = [...pending].sort((x, y) => x.object.writtenAt - y.object.writtenAt);
  if (record.settings.priority !== "FAIR") return byAge;
  const queues = new Map<string, PendingObject[]>();
  for (const item of byAge) {
    const queue = queues.get(item.tenant) ?? [];
    queue.push(item);
    queues.set(item.tenant, queue);
  }
  const turns: PendingObject[] = [];
  for (let round = 0; turns.length < byAge.length; round++) {
    for (const queue of queues.values()) {
      const item = queue[round];
      if (item) turns.push(item);
    }
  }
  return turns;
}

function copyObject(to: SystemModel, channel: Channel, item: PendingObject): void {
  const replaced = to.tenant(item.tenant)?.objects.get(item.object.key);
  const confirmed = confirmedOf(channel, item.tenant);
  if (replaced && replaced.version !== item.object.version && replaced.version !== confirmed.get(item.object.key)) {
    // A version written here that never reached the other side: a collision the sender's version wins.
    to.events.notice(
      `Object '${item.object.key}' in tenant '${item.tenant}': the version written at ${formatTimestamp(replaced.writtenAt)} on this system ` +
        `was replaced by the version written at ${formatTimestamp(item.object.writtenAt)} on the other system (the same key was written on both)`,
    );
  }
  to.ensureTenant(item.tenant).objects.set(item.object.key, item.object);
  confirmed.set(item.object.key, item.object.version);
}

/**
 * Active/active only (COLLISION_NEWEST_WRITE_WINS): the receiving side holds its own, newer version of the
 * key that never reached the sender. That version replaces the sender's when it travels the other way.
 */
function losesCollision(to: LinkEnd, channel: Channel, item: PendingObject): boolean {
  if (!COLLISION_NEWEST_WRITE_WINS || roleOf(to.record) !== "peer") return false;
  const theirs = to.system.tenant(item.tenant)?.objects.get(item.object.key);
  if (!theirs || theirs.version === item.object.version) return false;
  if (theirs.version === channel.confirmed.get(item.tenant.toLowerCase())?.get(item.object.key)) return false;
  return isNewer(theirs, item.object);
}

function isNewer(a: StoredObject, b: StoredObject): boolean {
  return a.writtenAt !== b.writtenAt ? a.writtenAt > b.writtenAt : a.version > b.version;
}

function confirmedOf(channel: Channel, tenant: string): Map<string, string> {
  const key = tenant.toLowerCase();
  let confirmed = channel.confirmed.get(key);
  if (!confirmed) {
    confirmed = new Map();
    channel.confirmed.set(key, confirmed);
  }
  return confirmed;
}

/** Objects on `system` in the link's tenants (all, or one) not yet confirmed on the other side. */
export function pendingObjects(system: SystemModel, record: LinkRecord, channel: Channel | undefined, tenantName?: string): PendingObject[] {
  const pending: PendingObject[] = [];
  for (const linkTenant of record.tenants.values()) {
    if (tenantName !== undefined && linkTenant.name.toLowerCase() !== tenantName.toLowerCase()) continue;
    const tenant = system.tenant(linkTenant.name);
    if (!tenant) continue;
    const confirmed = channel?.confirmed.get(linkTenant.name.toLowerCase());
    for (const object of tenant.objects.values()) {
      if (confirmed?.get(object.key) !== object.version) pending.push({ tenant: tenant.name, object });
    }
  }
  return pending;
}

/** Completing and nothing left to send: the primary takes over again, replication restarts. */
function finishRecoveryIfDone(world: World, channel: Channel, a: LinkEnd, b: LinkEnd, now: number): void {
  if (kindOf(a.record.type) !== "ACTIVE_PASSIVE") return;
  if (a.record.phase !== "completing" || b.record.phase !== "completing") return;
  if (!world.canTalk(a.system, b.system)) return;
  const [primary, replica] = roleOf(a.record) === "primary" ? [a, b] : [b, a];
  if (pendingObjects(replica.system, replica.record, channel).length > 0) return;
  for (const end of [primary, replica]) {
    setPhase(end.record, "replicating", now);
    end.record.splitBrain = false;
    end.system.events.notice(RECOVERY_COMPLETED_MESSAGE);
    if (end.system.service.enableDNSFailover) {
      end.system.events.notice(`DNS failover: broadcasting the original DNS configuration of ${end.system.replicationHost}`);
    }
  }
  channel.carry.clear();
}

/** autoFailover and autoCompleteRecovery, as the replica's own settings say (either side's, on an active/active link). */
function runAutomaticActions(world: World, channel: Channel, end: LinkEnd, now: number): void {
  const { record, system } = end;
  if (roleOf(record) === "primary" || !system.up) return;
  const peer = world.system(record.peer);
  const reachable = peer !== undefined && world.canTalk(system, peer);
  record.unreachableSince = reachable ? undefined : (record.unreachableSince ?? now);
  const settings = record.settings.failoverSettings.local;
  try {
    if (
      settings.autoFailover &&
      record.phase === "replicating" &&
      !record.pending &&
      record.unreachableSince !== undefined &&
      now - record.unreachableSince >= settings.autoFailoverMinutes * 60_000
    ) {
      runAction(world, system, record, "failOver", true);
    } else if (settings.autoCompleteRecovery && record.phase === "recovering") {
      const behind = now - statisticsOf(world, system, record, channel).upToDateAsOfMillis;
      if (behind <= settings.autoCompleteRecoveryMinutes * 60_000) runAction(world, system, record, "completeRecovery", true);
    }
  } catch {
    // A refused automatic action is already in the event log; it is tried again on the next advance.
  }
}

/** The statistics one end shows (optionally for one tenant). */
export function statisticsOf(world: World, system: SystemModel, record: LinkRecord, channel = world.channels.get(record.id), tenantName?: string): LinkStatistics {
  const { peer, peerRecord } = world.peerOf(record);
  const sends = sendsInPhase(record);
  const local = sends.local ? pendingObjects(system, record, channel, tenantName) : [];
  // Documented: bytesPendingRemote / objectsPendingRemote are always zero on active/passive links (hcp-workflows.md 4b).
  const remote = sends.remote && roleOf(record) === "peer" && peer && peerRecord ? pendingObjects(peer, peerRecord, channel, tenantName) : [];
  const waiting = sends.remote && peer && peerRecord ? pendingObjects(peer, peerRecord, channel, tenantName) : [];
  const now = world.clock.now();
  const oldest = [...local, ...waiting].reduce((min, item) => Math.min(min, item.object.writtenAt), now);
  return {
    upToDateAsOfString: formatMapiDate(oldest),
    upToDateAsOfMillis: oldest,
    bytesPending: sumBytes(local),
    objectsPending: local.length,
    bytesPendingRemote: sumBytes(remote),
    objectsPendingRemote: remote.length,
    bytesReplicated: channel?.bytesReplicated ?? 0,
    objectsReplicated: channel?.objectsReplicated ?? 0,
    bytesPerSecond: Math.round(channel?.bytesPerSecond ?? 0),
    operationsPerSecond: Math.round(channel?.operationsPerSecond ?? 0),
    errors: 0,
    errorsPerSecond: 0,
    ...(tenantName === undefined ? verificationOf(system, record, channel) : {}),
  };
}

/** The statistics as MAPI reports them: without the fields this system leaves out (quirks.omitStatistics). */
export function reportedStatistics(system: SystemModel, statistics: LinkStatistics): LinkStatistics {
  const out = { ...statistics } as Record<string, unknown>;
  for (const field of system.quirks.omitStatistics) delete out[field];
  return out as unknown as LinkStatistics;
}

/** The 9.x Replication Verification counters (see VERIFICATION_STATISTICS_FROM_MAJOR). */
function verificationOf(system: SystemModel, record: LinkRecord, channel: Channel | undefined): Partial<LinkStatistics> {
  if (majorVersion(system.softwareVersion) < VERIFICATION_STATISTICS_FROM_MAJOR) return {};
  let verified = 0;
  if (system.service.verification !== "OFF") {
    for (const tenant of record.tenants.values()) verified += channel?.confirmed.get(tenant.name.toLowerCase())?.size ?? 0;
  }
  return { objectsVerified: verified, objectsReplicatedAfterVerification: 0 };
}

function sumBytes(items: PendingObject[]): number {
  return items.reduce((sum, item) => sum + item.object.data.length, 0);
}
