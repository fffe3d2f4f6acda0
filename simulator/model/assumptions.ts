/**
 * Every behaviour of the simulator that Hitachi's documentation does not state, in one place.
 *
 * Sources: the lines marked "(assumed)" in `hcp-mapi-replication.md`, and `docs/replication-model.md`
 * (the readings the MAPI client and this simulator share). When a real HCP system shows otherwise,
 * correct it here; the rest of the simulator reads these tables and does not repeat them.
 */

// ---------------------------------------------------------------------------------------------
// Link phases, status messages and tenant access (docs/replication-model.md, "Link phases")
// ---------------------------------------------------------------------------------------------

/** The phase of a link as one side knows it. "pending" is not a phase: see {@link PendingRole}. */
export type Phase = "replicating" | "failedOver" | "recovering" | "completing";

/**
 * A cross-release link request in flight. The side that sent it (creator, or the system that ran
 * `restore`) is the requester; the side that must accept it in its console is the responder.
 */
export type PendingRole = "requester" | "responder";

/** Which end of a link a system is. Active/active links have two "peer" ends. */
export type Role = "primary" | "replica" | "peer";

/** Access mode of a tenant (or directory) on one system. */
export type Access = "read-write" | "read-only";

/** The documented `statusMessage` values this simulator produces. */
export type StatusMessage =
  | "Synchronizing data"
  | "Sending data"
  | "Receiving data"
  | "Recovering data"
  | "Completing recovery"
  | "Suspended by user"
  | "Pending remote reply"
  | "Pending"
  | "Failed over"
  | "Stalled link"
  | "Broken link";

/** `status` derived from `statusMessage` (assumed in the reference; fixed in the model page). */
export function statusFor(message: StatusMessage): "GOOD" | "WARNING" | "BAD" {
  switch (message) {
    case "Synchronizing data":
    case "Sending data":
    case "Receiving data":
      return "GOOD";
    case "Stalled link":
    case "Broken link":
      return "BAD";
    default:
      return "WARNING";
  }
}

/** statusMessage of an active/passive link per phase and side, when the two systems can talk. */
export const STATUS_MESSAGE_BY_PHASE: Readonly<Record<Phase, { primary: StatusMessage; replica: StatusMessage }>> = {
  replicating: { primary: "Sending data", replica: "Receiving data" },
  failedOver: { primary: "Failed over", replica: "Failed over" },
  recovering: { primary: "Receiving data", replica: "Recovering data" },
  completing: { primary: "Receiving data", replica: "Completing recovery" },
};

/** statusMessage while a cross-release link request waits for the responder's console. */
export const PENDING_MESSAGE: Readonly<Record<PendingRole, StatusMessage>> = {
  requester: "Pending remote reply",
  responder: "Pending",
};

/**
 * Phases in which data moves. In these, a side that cannot reach its peer (peer down, network cut,
 * peer's replication service shut down) shows "Stalled link", and a reachable peer that lacks the
 * link or does not trust our certificate shows "Broken link". In "failedOver" both sides keep
 * "Failed over" (brokenness is then seen on the primary as an absent link).
 */
export const FLOWING_PHASES: readonly Phase[] = ["replicating", "recovering", "completing"];

/**
 * Tenant access of an active/passive link per phase and side (the table in the model page). A
 * pending cross-release request keeps the access of the phase underneath it: a restore request
 * (phase failedOver) leaves the primary read-only and the replica read-write; a create request
 * (phase replicating) leaves the primary read-write and the replica read-only.
 */
export const TENANT_ACCESS: Readonly<Record<Phase, { primary: Access; replica: Access }>> = {
  replicating: { primary: "read-write", replica: "read-only" },
  failedOver: { primary: "read-only", replica: "read-write" },
  recovering: { primary: "read-only", replica: "read-write" },
  completing: { primary: "read-only", replica: "read-only" },
};

/**
 * A primary that learns of a failover only after it reconnects (it was down or cut off when the
 * replica failed over) keeps its tenants read-write until `beginRecovery` (split brain).
 */
export const SPLIT_BRAIN_PRIMARY_ACCESS: Access = "read-write";

/** Tenants on both ends of an active/active link are always read-write. */
export const ACTIVE_ACTIVE_ACCESS: Access = "read-write";

/**
 * While a system's replication service is shut down (`shutDownAllLinks`), its links show
 * `suspended=true` and "Suspended by user"; the peer sees "Stalled link". No data moves.
 */
export const SHUTDOWN_MESSAGE: StatusMessage = "Suspended by user";

// ---------------------------------------------------------------------------------------------
// Action rules (docs/replication-model.md, "Action rules")
// ---------------------------------------------------------------------------------------------

/** The seven link actions, as query parameter names (`POST links/<l>?failOver`). */
export const LINK_ACTIONS = [
  "suspend",
  "resume",
  "failOver",
  "failBack",
  "beginRecovery",
  "completeRecovery",
  "restore",
] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

export type LinkKind = "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";

/** When an action is accepted; anything else is refused with {@link INVALID_ACTION_STATUS}. */
export interface ActionRule {
  /** Which side may receive it: the replica, either side, or the side an active/active link failed over to. */
  readonly side: "replica" | "either" | "failedOverTo";
  /** Phases (as the receiving side knows them) in which it is accepted; omitted = any. */
  readonly phases?: readonly Phase[];
  /** Refused while a cross-release link request is pending. */
  readonly notPending?: boolean;
  /** Accepted only on a suspended link. */
  readonly requiresSuspended?: boolean;
  /** What the peer must look like: reachable, holding the link (or not), trusting both ways. */
  readonly peer?: { readonly reachable: true; readonly hasLink: boolean; readonly trusted: true };
  /** Words for the state the action needs, used in the refusal message. */
  readonly expected: string;
}

/** Per action and link kind; a missing entry means "not applicable to this kind of link". */
export const ACTION_RULES: Readonly<Record<LinkAction, Partial<Record<LinkKind, ActionRule>>>> = {
  failOver: {
    ACTIVE_PASSIVE: {
      side: "replica",
      phases: ["replicating"],
      notPending: true,
      expected: "a replicating link (replica statusMessage Receiving data or Stalled link)",
    },
    ACTIVE_ACTIVE: { side: "either", phases: ["replicating"], notPending: true, expected: "a replicating link" },
  },
  // Failback needs connectivity: the network healthy, certificates shared both ways, and a rebuilt
  // system's link restored first (documented, "Failover and failback").
  failBack: {
    ACTIVE_ACTIVE: {
      side: "failedOverTo",
      phases: ["failedOver"],
      peer: { reachable: true, hasLink: true, trusted: true },
      expected: "a link failed over to this system, the other system reachable and holding the link, certificates trusted both ways",
    },
  },
  restore: {
    ACTIVE_PASSIVE: {
      side: "either",
      notPending: true,
      peer: { reachable: true, hasLink: false, trusted: true },
      expected: "a broken link (the other system reachable but without the link) and certificates trusted both ways",
    },
    ACTIVE_ACTIVE: {
      side: "either",
      notPending: true,
      peer: { reachable: true, hasLink: false, trusted: true },
      expected: "a broken link (the other system reachable but without the link) and certificates trusted both ways",
    },
  },
  beginRecovery: {
    ACTIVE_PASSIVE: {
      side: "replica",
      phases: ["failedOver"],
      notPending: true,
      peer: { reachable: true, hasLink: true, trusted: true },
      expected: "a failed-over link present on both systems, the primary reachable, certificates trusted both ways",
    },
  },
  completeRecovery: {
    ACTIVE_PASSIVE: { side: "replica", phases: ["recovering"], expected: "data recovery in progress (after beginRecovery)" },
  },
  suspend: {
    ACTIVE_PASSIVE: { side: "either", expected: "any link" },
    ACTIVE_ACTIVE: { side: "either", expected: "any link" },
  },
  resume: {
    ACTIVE_PASSIVE: { side: "either", requiresSuspended: true, expected: "a suspended link" },
    ACTIVE_ACTIVE: { side: "either", requiresSuspended: true, expected: "a suspended link" },
  },
};

/** Status of a refused action (assumed). */
export const INVALID_ACTION_STATUS = 400;

/**
 * Creating a link (`PUT links`) needs the remote system reachable and certificates trusted both
 * ways; otherwise 400. Between systems of different major releases it creates a pending request.
 */
export const CREATE_REQUIRES_REACHABLE_TRUSTED_PEER = true;

// Link settings, content and schedule changed on one side are copied to the other side's record
// when it exists (local/remote swapped), whether or not the systems can talk at that moment
// (model/topology.ts).

/** `restore` makes the next data transfer re-send everything ("forces recovery to re-send all data"). */
export const RESTORE_RESENDS_ALL_DATA = true;

// Automatic actions (model/replication.ts): the replica's own record decides, using
// `failoverSettings.local` as the replica sees it (the primary's `remote`). autoFailover: the replica
// fails over after it has not reached the primary for autoFailoverMinutes. autoCompleteRecovery: the
// replica completes recovery once the data is up to date to within autoCompleteRecoveryMinutes.
// On an active/active link each side's own `local` settings decide whether it fails over to itself
// (automatic failover is set separately for each side, documented); there is no automatic failback.

// ---------------------------------------------------------------------------------------------
// Active/active links (docs/replication-model.md, "Active/active links")
// ---------------------------------------------------------------------------------------------

/**
 * The failover settings an active/active link has, per side (documented: an A/A GET returns only
 * these in `local` and `remote`). The recovery fields are active/passive only: a create or modify
 * body that sets them on an active/active link is refused with 400 naming the field (assumed status).
 */
export const ACTIVE_ACTIVE_FAILOVER_FIELDS = ["autoFailover", "autoFailoverMinutes"] as const;

/**
 * Type changes a modify (`POST links/<l>` with `type`) accepts: an active/passive link (either side,
 * OUTBOUND or INBOUND) becomes active/active (documented). Active/active to active/passive and reversing
 * the direction are refused (documented as impossible; 400 assumed).
 */
export const TYPE_CONVERSIONS: Readonly<Partial<Record<LinkKind, readonly LinkKind[]>>> = { ACTIVE_PASSIVE: ["ACTIVE_ACTIVE"] };

/**
 * Converting to active/active suspends the link until someone resumes it (documented); the simulator
 * suspends it on both systems ("Suspended by user" on both; which sides show it is not documented). The
 * conversion is accepted only while the link replicates and both records exist (assumed: a failed-over
 * or broken link has no single direction to convert).
 */
export const CONVERSION_SUSPENDS_BOTH_SIDES = true;

/**
 * The same object key written on both systems of an active/active link while nothing replicated
 * (failed over, suspended, cut off): once replication runs again, the version written last (simulated
 * write time; equal times broken by the version id) replaces the other on both systems, and the
 * system whose version was replaced logs it. HCP's own collision handling is not documented here.
 */
export const COLLISION_NEWEST_WRITE_WINS = true;

// ---------------------------------------------------------------------------------------------
// Releases
// ---------------------------------------------------------------------------------------------

/** Major version of an `X-HCP-SoftwareVersion` string ("9.2.27" -> 9). */
export function majorVersion(version: string): number {
  const major = Number.parseInt(version.split(".")[0] ?? "", 10);
  return Number.isFinite(major) ? major : 0;
}

/** Links between systems of different major versions are cross-release. */
export function isCrossRelease(versionA: string, versionB: string): boolean {
  return majorVersion(versionA) !== majorVersion(versionB);
}

// ---------------------------------------------------------------------------------------------
// Wire details (docs/replication-model.md, "Wire details")
// ---------------------------------------------------------------------------------------------

/** Dates outside MAPI (the control API's events, the data plane's listings): ISO 8601 in UTC. */
export function formatTimestamp(millis: number): string {
  return new Date(millis).toISOString();
}

/**
 * Dates in MAPI bodies (certificate `validOn` / `expiresOn`, `upToDateAsOfString`), in the documented
 * form `yyyy-MM-ddThh:mm:ss±hhmm`. The documentation does not say which zone a system uses; the
 * simulator writes UTC (`+0000`).
 */
export function formatMapiDate(millis: number): string {
  return `${new Date(Math.floor(millis / 1000) * 1000).toISOString().slice(0, 19)}+0000`;
}

/** The list of certificates includes this system's own server certificate under this id. */
export const SERVER_CERTIFICATE_ID = "server";
export const CERTIFICATE_LIST_INCLUDES_SERVER = true;

/** Trusted certificate ids are opaque; the simulator uses the first 16 hex digits of the SHA-256 fingerprint. */
export function trustedCertificateId(fingerprintSha256Hex: string): string {
  return fingerprintSha256Hex.slice(0, 16).toLowerCase();
}

/**
 * Media types accepted for `PUT certificates`; the body is the certificate text either way. Documented
 * (hcp-workflows.md 5, "certificates"): the upload example's request carries `Content-Type: application/xml`.
 * Also accepting the PEM media types is this simulator's reading (assumed).
 */
export const CERTIFICATE_UPLOAD_MEDIA_TYPES: readonly string[] = ["application/xml", "application/x-pem-file", "text/plain"];

/** Media type of `GET certificates/server` and `GET certificates/<id>`. */
export const CERTIFICATE_MEDIA_TYPE = "application/x-pem-file";

/** Uploading a certificate that is already trusted: 409. */
export const DUPLICATE_CERTIFICATE_STATUS = 409;

/** HEAD of a missing resource: the docs say 302, clients see 404; the simulator answers 404. */
export const HEAD_MISSING_STATUS = 404;

/** A request body that sets a read-only property (`id`, `status`, `statistics`...): 403. */
export const READ_ONLY_PROPERTY_STATUS = 403;

/** A request body with a property the resource does not have: 400. */
export const UNKNOWN_PROPERTY_STATUS = 400;

/** The MD5 of the HCP auth scheme is accepted in either hex case. */
export const MD5_HEX_CASE_INSENSITIVE = true;

/** Usernames (local and AD `user@domain`) compare case-insensitively; passwords exactly. */
export const USERNAMES_CASE_INSENSITIVE = true;

/**
 * Downloading a system's own replication server certificate needs the administrator role (documented);
 * a monitor-only account gets 403, like any request above its account level.
 */
export const ADMINISTRATOR_ONLY_READS: readonly string[] = ["/mapi/services/replication/certificates/server"];

/**
 * `objectsVerified` and `objectsReplicatedAfterVerification` (Replication Verification) appear in 9.x
 * verbose link statistics and not in the 7.x-era samples: the simulator shows them from this major
 * release on. It counts as verified every object known to be on both systems while the service's
 * `verification` is ON or ONCE (assumed); nothing needs re-replicating after it (always 0).
 */
export const VERIFICATION_STATISTICS_FROM_MAJOR = 9;

/** XML root of `GET links/<l>/content/tenants/<t>` (tenant replication status). */
export const TENANT_STATUS_ROOT = "tenantReplicationStatus";

/** XML roots of the candidate lists; their shape is that of `content` without chainedLinks. */
export const CANDIDATES_ROOT = { local: "localCandidates", remote: "remoteCandidates" } as const;

/** XML root and defaults of `links/<l>/schedule`: one schedule per side, no transitions. */
export const SCHEDULE_ROOT = "schedule";
export const SCHEDULE_OVERRIDES: readonly string[] = ["NONE", "LOW", "MEDIUM", "HIGH", "CUSTOM"];

/**
 * How a link's performance level scales the configured replication rate (`replicationRate`), for the side
 * that sends: documented are the levels (hcp-workflows.md 5, "schedule"), not their speeds. Read here as:
 * no override is MEDIUM, the configured rate; LOW half of it; HIGH twice it; CUSTOM as MEDIUM (assumed).
 * Which schedule governs: on an active/passive link, the primary's (its `local`, the replica's `remote`),
 * in both directions, data recovery included, since only those sides may be set (assumed); on an
 * active/active link each side's own `local`.
 */
export const PERFORMANCE_LEVEL_RATE_FACTOR: Readonly<Record<string, number>> = { NONE: 1, LOW: 0.5, MEDIUM: 1, HIGH: 2, CUSTOM: 1 };

/**
 * Deleting a link that is not suspended: documented as impossible ("A link can be deleted only while
 * suspended", hcp-workflows.md 3c); the answer is read here as 400 with this reason (assumed).
 */
export const DELETE_UNSUSPENDED_LINK_STATUS = 400;

/**
 * The first release with the replication MAPI (hcp-workflows.md 5: "7.0 introduced ... MAPI replication
 * (hcpsdk requires >= 7.0)"). An older system answers `/mapi/services/replication…` as a resource it does
 * not have: 404 with this X-HCP-ErrorMessage (assumed), still naming its X-HCP-SoftwareVersion.
 */
export const REPLICATION_MAPI_FROM_MAJOR = 7;
export const NO_REPLICATION_MAPI_MESSAGE = "The replication resources of the management API are not available on this release";

/**
 * The node IP addresses of each system's replication network, which `connection.remoteHost` may list
 * comma-separated instead of a domain name (documented, hcp-workflows.md 5 "connection"): the simulator
 * gives the n-th configured system the nodes 10.0.n.1 and 10.0.n.2 (assumed).
 */
export function replicationNodeIps(index: number): string[] {
  return [`10.0.${index + 1}.1`, `10.0.${index + 1}.2`];
}

/** Verbose link statistics fields a system may be set to leave out (a system that omits them, quirks.omitStatistics). */
export const OMITTABLE_STATISTICS: readonly string[] = [
  "upToDateAsOfString",
  "upToDateAsOfMillis",
  "bytesPending",
  "objectsPending",
  "bytesPendingRemote",
  "objectsPendingRemote",
  "bytesPerSecond",
  "operationsPerSecond",
];
export const SCHEDULE_PERFORMANCE_LEVELS: readonly string[] = ["LOW", "MEDIUM", "HIGH", "CUSTOM"];
/** Transition time: day and hour, `Sun:00` .. `Sat:23`. */
export const SCHEDULE_TIME_PATTERN = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat):([01]\d|2[0-3])$/;

/** Defaults of `replicationService` on a new or rebuilt system. */
export const SERVICE_DEFAULTS = {
  allowTenantsToMonitorNamespaces: false,
  enableDNSFailover: false,
  network: "[hcp_system]",
  connectivityTimeoutSeconds: 120,
  verification: "OFF",
} as const;
export const SERVICE_VERIFICATION_VALUES: readonly string[] = ["ON", "ONCE", "OFF"];
export const CONNECTIVITY_TIMEOUT_RANGE = { min: 10, max: 600 } as const;

/** Link defaults (documented) and ranges (documented). */
export const LINK_DEFAULTS = {
  port: 5748,
  compression: false,
  encryption: false,
  priority: "OLDEST_FIRST",
  autoFailover: false,
  autoFailoverMinutes: 120,
  autoCompleteRecovery: false,
  autoCompleteRecoveryMinutes: 120,
} as const;
export const AUTO_FAILOVER_MINUTES_RANGE = { min: 7, max: 9999 } as const;
export const AUTO_COMPLETE_RECOVERY_MINUTES_RANGE = { min: 1, max: 9999 } as const;
export const LINK_NAME_MAX_LENGTH = 64;

// ---------------------------------------------------------------------------------------------
// System log
// ---------------------------------------------------------------------------------------------

/** Logged on both systems when data recovery finishes (documented text). */
export const RECOVERY_COMPLETED_MESSAGE = "Replication data recovery completed";

// ---------------------------------------------------------------------------------------------
// HCP's delays and quirks (hcp-workflows.md sections 3b, 3c, 5), each switchable per system
// ---------------------------------------------------------------------------------------------

/**
 * Documented: after new trusted replication certificates are uploaded, Begin Recovery "may take more
 * than ten minutes to become active". The simulator refuses beginRecovery for a configured simulated
 * time after the latest `PUT certificates` on either system of the link (which system's upload counts
 * is not documented: both are needed for recovery, so both count). Status and wording are not
 * documented; the provider recognises this wording (provider/mapi/assumptions.ts).
 */
export const BEGIN_RECOVERY_UNAVAILABLE_STATUS = 400;
export function beginRecoveryUnavailableMessage(link: string, system: string, uploadedSecondsAgo: number, availableInSeconds: number): string {
  return (
    `Begin recovery is not available yet for link '${link}' on ${system}: new trusted replication certificates were ` +
    `uploaded ${uploadedSecondsAgo} s ago; it becomes available in about ${availableInSeconds} s`
  );
}

/**
 * The 7.x reference and hcpsdk spell the action `beginRecovery`; the 9.x reference prints
 * `beginRecover`. Which one a 9.x system accepts is not documented, so each system can be told which
 * it honours: one of them, or both. Default: `beginRecovery` only.
 */
export const BEGIN_RECOVERY_SPELLINGS = ["beginRecovery", "beginRecover"] as const;
export type BeginRecoverySpelling = (typeof BEGIN_RECOVERY_SPELLINGS)[number] | "both";
export const DEFAULT_BEGIN_RECOVERY_SPELLING: BeginRecoverySpelling = "beginRecovery";

/**
 * Documented: "an unknown query parameter is ignored". A system in mode `ignore` answers an action
 * POST whose parameter it does not know with 200 and does nothing; mode `reject` (the default, which
 * catches typos in tests) answers 400 "Unknown action".
 */
export type UnknownActionParameters = "reject" | "ignore";
export const DEFAULT_UNKNOWN_ACTION_PARAMETERS: UnknownActionParameters = "reject";

/**
 * Documented: HCP can pause a tenant's replication or recovery by itself (status AUTO_PAUSED), e.g.
 * when the primary cannot reach Active Directory during recovery; it can be resumed only once the
 * cause is fixed. The simulator marks the tenant on both systems' records of the link (assumed), keeps
 * its objects pending, refuses `?resume` with 400 until the cause is fixed, and writes the cause to
 * both event logs (the tenant status has no cause field). The link's own statusMessage does not change
 * (assumed).
 */
export const DEFAULT_AUTO_PAUSE_CAUSE = "the primary system cannot reach Active Directory, which the tenant uses for authentication";
