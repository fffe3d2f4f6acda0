/**
 * Reads both systems (GET only) into an {@link Observation} for the planner: the verbose link, the
 * software version, and whether each side trusts the other's current replication server certificate.
 * A side that cannot be read is reported as `reachable: false` with the error text (no secrets).
 */
import { hasReplicationMapi, RECOVERY_SCHEDULE_SIDE, REPLICA_MESSAGES_IN_CONTACT, SERVER_CERTIFICATE_ID } from "../mapi/assumptions";
import type { MapiClient } from "../mapi/client";
import { parseMapiDate } from "../mapi/dates";
import { pemFacts, sameInstant, samePemCertificate } from "../mapi/pem";
import type { CertificateInfo } from "../mapi/types";
import { MapiHttpError, MapiResponseError } from "../mapi/errors";
import type { CertificateDates, Observation, SideObservation, SystemReadiness } from "../model/types";
import { errorText } from "./errorText";
import { createHash } from "node:crypto";
import { certificateFacts, serviceFacts, trustKept, type CertificateFacts, type FactsClient } from "./systemFacts";


/** The read-only part of the MAPI client that observing needs. */
export type ObservingClient = Pick<
  MapiClient,
  "getLink" | "softwareVersion" | "getServerCertificate" | "listCertificates" | "getCertificate"
> &
  Partial<Pick<MapiClient, "serverNow" | "getLinkContent" | "getTenantStatus" | "getService" | "getSchedule" | "endpoint" | "account">>;

export interface ObserveOptions {
  /**
   * Clock for `Observation.now`. Default: the replica's clock (else the primary's) as its last `Date`
   * header shows it, since link statistics are on that clock; `Date.now` when neither reported one.
   */
  now?: () => number;
  /**
   * Read certificate trust (the server certificate and trusted list of each side: 4 or more extra
   * requests). Default true; false, or a function of the links just read that says false, where no step
   * that checks trust can follow (trust is then "unknown"); the planner's `trustToRead` asks the tables.
   */
  readTrust?: boolean | ((links: { primary: SideObservation; replica: SideObservation }) => boolean);
  /**
   * For the polls of a wait: read the replica first, and the primary only when the replica's message does
   * not show on its own that the two are in contact and recovery moves (REPLICA_MESSAGES_IN_CONTACT). The
   * primary is then reported reachable with its link not read.
   */
  replicaFirst?: boolean;
  /**
   * Read the replication status of each tenant of the link (1 + one request per tenant), on the first system
   * that answers with the link: where the tenants are declared (a content workflow pauses and resumes them).
   */
  readTenants?: boolean;
  /** Read what each system that answers reports of its replication service (status, DNS failover); kept per system (systemFacts.ts). */
  readService?: boolean;
  /**
   * Read trust live, not from what this process kept of it (systemFacts.ts): for the steps of an `up`, whose
   * certificate step is the documented check before restore and recovery.
   */
  liveTrust?: boolean;
  /** Read the link's schedule override on the replica (it runs data recovery): where a recovery performance level is declared. */
  readSchedule?: boolean;
}

/** Trust not read. */
const UNKNOWN_TRUST: Observation["trust"] = { primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" };

interface SideRead {
  side: SideObservation;
  serverPem?: string;
  trusted?: CertificateInfo[];
}

/** The client as systemFacts.ts reads it (a stand-in client without an endpoint is its own key). */
function factsClient(client: ObservingClient): FactsClient {
  return {
    endpoint: client.endpoint ?? `client:${clientIds.get(client) ?? clientIds.set(client, clientIds.size + 1).get(client)}`,
    ...(client.account !== undefined ? { account: client.account } : {}),
    getService: () => (client.getService ? client.getService() : Promise.reject(new Error("getService is not available"))),
    getServerCertificate: () => client.getServerCertificate(),
    listCertificates: () => client.listCertificates(),
  };
}

const clientIds = new Map<ObservingClient, number>();

/** The system answered, but not with a readable link: a malformed body, or an HTTP error status. */
function answeredUnreadably(err: unknown): boolean {
  return err instanceof MapiResponseError || err instanceof MapiHttpError;
}

async function readLink(client: ObservingClient, linkName: string): Promise<SideObservation> {
  let link;
  try {
    link = await client.getLink(linkName, { verbose: true });
  } catch (err) {
    return { reachable: false, error: errorText(err), ...(answeredUnreadably(err) ? { answered: true as const } : {}) };
  }
  const side: SideObservation = { reachable: true, link };
  try {
    side.softwareVersion = await client.softwareVersion(); // from the answer's header: no request of its own
  } catch {
    // Unknown version: the planner treats the release as unknown (no cross-release steps).
  }
  // "No such link" from a release without the replication MAPI means it has no replication resources at all.
  if (link === null && !hasReplicationMapi(side.softwareVersion)) side.replicationMapi = false;
  return side;
}

/** The server certificate and trusted list of a side that answered (each undefined when unreadable). */
async function readTrustOf(client: ObservingClient, side: SideObservation, live = false): Promise<SideRead> {
  if (!side.reachable) return { side };
  if (live) {
    const [serverPem, trusted] = await Promise.allSettled([client.getServerCertificate(), client.listCertificates()]);
    return { side, ...(serverPem.status === "fulfilled" ? { serverPem: serverPem.value } : {}), ...(trusted.status === "fulfilled" ? { trusted: trusted.value } : {}) };
  }
  const facts: CertificateFacts = await certificateFacts(factsClient(client));
  return { side, ...(facts.serverPem ? { serverPem: facts.serverPem } : {}), ...(facts.certificates ? { trusted: facts.certificates } : {}) };
}

/** What readiness reads of each system that answers (the account's role, the certificates with their dates), once per system. */
export async function readinessOfSystems(
  clients: { primary: ObservingClient; replica: ObservingClient },
  obs: Pick<Observation, "primary" | "replica">,
): Promise<Partial<Record<"primary" | "replica", SystemReadiness>>> {
  const read = async (side: "primary" | "replica"): Promise<SystemReadiness | undefined> => {
    if (!obs[side].reachable || obs[side].replicationMapi === false) return undefined;
    const facts = await certificateFacts(factsClient(clients[side]));
    const listed: CertificateDates[] = (facts.certificates ?? []).map((c) => ({ id: c.id, subjectDN: c.subjectDN, expiresOn: c.expiresOn }));
    if (facts.serverPem && !listed.some((c) => c.id === SERVER_CERTIFICATE_ID)) {
      try {
        const own = pemFacts(facts.serverPem);
        listed.unshift({ id: SERVER_CERTIFICATE_ID, subjectDN: own.subjectDN, expiresOn: own.expiresOn });
      } catch {
        // Unreadable PEM: its expiry stays unknown.
      }
    }
    return { ...(facts.role ? { role: facts.role } : {}), ...(facts.certificates || facts.serverPem ? { certificates: listed } : {}), errors: facts.errors };
  };
  const [primary, replica] = await Promise.all([read("primary"), read("replica")]);
  return { ...(primary ? { primary } : {}), ...(replica ? { replica } : {}) };
}

/** What {@link findTrustedCertificate} found: the entry, or none, or that some entry could not be read. */
export type TrustedLookup =
  | { found: true; certificate: CertificateInfo }
  | { found: false; unreadable: boolean };

/**
 * Looks for `certificatePem` among a system's trusted certificates. Candidates are narrowed by expiry
 * date (cheap, from the list) and confirmed by comparing PEM bytes, fetched one at a time. The local
 * `server` entry is skipped. Pass `list` when it was already read.
 */
export async function findTrustedCertificate(
  client: Pick<MapiClient, "listCertificates" | "getCertificate">,
  certificatePem: string,
  list?: CertificateInfo[],
): Promise<TrustedLookup> {
  const entries = (list ?? (await client.listCertificates())).filter((c) => c.id !== SERVER_CERTIFICATE_ID);
  let expiresOn: string | undefined;
  try {
    expiresOn = pemFacts(certificatePem).expiresOn;
  } catch {
    expiresOn = undefined;
  }
  const candidates = expiresOn
    ? entries.filter((c) => sameInstant(c.expiresOn, expiresOn) || parseMapiDate(c.expiresOn) === undefined)
    : entries;
  let unreadable = false;
  for (const candidate of candidates) {
    try {
      if (samePemCertificate(await client.getCertificate(candidate.id), certificatePem)) {
        return { found: true, certificate: candidate };
      }
    } catch {
      unreadable = true;
    }
  }
  return { found: false, unreadable };
}

/** Whether `trusting` has `certificatePem` in its trusted list; "unknown" when that cannot be read. */
async function trusts(
  trusting: SideRead,
  client: ObservingClient,
  certificatePem: string | undefined,
  live = false,
): Promise<boolean | "unknown"> {
  if (!trusting.side.reachable || !trusting.trusted || !certificatePem) return "unknown";
  const list = trusting.trusted;
  if (live) {
    const lookup = await findTrustedCertificate(client, certificatePem, list);
    return lookup.found ? true : lookup.unreadable ? "unknown" : false;
  }
  const digest = createHash("sha256").update(certificatePem.replace(/\r\n/g, "\n").trim()).digest("hex");
  return trustKept(factsClient(client), digest, async () => {
    const lookup = await findTrustedCertificate(client, certificatePem, list);
    if (lookup.found) return true;
    return lookup.unreadable ? "unknown" : false;
  });
}

/** Observes both systems in parallel. Never throws for an unreachable side. */
export async function observeSystems(
  clients: { primary: ObservingClient; replica: ObservingClient },
  linkName: string,
  options: ObserveOptions = {},
): Promise<Observation> {
  let primaryLink: SideObservation;
  let replicaLink: SideObservation;
  if (options.replicaFirst) {
    replicaLink = await readLink(clients.replica, linkName);
    const message = replicaLink.reachable ? replicaLink.link?.statusMessage : undefined;
    if (message !== undefined && REPLICA_MESSAGES_IN_CONTACT.includes(message)) {
      return {
        primary: { reachable: true },
        replica: replicaLink,
        trust: UNKNOWN_TRUST,
        now: (options.now ?? (() => systemNow(clients, replicaLink, { reachable: false }) ?? Date.now()))(),
      };
    }
    primaryLink = await readLink(clients.primary, linkName);
  } else {
    [primaryLink, replicaLink] = await Promise.all([readLink(clients.primary, linkName), readLink(clients.replica, linkName)]);
  }
  const wanted = options.readTrust ?? true;
  const readTrust = typeof wanted === "function" ? wanted({ primary: primaryLink, replica: replicaLink }) : wanted;
  const [primary, replica] = readTrust
    ? await Promise.all([readTrustOf(clients.primary, primaryLink, options.liveTrust), readTrustOf(clients.replica, replicaLink, options.liveTrust)])
    : [{ side: primaryLink }, { side: replicaLink }];
  const [primaryTrustsReplica, replicaTrustsPrimary] = await Promise.all([
    trusts(primary, clients.primary, replica.serverPem, options.liveTrust),
    trusts(replica, clients.replica, primary.serverPem, options.liveTrust),
  ]);
  if (options.readService) {
    await Promise.all(
      (["primary", "replica"] as const).map(async (s) => {
        const side = s === "primary" ? primary.side : replica.side;
        if (!side.reachable || side.replicationMapi === false) return;
        const service = await serviceFacts(factsClient(clients[s]));
        if (service) side.service = service;
      }),
    );
  }
  const schedule = options.readSchedule ? await readSchedule(clients.replica, linkName, replica.side) : undefined;
  const tenants = options.readTenants ? await readTenants(clients, linkName, { primary: primary.side, replica: replica.side }) : undefined;
  return {
    primary: primary.side,
    replica: replica.side,
    trust: { primaryTrustsReplica, replicaTrustsPrimary },
    now: (options.now ?? (() => systemNow(clients, replica.side, primary.side) ?? Date.now()))(),
    ...(tenants ? { tenants } : {}),
    ...(schedule ? { schedule } : {}),
  };
}

/** The override that governs the link, read on the replica (its `remote` side, RECOVERY_SCHEDULE_SIDE); NONE when none is set. */
async function readSchedule(client: ObservingClient, linkName: string, side: SideObservation): Promise<Observation["schedule"]> {
  if (!side.reachable || !side.link || !client.getSchedule) return undefined;
  try {
    const view = await client.getSchedule(linkName);
    return { on: "replica", override: view[RECOVERY_SCHEDULE_SIDE]?.scheduleOverride ?? "NONE" };
  } catch {
    return undefined; // unread: no schedule step is planned
  }
}

/** Each tenant's replication status on the first system (primary first) that answers with the link. */
async function readTenants(
  clients: { primary: ObservingClient; replica: ObservingClient },
  linkName: string,
  sides: { primary: SideObservation; replica: SideObservation },
): Promise<Observation["tenants"]> {
  for (const on of ["primary", "replica"] as const) {
    const client = clients[on];
    if (!sides[on].reachable || !sides[on].link || !client.getLinkContent || !client.getTenantStatus) continue;
    try {
      const { tenants } = await client.getLinkContent(linkName);
      const statuses = await Promise.all(tenants.map(async (t) => [t, (await client.getTenantStatus!(linkName, t)).status] as const));
      return { on, statuses: Object.fromEntries(statuses) };
    } catch {
      // Unread: the tenants are then not planned for; the other system may answer.
    }
  }
  return undefined;
}

/** The time on the system whose statistics the planner reads first (the replica), else the primary. */
function systemNow(
  clients: { primary: ObservingClient; replica: ObservingClient },
  replica: SideObservation,
  primary: SideObservation,
): number | undefined {
  return (replica.reachable ? clients.replica.serverNow?.() : undefined) ?? (primary.reachable ? clients.primary.serverNow?.() : undefined);
}
