import {
  ACTIVE_ACTIVE_ACCESS,
  FLOWING_PHASES,
  LINK_DEFAULTS,
  PENDING_MESSAGE,
  SHUTDOWN_MESSAGE,
  SPLIT_BRAIN_PRIMARY_ACCESS,
  STATUS_MESSAGE_BY_PHASE,
  TENANT_ACCESS,
  type Access,
  type LinkKind,
  type PendingRole,
  type Phase,
  type Role,
  type StatusMessage,
} from "./assumptions";

/**
 * One system's record of a replication link: its configuration and its own view of the link's
 * phase. Each side keeps its own record; `replication.ts` reconciles them while the systems can talk.
 */

export type LinkType = "ACTIVE_ACTIVE" | "OUTBOUND" | "INBOUND";
export type Priority = "OLDEST_FIRST" | "FAIR";

export interface FailoverSide {
  autoFailover: boolean;
  autoFailoverMinutes: number;
  autoCompleteRecovery: boolean;
  autoCompleteRecoveryMinutes: number;
}

export interface LinkConnection {
  remoteHost: string;
  localHost: string;
  remotePort: number;
  localPort: number;
}

/** The writable configuration of a link, as one side sees it. */
export interface LinkSettings {
  description: string;
  compression: boolean;
  encryption: boolean;
  priority: Priority;
  connection: LinkConnection;
  failoverSettings: { local: FailoverSide; remote: FailoverSide };
}

export interface ScheduleTransition {
  time: string;
  performanceLevel: string;
}

export interface ScheduleSide {
  scheduleOverride: string;
  transitions: ScheduleTransition[];
}

export interface LinkSchedule {
  local: ScheduleSide;
  remote: ScheduleSide;
}

export interface LinkTenant {
  readonly name: string;
  /** Paused by a user (`?pause`). */
  paused: boolean;
  /** Paused by HCP itself (AUTO_PAUSED), with its cause; `causeFixed` once it may be resumed. */
  autoPaused?: { readonly cause: string; causeFixed: boolean };
}

/** Whether a tenant's objects wait: paused by a user or by HCP. */
export function isTenantHeld(tenant: LinkTenant | undefined): boolean {
  return !!tenant && (tenant.paused || tenant.autoPaused !== undefined);
}

/** The tenant's documented replication status. */
export function tenantStatusOf(tenant: LinkTenant | undefined): "REPLICATING" | "PAUSED" | "AUTO_PAUSED" {
  if (tenant?.autoPaused) return "AUTO_PAUSED";
  return tenant?.paused ? "PAUSED" : "REPLICATING";
}

export interface LinkRecord {
  /** UUID shared by both sides' records of the same link. */
  readonly id: string;
  readonly name: string;
  /** Changes only by converting an active/passive link to active/active (topology.ts). */
  type: LinkType;
  /** Name of the system at the other end. */
  readonly peer: string;
  settings: LinkSettings;
  /** Tenants on the link, keyed by lowercase name. */
  tenants: Map<string, LinkTenant>;
  /** Default-namespace directories on the link, keyed by name. */
  directories: Set<string>;
  schedule: LinkSchedule;
  /** The phase as this side knows it. */
  phase: Phase;
  /** Simulated time of the last phase change on this side (active/active reconciliation). */
  phaseChangedAt: number;
  /** Set while a cross-release link request is pending. */
  pending?: PendingRole;
  /** Suspended by a user on this side. */
  suspended: boolean;
  /** Primary only: it learned of the failover after the fact and stays read-write until beginRecovery. */
  splitBrain: boolean;
  /** Active/active only: the system the link failed over to. */
  failedOverTo?: string;
  /** Replica only: since when (simulated) the peer has been unreachable, for autoFailover. */
  unreachableSince?: number;
}

/** What one side can see of the other end, for its statusMessage. */
export interface PeerView {
  /** Both systems up, network between them not cut. */
  readonly reachable: boolean;
  /** The peer holds a record of this link (same id). */
  readonly hasLink: boolean;
  /** Both systems trust each other's replication server certificate. */
  readonly trusted: boolean;
  /** The peer's replication service is shut down. */
  readonly peerShutDown: boolean;
}

export function kindOf(type: LinkType): LinkKind {
  return type === "ACTIVE_ACTIVE" ? "ACTIVE_ACTIVE" : "ACTIVE_PASSIVE";
}

export function roleOf(record: Pick<LinkRecord, "type">): Role {
  switch (record.type) {
    case "OUTBOUND":
      return "primary";
    case "INBOUND":
      return "replica";
    default:
      return "peer";
  }
}

/** The type the other side sees. */
export function mirrorType(type: LinkType): LinkType {
  switch (type) {
    case "OUTBOUND":
      return "INBOUND";
    case "INBOUND":
      return "OUTBOUND";
    default:
      return "ACTIVE_ACTIVE";
  }
}

export function defaultFailoverSide(): FailoverSide {
  return {
    autoFailover: LINK_DEFAULTS.autoFailover,
    autoFailoverMinutes: LINK_DEFAULTS.autoFailoverMinutes,
    autoCompleteRecovery: LINK_DEFAULTS.autoCompleteRecovery,
    autoCompleteRecoveryMinutes: LINK_DEFAULTS.autoCompleteRecoveryMinutes,
  };
}

export function defaultSchedule(): LinkSchedule {
  return { local: { scheduleOverride: "NONE", transitions: [] }, remote: { scheduleOverride: "NONE", transitions: [] } };
}

/** The settings as the other side sees them: local and remote swapped. */
export function mirrorSettings(settings: LinkSettings): LinkSettings {
  const c = settings.connection;
  return {
    description: settings.description,
    compression: settings.compression,
    encryption: settings.encryption,
    priority: settings.priority,
    connection: { remoteHost: c.localHost, localHost: c.remoteHost, remotePort: c.localPort, localPort: c.remotePort },
    failoverSettings: { local: { ...settings.failoverSettings.remote }, remote: { ...settings.failoverSettings.local } },
  };
}

export function mirrorSchedule(schedule: LinkSchedule): LinkSchedule {
  return { local: copyScheduleSide(schedule.remote), remote: copyScheduleSide(schedule.local) };
}

function copyScheduleSide(side: ScheduleSide): ScheduleSide {
  return { scheduleOverride: side.scheduleOverride, transitions: side.transitions.map((t) => ({ ...t })) };
}

/** The record the other side holds for the same link: same id, name, content; mirrored type and settings. */
export function mirrorRecord(record: LinkRecord, ownerName: string, now: number): LinkRecord {
  return {
    id: record.id,
    name: record.name,
    type: mirrorType(record.type),
    peer: ownerName,
    settings: mirrorSettings(record.settings),
    tenants: new Map([...record.tenants].map(([key, tenant]) => [key, { name: tenant.name, paused: tenant.paused }])),
    directories: new Set(record.directories),
    schedule: mirrorSchedule(record.schedule),
    phase: record.phase,
    phaseChangedAt: now,
    suspended: false,
    splitBrain: false,
    failedOverTo: record.failedOverTo,
  };
}

/** Sets the phase this side knows, stamping the time of the change. */
export function setPhase(record: LinkRecord, phase: Phase, now: number): void {
  if (record.phase !== phase) {
    record.phase = phase;
    record.phaseChangedAt = now;
  }
}

/** Access this link imposes on its tenants on the side holding `record`. */
export function recordAccess(record: LinkRecord): Access {
  const role = roleOf(record);
  if (role === "peer") return ACTIVE_ACTIVE_ACCESS;
  if (role === "primary" && record.phase === "failedOver" && record.splitBrain) return SPLIT_BRAIN_PRIMARY_ACCESS;
  return TENANT_ACCESS[record.phase][role];
}

/** Whether data moves in this phase (when nothing else stops it). */
export function isFlowingPhase(phase: Phase): boolean {
  return FLOWING_PHASES.includes(phase);
}

/** The statusMessage the side holding `record` shows. */
export function statusMessageOf(record: LinkRecord, peer: PeerView, localShutDown: boolean): StatusMessage {
  if (record.suspended) return "Suspended by user";
  if (localShutDown) return SHUTDOWN_MESSAGE;
  if (record.pending) return PENDING_MESSAGE[record.pending];
  if (isFlowingPhase(record.phase)) {
    if (!peer.reachable || peer.peerShutDown) return "Stalled link";
    if (!peer.hasLink || !peer.trusted) return "Broken link";
  }
  const role = roleOf(record);
  if (role === "peer") return record.phase === "failedOver" ? "Failed over" : "Synchronizing data";
  return STATUS_MESSAGE_BY_PHASE[record.phase][role];
}
