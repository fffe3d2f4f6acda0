/**
 * What a system reports about itself rather than about one link: its replication service (status, DNS
 * failover), its replication server certificate (which only an administrator may download, so the
 * answer also tells the account's role) and the certificates it trusts. Every link of a system shares
 * them, so each is read once per system and account and kept for FACTS_MAX_AGE_MS in this process: a
 * site's fifty previews, or an `up`'s reading before each step, do not read them fifty times.
 */
import type { MapiClient } from "../mapi/client";
import { MapiHttpError, MapiPermissionError } from "../mapi/errors";
import type { CertificateInfo } from "../mapi/types";
import { SERVER_CERTIFICATE_ID } from "../mapi/assumptions";
import type { ServiceFacts } from "../model/types";
import { errorText } from "./errorText";

/** How long a system's facts stand for it (the rule readAhead.ts keeps for link readings). */
export const FACTS_MAX_AGE_MS = 15_000;

/** The parts of a client the facts are read through. */
export type FactsClient = Pick<MapiClient, "endpoint" | "getService" | "getServerCertificate" | "listCertificates"> & { readonly account?: string };

/** A system's certificates, and the role its server certificate's answer shows. */
export interface CertificateFacts {
  /** ADMINISTRATOR when the server certificate was downloaded; MONITOR when that was refused with 403. */
  role?: "ADMINISTRATOR" | "MONITOR";
  /** Its replication server certificate (PEM), when it could be downloaded. */
  serverPem?: string;
  /** Its list: the trusted certificates and its own `server` entry, with their dates. */
  certificates?: CertificateInfo[];
  /** Why a part could not be read. */
  errors: string[];
}

interface Kept<T> {
  at: number;
  value: Promise<T>;
}

const services = new Map<string, Kept<ServiceFacts | undefined>>();
const certificates = new Map<string, Kept<CertificateFacts>>();

function keyOf(client: FactsClient): string {
  return `${client.endpoint} ${client.account ?? ""}`;
}

function kept<T>(store: Map<string, Kept<T>>, key: string, now: number, read: () => Promise<T>): Promise<T> {
  const found = store.get(key);
  if (found && now - found.at <= FACTS_MAX_AGE_MS) return found.value;
  const value = read();
  store.set(key, { at: now, value });
  // A failed read is not kept: the next one tries again.
  value.catch(() => store.delete(key));
  return value;
}

/** The replication service as the system reports it; undefined when it cannot be read. Never throws. */
export function serviceFacts(client: FactsClient, now: () => number = Date.now): Promise<ServiceFacts | undefined> {
  return kept(services, keyOf(client), now(), async () => {
    try {
      const s = await client.getService();
      return { ...(s.status ? { status: s.status } : {}), ...(s.enableDNSFailover !== undefined ? { dnsFailover: s.enableDNSFailover } : {}) };
    } catch {
      return undefined;
    }
  });
}

/** The server certificate, the list and the role. Never throws: what could not be read is in `errors`. */
export function certificateFacts(client: FactsClient, now: () => number = Date.now): Promise<CertificateFacts> {
  return kept(certificates, keyOf(client), now(), async () => {
    const [server, list] = await Promise.allSettled([client.getServerCertificate(), client.listCertificates()]);
    const facts: CertificateFacts = { errors: [] };
    if (server.status === "fulfilled") {
      facts.serverPem = server.value;
      facts.role = "ADMINISTRATOR";
    } else {
      const e = server.reason;
      if (e instanceof MapiPermissionError || (e instanceof MapiHttpError && e.status === 403)) facts.role = "MONITOR";
      facts.errors.push(errorText(e));
    }
    if (list.status === "fulfilled") facts.certificates = list.value;
    else facts.errors.push(errorText(list.reason));
    return facts;
  });
}

/** The trusted certificates of a list, without the system's own `server` entry. */
export function trustedOnly(list: readonly CertificateInfo[] | undefined): CertificateInfo[] | undefined {
  return list?.filter((c) => c.id !== SERVER_CERTIFICATE_ID);
}

const trustLookups = new Map<string, Kept<boolean | "unknown">>();

/** Whether `trusting` trusts a certificate, kept like the other facts (the lookup fetches candidates one by one). */
export function trustKept(trusting: FactsClient, certificateDigest: string, lookup: () => Promise<boolean | "unknown">, now: () => number = Date.now): Promise<boolean | "unknown"> {
  return kept(trustLookups, `${keyOf(trusting)} ${certificateDigest}`, now(), lookup);
}

/** Forgets what is kept of one system's certificates: its trusted list changed (an upload or a removal in this process). */
export function forgetCertificateFacts(endpoint: string): void {
  for (const store of [certificates, trustLookups] as Map<string, unknown>[]) for (const key of [...store.keys()]) if (key.startsWith(`${endpoint} `)) store.delete(key);
}

/** Forgets every system's facts (tests: each test is a new provider process). */
export function clearSystemFacts(): void {
  services.clear();
  certificates.clear();
  trustLookups.clear();
}
