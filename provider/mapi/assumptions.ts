/**
 * Every reading of HCP behaviour that Hitachi's documentation does not confirm, in one place.
 *
 * Each constant is an **assumption** (see `docs/replication-model.md`, which the simulator follows too).
 * A real HCP system may correct any of them; change them here and nowhere else. This module holds data
 * only: no imports with run-time effect, so the pure planner can use it.
 */
import type { LinkAction, LinkPriority, LinkType } from "./types";

// ---------------------------------------------------------------------------------------------------
// Wire details
// ---------------------------------------------------------------------------------------------------

/** The MD5 of the password in the `HCP` auth header is sent as lowercase hex (HCP accepts either case). */
export const AUTH_MD5_HEX_LOWERCASE = true;

/** HEAD of a missing resource: the documentation says 302, clients see 404. Both mean "absent". */
export const HEAD_ABSENT_STATUSES: readonly number[] = [302, 404];

/** Id of the system's own replication server certificate in `certificates`. */
export const SERVER_CERTIFICATE_ID = "server";

/**
 * Content-Type of `PUT certificates`, with the certificate text as the body: as the documented upload
 * example sends it (hcp-workflows.md 5, "certificates": the request headers show `application/xml`).
 */
export const CERTIFICATE_UPLOAD_CONTENT_TYPE = "application/xml";

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

/**
 * A system that answers completes a new connection's TCP connect and TLS handshake on its MAPI port within
 * this many milliseconds: one lost SYN (resent after 1 s) plus a handshake over a WAN path of up to about
 * 150 ms round trip. One that does not is treated as not answering (and re-probed later); the default of
 * `HcpSystem.connectTimeoutSeconds`, which a slower path raises. Treating a slow live primary as down
 * costs the planned switchover (failOver goes out at once, as the documented workflow sends it), never an
 * action the workflow does not have.
 */
export const LIVE_SYSTEM_CONNECT_MS = 1500;

/** A single object in JSON has no root (`{"name":"l1",…}`); `{"link":{…}}` is accepted too. */
export const JSON_SINGLE_OBJECT_HAS_ROOT = false;

/** Values the documentation gives as defaults, applied when a read omits the field. */
export const LINK_READ_DEFAULTS: { compression: boolean; encryption: boolean; priority: LinkPriority } = {
  compression: false,
  encryption: false,
  priority: "OLDEST_FIRST",
};

/**
 * MAPI dates (certificate `validOn` / `expiresOn`, `upToDateAsOfString`) come in the documented form
 * `yyyy-MM-ddThh:mm:ss±hhmm`; ISO 8601 with `Z` or `±hh:mm` and fractions of a second are read too. A date
 * without any zone is read as UTC (assumed). See `provider/mapi/dates.ts`.
 */
export const MAPI_DATE_WITHOUT_ZONE_IS_UTC = true;

/** Invalid actions (wrong side, wrong type, wrong phase) are refused with this status and X-HCP-ErrorMessage. */
export const INVALID_ACTION_STATUS = 400;

// ---------------------------------------------------------------------------------------------------
// HCP's delays and quirks (hcp-workflows.md sections 3b, 3c, 5)
// ---------------------------------------------------------------------------------------------------

/**
 * The query parameters that may name each action, tried in this order. Documented: the 7.x reference and
 * hcpsdk write `beginRecovery`, the 9.x reference prints `beginRecover`; which one a 9.x system accepts is
 * not documented, and HCP ignores query parameters it does not know (200, nothing happens). So the first
 * is sent, and the second only once the first was accepted without effect (assumed order).
 */
export const ACTION_SPELLINGS: Readonly<Record<LinkAction, readonly string[]>> = {
  suspend: ["suspend"],
  resume: ["resume"],
  failOver: ["failOver"],
  failBack: ["failBack"],
  beginRecovery: ["beginRecovery", "beginRecover"],
  completeRecovery: ["completeRecovery"],
  restore: ["restore"],
};

/**
 * An accepted action shows its effect (the link's phase moves as the workflow says) within this many
 * seconds, or it had none (assumed: HCP applies link actions at once; the simulator does).
 */
export const ACTION_EFFECT_SECONDS = 60;

/**
 * Documented: after new trusted replication certificates are uploaded, Begin Recovery can stay unavailable
 * for more than ten minutes. The refusal's status and wording are not documented: this reading takes a 400
 * whose X-HCP-ErrorMessage says the action is "not available yet" (or "not yet available") for it. Only
 * such a refusal of these actions is retried, within waitTimeoutSeconds; every other refusal stops at once.
 */
export const NOT_YET_AVAILABLE_REFUSALS: Readonly<Partial<Record<LinkAction | "resumeTenant", { status: number; message: RegExp; why: string }>>> = {
  beginRecovery: {
    status: 400,
    message: /\bnot (available yet|yet available)\b/i,
    why: "HCP documents that Begin Recovery can take more than ten minutes to become available after new trusted replication certificates are uploaded",
  },
  /**
   * Documented: a tenant HCP paused by itself (AUTO_PAUSED) can be resumed only once its cause is fixed
   * (hcp-workflows.md 3c). The refusal's status and wording are not documented: read here as a 400 whose
   * X-HCP-ErrorMessage says HCP paused the tenant automatically.
   */
  resumeTenant: {
    status: 400,
    message: /\bpaused (it |the tenant )?automatically\b/i,
    why: "HCP documents that a tenant it paused by itself (AUTO_PAUSED) can be resumed only once the cause is fixed",
  },
};

/** The query parameters that may name an action, in the order they are tried (the action's own name for the rest). */
export function actionSpellings(action: string): readonly string[] {
  return (ACTION_SPELLINGS as Readonly<Partial<Record<string, readonly string[]>>>)[action] ?? [action];
}

/**
 * Documented causes of a tenant's AUTO_PAUSED status. MAPI's tenant status carries no cause, so the provider
 * names these and points at the system log, which records it (assumed).
 */
export const AUTO_PAUSE_CAUSES: readonly string[] = [
  "during data recovery, the primary cannot reach Active Directory and the tenant uses AD authentication (or a namespace uses AD single sign-on)",
  "tenant conflicts on an erasure-coded topology",
  "multipart objects on a cross-release 9.x-8.x link",
  "the same tenants, namespaces or accounts created on both systems of an active/active link",
];

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
  /** An UNHEALTHY state the documentation lists without its meaning (see UNRECOGNIZED_LINK_READING). */
  unrecognized: "Unrecognized link",
} as const;

/**
 * "Unrecognized link": the 9.x documentation groups it with High error rate, Stalled link and Broken link
 * as UNHEALTHY, without a meaning. Read here as: the system does not recognise its peer's record of the
 * link (a link of that name recreated, or changed, on one system only), so no step of the workflow can tell
 * the phase from it (assumed).
 */
export const UNRECOGNIZED_LINK_READING =
  "the system does not recognise the other system's record of this link (for example, the link was deleted and " +
  "created again, or changed, on one system only); HCP lists it among the unhealthy states without saying more";

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
 * Messages of a system whose link does not reach its peer, so a failover cannot be told to it: "Stalled link"
 * (it cannot reach the peer), and, assumed, "Broken link" (the peer lacks the link or they do not trust each
 * other) and "Unrecognized link" (see UNRECOGNIZED_LINK_READING): the documentation says none of them
 * replicates, so none carries a failover across.
 */
export const OUT_OF_CONTACT_MESSAGES: readonly string[] = [STATUS_MESSAGES.stalled, STATUS_MESSAGES.broken, STATUS_MESSAGES.unrecognized];

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

// ---------------------------------------------------------------------------------------------------
// Link model (active/active)
// ---------------------------------------------------------------------------------------------------

/** An active/active link: `PUT links` with this type on the system it is created on; both sides list it so. */
export const ACTIVE_ACTIVE_LINK_TYPE: LinkType = "ACTIVE_ACTIVE";

/**
 * The failover settings an active/active link has on each side (documented: its GET returns only these in
 * `local` and `remote`). `autoCompleteRecovery*` belong to active/passive links and are refused on one.
 */
export const ACTIVE_ACTIVE_FAILOVER_FIELDS: readonly string[] = ["autoFailover", "autoFailoverMinutes"];

/**
 * Which system takes an active/active link's configuration changes (the workflow's step 4 runs "on the
 * survivor"). While failed over: the survivor, i.e. the only system that answers with the link. Both sides
 * show "Failed over" whichever system the link failed over to, so with both answering MAPI cannot tell the
 * survivor; then, as while replicating, the changes go to the system the link was created on (the
 * ReplicationLink's `primary`), reading that HCP copies an active/active link's configuration to the other
 * side as it does for active/passive links. The replica takes them only when the primary cannot.
 */
export const ACTIVE_ACTIVE_CONFIG_SIDE_UNTOLD_SURVIVOR: "primary" | "replica" = "primary";

/**
 * Converting an active/passive link to active/active (`POST links/<l>` with `type: ACTIVE_ACTIVE`, sent to
 * the primary) suspends the link until someone resumes it (documented). The ReplicationLink resumes it on
 * each side the conversion suspended (assumed: on both, as the simulator does), never a side a person had
 * suspended before. Only while the link replicates; the reverse is impossible (documented).
 */
export const CONVERSION_SUSPENDS_LINK = true;

/**
 * The same object key written on both systems of an active/active link while it was failed over: once
 * failBack restarts replication both ways, the version written last replaces the other on both systems.
 * HCP's collision handling is not in the sources used here; the simulator plays this reading
 * (COLLISION_NEWEST_WRITE_WINS), and the plan warns of it before failBack.
 */
export const COLLISION_READING =
  "the version written last replaces the other on both systems (this provider's reading: HCP's handling of such collisions is not documented in its sources).";

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
  [STATUS_MESSAGES.unrecognized]: "BAD",
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

/**
 * Which side of the schedule the provider sets for data recovery (recoveryPerformanceLevel), on the replica
 * that runs it: the documentation allows only `remote` on an inbound link (hcp-workflows.md 5, "schedule"),
 * and does not say which schedule governs the data recovery sends; read here as that one, the link's
 * (the primary's) schedule, in both directions (assumed; the simulator plays it).
 */
export const RECOVERY_SCHEDULE_SIDE = "remote";

/** The first release with the replication Management API (hcp-workflows.md 5: "7.0 introduced … MAPI replication"). */
export const REPLICATION_MAPI_FROM_RELEASE = 7;

/** False when the version is known and older than REPLICATION_MAPI_FROM_RELEASE. */
export function hasReplicationMapi(softwareVersion: string | undefined): boolean {
  const release = releaseOf(softwareVersion);
  return release === undefined || Number(release) >= REPLICATION_MAPI_FROM_RELEASE;
}

/** The document each edition's workflow tables are printed in. */
export const DOCUMENT_TITLE: Readonly<Record<"9.x" | "7.x", string>> = {
  "9.x": "HCP System Management Help 9.x",
  "7.x": "HCP System Management Help 7.x",
};

/** Completion: both event logs record this message once recovery finished. */
export const RECOVERY_COMPLETED_LOG_MESSAGE = "Replication data recovery completed";

// ---------------------------------------------------------------------------------------------------
// Whole sites (several links)
// ---------------------------------------------------------------------------------------------------

/**
 * The documentation says failback order matters for failed-over active/passive links in many-to-one
 * topologies but prints no order for them. Taking back one such link into a shared replica at a time,
 * in the order the site declares them, is the reading: one recovery at a time loads the shared system.
 */
export const SERIALIZE_RECOVERIES_INTO_ONE_REPLICA = true;
