/**
 * Every situation the planner can meet, as a finite product: the declared state and failOverTo, what each
 * system reports (each status message of the link's kind, no link, no answer, a shut-down service, a release
 * without the replication MAPI), the link type and the edition, the resource's memory, and the data-loss
 * options. The invariant test (invariants.test.ts) plans each one and checks the safety rules.
 */
import type { LinkStatistics, LinkView } from "../../provider/mapi/types";
import { STATUS_MESSAGES as M } from "../../provider/mapi/assumptions";
import type {
  DeclaredState,
  LinkMemory,
  Observation,
  PlanOptions,
  Side,
  SideObservation,
} from "../../provider/model/types";
import { link, NOW, OPTS } from "./fixtures";

export const DECLARED: readonly DeclaredState[] = [
  "replicating",
  "failedOver",
  "recovering",
  "suspended",
];

/** What one system reports: a status message of its link, no link, no answer, or no replication MAPI. */
export type SideState = string | "no link" | "down" | "answers unreadably" | "pre-7.0";

const AP_PRIMARY: readonly SideState[] = [
  M.sending,
  M.receiving,
  M.failedOver,
  M.pending,
  M.pendingRemoteReply,
  M.suspendedByUser,
  M.stalled,
  M.broken,
  M.highErrorRate,
  M.unrecognized,
  "no link",
  "down",
  "answers unreadably",
  "pre-7.0",
];
const AP_REPLICA: readonly SideState[] = [
  M.receiving,
  M.failedOver,
  M.pending,
  M.pendingRemoteReply,
  M.recovering,
  M.completing,
  M.suspendedByUser,
  M.stalled,
  M.broken,
  M.highErrorRate,
  "no link",
  "down",
  "answers unreadably",
];
const AA_SIDE: readonly SideState[] = [
  M.synchronizing,
  M.failedOver,
  M.suspendedByUser,
  M.stalled,
  M.broken,
  M.highErrorRate,
  M.unrecognized,
  "no link",
  "down",
];

/** The releases of (primary, replica): one edition, the other, and a cross-release pair. */
export const RELEASES: readonly {
  name: string;
  primary: string;
  replica: string;
}[] = [
  { name: "9.x", primary: "9.2.27", replica: "9.2.27" },
  { name: "7.x", primary: "7.3.1", replica: "7.3.1" },
  { name: "cross", primary: "7.3.1", replica: "9.2.27" },
];

/** Replication statistics on every link read: none, far behind, within the recovery threshold, caught up. */
export const LAGS: Readonly<Record<string, LinkStatistics | undefined>> = {
  "no statistics": undefined,
  behind: {
    upToDateAsOfMillis: NOW - 600_000,
    objectsPending: 1234,
    bytesPending: 5_600_000,
  },
  close: {
    upToDateAsOfMillis: NOW - 30_000,
    objectsPending: 3,
    bytesPending: 4096,
  },
  "caught up": { upToDateAsOfMillis: NOW, objectsPending: 0, bytesPending: 0 },
};

export const MEMORIES: Readonly<Record<string, LinkMemory | undefined>> = {
  none: undefined,
  "was replicating, a lag kept": {
    lastKnownPhase: "replicating",
    lag: {
      objects: 7,
      bytes: 9000,
      seconds: 30,
      readAt: new Date(NOW - 60_000).toISOString(),
    },
  },
  "was failed over": { lastKnownPhase: "failedOver" },
  "split brain": { lastKnownPhase: "failedOver", splitBrain: true },
};

export const DATA_LOSS: Readonly<Record<string, Partial<PlanOptions>>> = {
  "no data-loss option": {},
  "maxDataLossSeconds 0": { maxDataLossSeconds: 0 },
  acceptDataLoss: {
    acceptDataLoss: true,
    acceptDataLossReason: "primary site lost",
  },
};

/**
 * What the content tables and the recovery performance level read, tried with the plainest memory and
 * data-loss options: the tenants declared and read on either system, and a schedule to raise or to put back.
 */
export const EXTRAS: Readonly<
  Record<
    string,
    {
      opts: Partial<PlanOptions>;
      obs: Partial<Observation>;
      memory?: LinkMemory;
    }
  >
> = {
  "no tenants or schedule": { opts: {}, obs: {} },
  "tenants read on the primary": {
    opts: { pausedTenants: ["finance"] },
    obs: {
      tenants: {
        on: "primary",
        statuses: {
          finance: "REPLICATING",
          media: "PAUSED",
          logs: "AUTO_PAUSED",
        },
      },
    },
  },
  "tenants read on the replica": {
    opts: { pausedTenants: ["finance"] },
    obs: {
      tenants: {
        on: "replica",
        statuses: {
          finance: "REPLICATING",
          media: "PAUSED",
          logs: "AUTO_PAUSED",
        },
      },
    },
  },
  "recovery at HIGH": {
    opts: { recoveryPerformanceLevel: "HIGH" },
    obs: { schedule: { on: "replica", override: "NONE" } },
  },
  "HIGH to put back": {
    opts: { recoveryPerformanceLevel: "HIGH" },
    obs: { schedule: { on: "replica", override: "HIGH" } },
    memory: { scheduleFound: "NONE" },
  },
};

/** Which system's replication service is shut down (`shutDownAllLinks`), if any. */
export const SHUT_DOWN: readonly (Side | undefined)[] = [
  undefined,
  "primary",
  "replica",
];

export interface Situation {
  name: string;
  declared: DeclaredState;
  obs: Observation;
  opts: PlanOptions;
  kind: "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";
  /** The statistics on the links, as read. */
  lag: LinkStatistics | undefined;
}

function sideOf(
  state: SideState,
  type: LinkView["type"],
  version: string,
  stats: LinkStatistics | undefined,
  shutDown: boolean,
): SideObservation {
  const service = {
    status: shutDown ? ("SHUTDOWN" as const) : ("ENABLED" as const),
    dnsFailover: false,
  };
  if (state === "down")
    return { reachable: false, error: "connect ECONNREFUSED 10.0.0.1:9090" };
  if (state === "answers unreadably")
    return {
      reachable: false,
      answered: true,
      error: "Malformed response from GET …/links/link-ab?verbose=true: not valid JSON",
    };
  if (state === "pre-7.0")
    return {
      reachable: true,
      softwareVersion: "6.1.2.4",
      link: null,
      replicationMapi: false,
    };
  if (state === "no link")
    return { reachable: true, softwareVersion: version, link: null, service };
  const suspended = state === M.suspendedByUser || shutDown;
  return {
    reachable: true,
    softwareVersion: version,
    service,
    link: link(type, state, {
      suspended,
      ...(stats ? { statistics: stats } : {}),
    }),
  };
}

function* sidePairs(
  kind: Situation["kind"],
): Generator<[SideState, SideState]> {
  const [primaries, replicas] =
    kind === "ACTIVE_PASSIVE" ? [AP_PRIMARY, AP_REPLICA] : [AA_SIDE, AA_SIDE];
  for (const p of primaries) for (const r of replicas) yield [p, r];
}

/**
 * The full product would be about 1.5 million plans. The dimensions that act on one part of a plan are
 * crossed with the plainest value of the others: a shut-down service, the cross-release pair and the
 * tenants or schedule with no memory and no data-loss option; the data-loss options with no memory or the
 * memory that keeps a lag. The phases, the statistics and the declared state are crossed in full.
 */
function tried(d: {
  shut: Side | undefined;
  release: string;
  lagName: string;
  memoryName: string;
  lossName: string;
  extraName: string;
}): boolean {
  const plain =
    d.memoryName === "none" && d.lossName === "no data-loss option";
  if (d.shut !== undefined || d.release === "cross")
    return plain && d.extraName === "no tenants or schedule";
  if (d.extraName !== "no tenants or schedule")
    return (
      plain && (d.lagName === "no statistics" || d.lagName === "caught up")
    );
  return (
    d.lossName === "no data-loss option" ||
    d.memoryName === "none" ||
    d.memoryName === "was replicating, a lag kept"
  );
}

/** Every situation, one at a time. */
export function* situations(): Generator<Situation> {
  for (const kind of ["ACTIVE_PASSIVE", "ACTIVE_ACTIVE"] as const) {
    const [pType, rType]: LinkView["type"][] =
      kind === "ACTIVE_PASSIVE"
        ? ["OUTBOUND", "INBOUND"]
        : ["ACTIVE_ACTIVE", "ACTIVE_ACTIVE"];
    for (const failOverTo of (kind === "ACTIVE_PASSIVE"
      ? ["replica"]
      : ["replica", "primary"]) as Side[])
      for (const [p, r] of sidePairs(kind))
        for (const shut of SHUT_DOWN)
          for (const release of RELEASES)
            for (const [lagName, lag] of Object.entries(LAGS))
              for (const declared of DECLARED)
                for (const [memoryName, kept] of Object.entries(MEMORIES))
                  for (const [lossName, loss] of Object.entries(DATA_LOSS))
                    for (const [extraName, extra] of Object.entries(EXTRAS)) {
                      if (
                        !tried({
                          shut,
                          release: release.name,
                          lagName,
                          memoryName,
                          lossName,
                          extraName,
                        })
                      )
                        continue;
                      const memory = kept ?? extra.memory;
                      const obs: Observation = {
                        primary: sideOf(
                          p,
                          pType,
                          release.primary,
                          lag,
                          shut === "primary",
                        ),
                        replica: sideOf(
                          r,
                          rType,
                          release.replica,
                          lag,
                          shut === "replica",
                        ),
                        trust: {
                          primaryTrustsReplica: true,
                          replicaTrustsPrimary: true,
                        },
                        now: NOW,
                        ...extra.obs,
                      };
                      const opts: PlanOptions = {
                        ...OPTS,
                        failOverTo,
                        ...(memory ? { memory } : {}),
                        ...loss,
                        ...extra.opts,
                      };
                      const name = [
                        `${kind} to ${failOverTo}`,
                        `declared ${declared}`,
                        `primary "${p}"`,
                        `replica "${r}"`,
                        shut ? `${shut} shut down` : "services enabled",
                        `releases ${release.name}`,
                        lagName,
                        `memory ${memoryName}`,
                        lossName,
                        extraName,
                      ].join(", ");
                      yield { name, declared, obs, opts, kind, lag };
                    }
  }
}
