/** Observations of both systems for planner and executor tests, per the model table. */
import type { LinkStatistics, LinkView } from "../../provider/mapi/types";
import type { Observation, PlanOptions, SideObservation } from "../../provider/model/types";

export const OPTS: PlanOptions = {
  dnsFailover: false,
  completeRecoveryWhenBehindSeconds: 120,
  linkName: "link-ab",
  primaryName: "hcp-a",
  replicaName: "hcp-b",
};

export const NOW = Date.parse("2025-06-01T12:00:00Z");

export function link(type: LinkView["type"], statusMessage: string, extra: Partial<LinkView> = {}): LinkView {
  return {
    name: "link-ab",
    type,
    connection: { remoteHost: type === "INBOUND" ? "hcp-a.repl" : "hcp-b.repl" },
    compression: false,
    encryption: false,
    priority: "OLDEST_FIRST",
    failoverSettings: {},
    id: "0f8c7a3e-1111-2222-3333-444455556666",
    status: "GOOD",
    statusMessage,
    suspended: false,
    ...extra,
  };
}

/** A side: a statusMessage (link present), null (no link), or "down" (unreachable). */
export type SideSpec = string | null | "down" | LinkView;

export function side(spec: SideSpec, type: LinkView["type"], version = "9.2.27", stats?: LinkStatistics): SideObservation {
  if (spec === "down") return { reachable: false, error: "Cannot reach https://x:9090/mapi/services/replication/links/link-ab?verbose=true (GET): connect ECONNREFUSED 10.0.0.1:9090" };
  if (spec === null) return { reachable: true, softwareVersion: version, link: null };
  if (typeof spec === "object") return { reachable: true, softwareVersion: version, link: spec };
  // A primary reports its pending counts (here: nothing pending), as every system does unless a test says otherwise.
  const statistics = stats ?? (type === "OUTBOUND" ? { objectsPending: 0, bytesPending: 0 } : undefined);
  return { reachable: true, softwareVersion: version, link: link(type, spec, statistics ? { statistics } : {}) };
}

export interface ObsSpec {
  primary: SideSpec;
  replica: SideSpec;
  primaryVersion?: string;
  replicaVersion?: string;
  /** Replica link statistics. */
  stats?: LinkStatistics;
  trust?: Observation["trust"];
  now?: number;
}

export function obs(spec: ObsSpec): Observation {
  return {
    primary: side(spec.primary, "OUTBOUND", spec.primaryVersion),
    replica: side(spec.replica, "INBOUND", spec.replicaVersion, spec.stats),
    trust: spec.trust ?? {
      primaryTrustsReplica: spec.primary === "down" ? "unknown" : true,
      replicaTrustsPrimary: spec.replica === "down" ? "unknown" : true,
    },
    now: spec.now ?? NOW,
  };
}

/** 600 s behind, 1,234 objects pending. */
export const BEHIND: LinkStatistics = {
  upToDateAsOfMillis: NOW - 600_000,
  upToDateAsOfString: new Date(NOW - 600_000).toISOString(),
  objectsPending: 1234,
  bytesPending: 5_600_000,
};

/** 30 s behind: within the 120 s threshold. */
export const CLOSE: LinkStatistics = { upToDateAsOfMillis: NOW - 30_000, objectsPending: 3, bytesPending: 4096 };

/** Both systems per phase, when they can talk (the model table). */
export const PHASE_SIDES: Record<string, { primary: SideSpec; replica: SideSpec; primaryDownReplica?: string }> = {
  replicating: { primary: "Sending data", replica: "Receiving data", primaryDownReplica: "Stalled link" },
  failedOver: { primary: "Failed over", replica: "Failed over" },
  pendingAcceptance: { primary: "Pending", replica: "Pending remote reply" },
  recovering: { primary: "Receiving data", replica: "Recovering data" },
  completing: { primary: "Receiving data", replica: "Completing recovery" },
  suspended: {
    primary: link("OUTBOUND", "Suspended by user", { suspended: true }),
    replica: link("INBOUND", "Suspended by user", { suspended: true }),
  },
  /** The replica lacks the link, the primary has it (replica rebuilt). */
  absent: { primary: "Broken link", replica: null },
  /** Neither system has the link (a new stack before ReplicationLink created it). */
  absentBoth: { primary: null, replica: null },
  unknown: { primary: "Sending data", replica: "Weird status" },
  /** Replica failure: the link suspended on the primary (step 1); the replica shows what it last had. */
  primarySuspended: {
    primary: link("OUTBOUND", "Suspended by user", { suspended: true }),
    replica: "Receiving data",
    primaryDownReplica: "Stalled link",
  },
  /** Replica failure: suspended on the primary, and the replica came back rebuilt (no link). */
  rebuiltSuspended: { primary: link("OUTBOUND", "Suspended by user", { suspended: true }), replica: null },
  /** Replica failure: the primary restored the link onto a replica of another release, which must accept it. */
  pendingOnReplica: { primary: "Pending remote reply", replica: "Pending" },
};

export type Reach = "both" | "primaryDown" | "replicaDown" | "bothDown";

export function phaseObs(fixture: string, reach: Reach, extra: Partial<ObsSpec> = {}): Observation {
  const f = PHASE_SIDES[fixture];
  const replicaWhenPrimaryDown = f.primaryDownReplica ?? f.replica;
  const primary = reach === "primaryDown" || reach === "bothDown" ? "down" : f.primary;
  const replica =
    reach === "replicaDown" || reach === "bothDown" ? "down" : reach === "primaryDown" ? replicaWhenPrimaryDown : f.replica;
  return obs({ primary, replica, stats: fixture === "recovering" ? BEHIND : undefined, ...extra });
}
