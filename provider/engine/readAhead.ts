/**
 * Link readings taken ahead for `check`. The engine calls Check one resource at a time, so the checks of a
 * 50-link site would read the systems 50 times one after another. SiteCoverage's check, which runs before
 * them (every link's failover depends on it), reads the declared links of each system that answered its
 * link list at once, in parallel, and keeps them here; each ReplicationFailover check then takes its two
 * readings instead of reading again. Each reading serves one check, and none older than
 * READ_AHEAD_MAX_AGE_MS. `update` never uses them: the executor reads the systems before each step.
 *
 * Readings are kept per provider process (one `pulumi preview` or `up`) under a hash of the connection
 * (endpoint, user, password), so a check with other credentials reads for itself; nothing is written down.
 */
import { createHash } from "crypto";
import type { MapiClient } from "../mapi/client";
import type { LinkView } from "../mapi/types";
import type { ObservingClient } from "./observe";

/** How long a reading taken ahead stands for the live system (a 200-link site's checks take about 10 s). */
export const READ_AHEAD_MAX_AGE_MS = 15_000;
/** Requests in flight per system while reading ahead. */
const READ_AHEAD_CONCURRENCY = 8;

export interface Connection {
  endpoint: string;
  username: string;
  password: string;
}

interface Reading {
  link: LinkView | null;
  softwareVersion?: string;
  /** The system's clock minus ours when the reading was taken (link statistics are on its clock). */
  clockOffsetMs?: number;
  takenAt: number;
}

const readings = new Map<string, Reading>();

function keyOf(connection: Connection, linkName: string): string {
  return createHash("sha256").update(JSON.stringify([connection.endpoint, connection.username, connection.password, linkName])).digest("hex");
}

/** Reads `linkNames` on one system (verbose, GET only) and keeps each reading that succeeds. */
export async function readAhead(client: MapiClient, connection: Connection, linkNames: readonly string[], now: () => number = Date.now): Promise<void> {
  const queue = [...new Set(linkNames)];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        const link = await client.getLink(name, { verbose: true });
        const serverNow = client.serverNow();
        const takenAt = now();
        readings.set(keyOf(connection, name), {
          link,
          ...(client.lastSoftwareVersion !== undefined ? { softwareVersion: client.lastSoftwareVersion } : {}),
          ...(serverNow !== undefined ? { clockOffsetMs: serverNow - Date.now() } : {}),
          takenAt,
        });
      } catch {
        // Left to the check of that link, which reads for itself and reports what it finds.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AHEAD_CONCURRENCY, queue.length) }, worker));
}

/** The reading of `linkName` kept for this connection, removed as it is taken; undefined if none or too old. */
function take(connection: Connection, linkName: string, now: () => number): Reading | undefined {
  const key = keyOf(connection, linkName);
  const reading = readings.get(key);
  readings.delete(key);
  return reading && now() - reading.takenAt <= READ_AHEAD_MAX_AGE_MS ? reading : undefined;
}

/**
 * `client` for one check: its first `getLink(linkName)` answers from the reading taken ahead, if there is
 * one; everything else (and every later call) goes to the system.
 */
export function withReadAhead(client: ObservingClient, connection: Connection, now: () => number = Date.now): ObservingClient {
  let used: Reading | undefined;
  return {
    getLink: async (name, options) => {
      const reading = used === undefined && options?.verbose !== false ? take(connection, name, now) : undefined;
      if (!reading) return client.getLink(name, options);
      used = reading;
      return reading.link;
    },
    softwareVersion: () => (used?.softwareVersion !== undefined ? Promise.resolve(used.softwareVersion) : client.softwareVersion()),
    serverNow: () => (used?.clockOffsetMs !== undefined ? Date.now() + used.clockOffsetMs : client.serverNow?.()),
    getServerCertificate: () => client.getServerCertificate(),
    listCertificates: () => client.listCertificates(),
    getCertificate: (id) => client.getCertificate(id),
    ...(client.endpoint !== undefined ? { endpoint: client.endpoint } : {}),
    ...(client.account !== undefined ? { account: client.account } : {}),
    ...(client.getService ? { getService: () => client.getService!() } : {}),
    ...(client.getSchedule ? { getSchedule: (name: string) => client.getSchedule!(name) } : {}),
    ...(client.getLinkContent ? { getLinkContent: (name: string) => client.getLinkContent!(name) } : {}),
    ...(client.getTenantStatus ? { getTenantStatus: (name: string, tenant: string) => client.getTenantStatus!(name, tenant) } : {}),
  };
}

/** Forgets every reading (tests). */
export function clearReadAhead(): void {
  readings.clear();
}
