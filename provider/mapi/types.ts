/**
 * Data types of the HCP replication MAPI (`/mapi/services/replication`), as the client returns them.
 * Field names follow Hitachi's MAPI reference; see `shared/reference/hcp-mapi-replication.md`.
 */

/** How the client authenticates: a local HCP account or an Active Directory account (`user@domain`). */
export type AuthType = "local" | "ad";

/** Link type as one side sees it: the primary of an active/passive link sees OUTBOUND, the replica INBOUND. */
export type LinkType = "ACTIVE_ACTIVE" | "OUTBOUND" | "INBOUND";

/** The seven link actions, sent as `POST links/<link>?<action>` with no body. */
export type LinkAction =
  | "suspend"
  | "resume"
  | "failOver"
  | "failBack"
  | "beginRecovery"
  | "completeRecovery"
  | "restore";

/** Every link action, in the order the reference lists them. */
export const LINK_ACTIONS: readonly LinkAction[] = [
  "suspend",
  "resume",
  "failOver",
  "failBack",
  "beginRecovery",
  "completeRecovery",
  "restore",
];

export type LinkPriority = "OLDEST_FIRST" | "FAIR";
export type LinkStatus = "GOOD" | "WARNING" | "BAD";

/** `link.connection`. */
export interface LinkConnection {
  /** Replication address of the other system (required). */
  remoteHost: string;
  localHost?: string;
  /** Default 5748. */
  remotePort?: number;
  /** Default 5748. */
  localPort?: number;
}

/** One side of `link.failoverSettings`. */
export interface FailoverSideSettings {
  autoFailover?: boolean;
  /** 7..9999, default 120. */
  autoFailoverMinutes?: number;
  /** Active/passive only. */
  autoCompleteRecovery?: boolean;
  /** 1..9999, default 120; active/passive only. */
  autoCompleteRecoveryMinutes?: number;
}

/** `link.failoverSettings`. */
export interface FailoverSettings {
  local?: FailoverSideSettings;
  remote?: FailoverSideSettings;
}

/** `link.statistics` (verbose only). Every field is optional: a system may omit any of them. */
export interface LinkStatistics {
  upToDateAsOfString?: string;
  upToDateAsOfMillis?: number;
  bytesPending?: number;
  objectsPending?: number;
  bytesPendingRemote?: number;
  objectsPendingRemote?: number;
  bytesReplicated?: number;
  objectsReplicated?: number;
  bytesPerSecond?: number;
  operationsPerSecond?: number;
  errors?: number;
  errorsPerSecond?: number;
  /** 9.x: objects Replication Verification analysed. */
  objectsVerified?: number;
  /** 9.x: objects Replication Verification found missing and replicated. */
  objectsReplicatedAfterVerification?: number;
}

/** What `createLink` sends (`PUT links`). */
export interface LinkSpec {
  /** 1-64 characters; link names are case-insensitive on HCP. */
  name: string;
  description?: string;
  type: LinkType;
  connection: LinkConnection;
  compression?: boolean;
  encryption?: boolean;
  priority?: LinkPriority;
  failoverSettings?: FailoverSettings;
}

/** What `modifyLink` sends (`POST links/<link>`): only the supplied fields change. */
export interface LinkModification {
  /** Only OUTBOUND/INBOUND -> ACTIVE_ACTIVE is possible; it suspends the link until resumed. */
  type?: LinkType;
  description?: string;
  connection?: Partial<LinkConnection>;
  compression?: boolean;
  encryption?: boolean;
  priority?: LinkPriority;
  failoverSettings?: FailoverSettings;
}

/** A link as read with `GET links/<link>` (the last five fields only with `?verbose=true`). */
export interface LinkView {
  name: string;
  description?: string;
  type: LinkType;
  connection: LinkConnection;
  compression: boolean;
  encryption: boolean;
  priority: LinkPriority;
  failoverSettings: FailoverSettings;
  /** Verbose only: UUID. */
  id?: string;
  /** Verbose only. */
  status?: LinkStatus;
  /** Verbose only: e.g. "Sending data", "Failed over", "Recovering data". */
  statusMessage?: string;
  /** Verbose only. */
  suspended?: boolean;
  /** Verbose only. */
  statistics?: LinkStatistics;
}

/** One entry of `GET certificates`. Dates are text as the system sends them (`yyyy-MM-ddThh:mm:ss±hhmm`; see dates.ts). */
export interface CertificateInfo {
  /** Opaque id chosen by the system; the local server certificate is `server`. */
  id: string;
  subjectDN: string;
  validOn: string;
  expiresOn: string;
}

/** `GET links/<link>/content`. */
export interface LinkContent {
  tenants: string[];
  defaultNamespaceDirectories: string[];
  chainedLinks: string[];
}

/** `GET links/<link>/localCandidates`: what this system could still add to the link. */
export interface LinkCandidates {
  tenants: string[];
  defaultNamespaceDirectories: string[];
}

export type TenantReplicationState = "REPLICATING" | "PAUSED" | "AUTO_PAUSED";

/** `GET links/<link>/content/tenants/<t>`. */
export interface TenantReplicationStatus {
  status: TenantReplicationState;
  upToDateAsOfString?: string;
  upToDateAsOfMillis?: number;
  objectsPending?: number;
  bytesPending?: number;
  objectsPendingRemote?: number;
  bytesPendingRemote?: number;
}

/** `GET /mapi/services/replication` (`replicationService`). */
export interface ReplicationService {
  allowTenantsToMonitorNamespaces?: boolean;
  enableDNSFailover?: boolean;
  /** Names of the networks replication uses, e.g. `["[hcp_system]"]`. */
  network?: string[];
  connectivityTimeoutSeconds?: number;
  verification?: "ON" | "ONCE" | "OFF";
  /** Verbose only. */
  status?: "ENABLED" | "SHUTDOWN";
}

/** A link's performance level override (hcp-workflows.md 5, "schedule"); NONE removes an override. */
export type ScheduleOverride = "LOW" | "MEDIUM" | "HIGH" | "CUSTOM" | "NONE";
export const SCHEDULE_OVERRIDES: readonly ScheduleOverride[] = ["LOW", "MEDIUM", "HIGH", "CUSTOM", "NONE"];

/** `links/<l>/schedule`: each side's override (the transitions are not read here). */
export interface LinkScheduleView {
  local?: { scheduleOverride?: ScheduleOverride };
  remote?: { scheduleOverride?: ScheduleOverride };
}

/** Request and response body format. JSON is the default; XML is HCP's own default and fully supported. */
export type WireFormat = "json" | "xml";
