/**
 * Every reading of HCP behaviour that Hitachi's documentation does not confirm, in one place.
 *
 * Each constant is an **assumption** (see `docs/replication-model.md`, which the simulator follows too).
 * A real HCP system may correct any of them; change them here and nowhere else. This module holds data
 * only: no imports with run-time effect, so the pure planner can use it.
 */
import type { LinkPriority, LinkType } from "./types";

// ---------------------------------------------------------------------------------------------------
// Wire details
// ---------------------------------------------------------------------------------------------------

/** The MD5 of the password in the `HCP` auth header is sent as lowercase hex (HCP accepts either case). */
export const AUTH_MD5_HEX_LOWERCASE = true;

/** HEAD of a missing resource: the documentation says 302, clients see 404. Both mean "absent". */
export const HEAD_ABSENT_STATUSES: readonly number[] = [302, 404];

/** Id of the system's own replication server certificate in `certificates`. */
export const SERVER_CERTIFICATE_ID = "server";

/** Content-Type of `PUT certificates` (the PEM text is the body). */
export const CERTIFICATE_UPLOAD_CONTENT_TYPE = "application/x-pem-file";

/** Uploading a certificate the system already trusts answers 409. */
export const CERTIFICATE_ALREADY_TRUSTED_STATUS = 409;

/**
 * Shapes of lists on the wire. XML: `<root><item>…</item></root>`; JSON: `{"item":[…]}` (no root).
 * The client also accepts JSON wrapped in its root (`{"links":{"name":[…]}}`) and a single item
 * given as a scalar instead of a one-element array.
 */
export const LIST_SHAPES = {
  links: { root: "links", item: "name" },
  certificates: { root: "certificates", item: "certificate" },
  contentLists: ["tenants", "defaultNamespaceDirectories", "chainedLinks"] as const,
  contentItem: "name",
  serviceNetworks: { field: "network", item: "hcp_system" },
  /**
   * `links/<l>/localCandidates`: the lists of `content` without chainedLinks, under this XML root. It
   * lists what the system could still add to the link, not what is on it already.
   */
  candidates: { root: "localCandidates", lists: ["tenants", "defaultNamespaceDirectories"] as const },
} as const;

/**
 * An empty directory list in `localCandidates` means "directories not listed", not "none eligible": the
 * simulator lists none yet accepts any directory. Declared directories are checked only against a
 * non-empty list.
 */
export const CANDIDATES_EMPTY_DIRECTORIES_UNLISTED = true;

/** A single object in JSON has no root (`{"name":"l1",…}`); `{"link":{…}}` is accepted too. */
export const JSON_SINGLE_OBJECT_HAS_ROOT = false;

/** Values the documentation gives as defaults, applied when a read omits the field. */
export const LINK_READ_DEFAULTS: { compression: boolean; encryption: boolean; priority: LinkPriority } = {
  compression: false,
  encryption: false,
  priority: "OLDEST_FIRST",
};

/** Dates in the certificate list are ISO 8601. */
export const CERTIFICATE_DATES_ISO8601 = true;

/** Invalid actions (wrong side, wrong type, wrong phase) are refused with this status and X-HCP-ErrorMessage. */
export const INVALID_ACTION_STATUS = 400;

/** HCP's System Management Console listens on this port of the same admin host as MAPI (9090). */
export const SYSTEM_MANAGEMENT_CONSOLE_PORT = 8000;

// ---------------------------------------------------------------------------------------------------
// Link model (active/passive)
// ---------------------------------------------------------------------------------------------------

/** Creating an active/passive link: `PUT links` on the primary with this type ... */
export const PRIMARY_LINK_TYPE: LinkType = "OUTBOUND";
/** ... and the replica then lists the same link name with this type. Types do not change on failover. */
export const REPLICA_LINK_TYPE: LinkType = "INBOUND";

/** `statusMessage` values (verbose link read) that the workflow relies on. */
export const STATUS_MESSAGES = {
  /** Primary while replicating; primary again once recovery finished. */
  sending: "Sending data",
  /** Replica while replicating; primary during recovery and completion. */
  receiving: "Receiving data",
  /** Both sides once failed over (the primary only once it is reachable again). */
  failedOver: "Failed over",
  /**
   * The system asked to accept a cross-release restore in its console: the primary when the replica
   * restored the link (primary failure), the replica when the primary did (replica failure).
   */
  pending: "Pending",
  /** The system that sent a cross-release restore, waiting for the other to accept it. */
  pendingRemoteReply: "Pending remote reply",
  /** Replica after beginRecovery. */
  recovering: "Recovering data",
  /** Replica after completeRecovery, until the remaining data is sent. */
  completing: "Completing recovery",
  /** Overrides the message on the side the suspend was sent to (`suspended` is true too). */
  suspendedByUser: "Suspended by user",
  /** Active/active links only. */
  synchronizing: "Synchronizing data",
  /** A side that cannot reach its peer while replicating. */
  stalled: "Stalled link",
  /** The peer answers but lacks the link, or the two systems do not trust each other. */
  broken: "Broken link",
  highErrorRate: "High error rate",
  scheduledOff: "Scheduled off period",
  remoteStorageFull: "Remote storage full, link suspended",
  localStorageFull: "Local storage full, link suspended",
} as const;

/**
 * Messages that report a problem while the link still replicates primary -> replica (no failover
 * happened). The replica may fail over from any of them.
 */
export const DEGRADED_REPLICATING_MESSAGES: readonly string[] = [
  STATUS_MESSAGES.stalled,
  STATUS_MESSAGES.broken,
  STATUS_MESSAGES.highErrorRate,
  STATUS_MESSAGES.scheduledOff,
  STATUS_MESSAGES.remoteStorageFull,
  STATUS_MESSAGES.localStorageFull,
];

/**
 * Replica messages that say the replica is in contact with the primary and recovery is moving: a replica
 * that cannot reach its peer shows "Stalled link" instead. A poll that reads one of these on the replica
 * need not read the primary (assumed, as the simulator models it).
 */
export const REPLICA_MESSAGES_IN_CONTACT: readonly string[] = [STATUS_MESSAGES.recovering, STATUS_MESSAGES.completing];

/** Phases of an active/passive link as the model page names them (a subset of the planner's LinkPhase). */
export type ModelPhase = "replicating" | "failedOver" | "pendingAcceptance" | "pendingReplicaAcceptance" | "recovering" | "completing";

/**
 * The replica's `statusMessage` per phase (the replica column of the model table). The replica is
 * authoritative: it runs every action of the workflow. Degraded messages (above) read as replicating,
 * unless the primary reports "Receiving data", which it does only during data recovery.
 */
export const REPLICA_MESSAGE_PHASE: Readonly<Record<string, ModelPhase>> = {
  [STATUS_MESSAGES.receiving]: "replicating",
  [STATUS_MESSAGES.failedOver]: "failedOver",
  [STATUS_MESSAGES.pendingRemoteReply]: "pendingAcceptance",
  /** Replica failure: the primary restored the link onto a rebuilt replica of another release. */
  [STATUS_MESSAGES.pending]: "pendingReplicaAcceptance",
  [STATUS_MESSAGES.recovering]: "recovering",
  [STATUS_MESSAGES.completing]: "completing",
};

/**
 * The primary's messages that name a phase on their own, used only while the replica cannot be read.
 * "Receiving data" (recovering or completing) does not; degraded messages read as replicating. A replica
 * showing "Stalled link" while the primary cannot be read is also read as replicating (the primary failed):
 * it may hide recovery in progress, so waits end only once both systems answer.
 */
export const PRIMARY_MESSAGE_PHASE: Readonly<Record<string, ModelPhase>> = {
  [STATUS_MESSAGES.sending]: "replicating",
  [STATUS_MESSAGES.failedOver]: "failedOver",
  [STATUS_MESSAGES.pending]: "pendingAcceptance",
  [STATUS_MESSAGES.pendingRemoteReply]: "pendingReplicaAcceptance",
};

type TenantAccess = "read-write" | "read-only";

/**
 * Access mode of the link's tenants per phase and side (model table). Exceptions: a primary without the
 * link (rebuilt) is read-write; a primary not yet told of the failover (split brain) stays read-write
 * until beginRecovery; a pending restore keeps the access of failed over.
 */
export const TENANT_ACCESS: Readonly<Record<ModelPhase, { primary: TenantAccess; replica: TenantAccess }>> = {
  replicating: { primary: "read-write", replica: "read-only" },
  failedOver: { primary: "read-only", replica: "read-write" },
  pendingAcceptance: { primary: "read-only", replica: "read-write" },
  pendingReplicaAcceptance: { primary: "read-write", replica: "read-only" },
  recovering: { primary: "read-only", replica: "read-write" },
  completing: { primary: "read-only", replica: "read-only" },
};

/** Where a pending link request is accepted in the System Management Console. */
export const CONSOLE_REPLICATION_PAGE = "Services > Replication";

/** `status` for a `statusMessage`: GOOD for the normal replication messages, BAD for the three faults. */
export const STATUS_FOR_MESSAGE: Readonly<Record<string, "GOOD" | "WARNING" | "BAD">> = {
  [STATUS_MESSAGES.sending]: "GOOD",
  [STATUS_MESSAGES.receiving]: "GOOD",
  [STATUS_MESSAGES.synchronizing]: "GOOD",
  [STATUS_MESSAGES.highErrorRate]: "BAD",
  [STATUS_MESSAGES.stalled]: "BAD",
  [STATUS_MESSAGES.broken]: "BAD",
};

/**
 * HCP release = the major version of `X-HCP-SoftwareVersion`; systems of different major versions form a
 * cross-release link, whose `restore` leaves a pending request accepted only in the console.
 */
export function releaseOf(softwareVersion: string | undefined): string | undefined {
  if (!softwareVersion) return undefined;
  const major = /^\s*(\d+)/.exec(softwareVersion);
  return major ? major[1] : undefined;
}

/** True when both versions are known and their major versions differ. */
export function isCrossRelease(a: string | undefined, b: string | undefined): boolean {
  const ra = releaseOf(a);
  const rb = releaseOf(b);
  return ra !== undefined && rb !== undefined && ra !== rb;
}

/**
 * Whether a `restore` on this link leaves a pending request that a person accepts in the console (the
 * cross-release steps of the 7.x tables). The 9.x tables (links between 8.x and 9.x systems) have no
 * accept step; whether an 8.x <-> 7.x link needs one the documentation does not say: assumed yes, as the
 * 7.x table says for a link to a 7.x system. A pending request observed on either system is handled
 * whatever this says.
 */
export function restoreLeavesPendingRequest(a: string | undefined, b: string | undefined): boolean {
  return isCrossRelease(a, b) && editionOf(a, b) === "7.x";
}

/**
 * Which edition's workflow tables number the steps of a link: the 7.x tables where a system runs 7.x or
 * older, the 9.x tables for links between 8.x and 9.x systems (a 9.x system links only with 8.x or 9.x).
 * No version known at all: the 7.x tables, whose cross-release steps are a superset of the 9.x ones.
 */
export function editionOf(a: string | undefined, b: string | undefined): "9.x" | "7.x" {
  const releases = [releaseOf(a), releaseOf(b)].filter((r): r is string => r !== undefined).map(Number);
  if (releases.length === 0 || releases.some((r) => r <= 7)) return "7.x";
  return "9.x";
}

/** The document each edition's workflow tables are printed in. */
export const DOCUMENT_TITLE: Readonly<Record<"9.x" | "7.x", string>> = {
  "9.x": "HCP System Management Help 9.x",
  "7.x": "HCP System Management Help 7.x",
};

/** Completion: both event logs record this message once recovery finished. */
export const RECOVERY_COMPLETED_LOG_MESSAGE = "Replication data recovery completed";
