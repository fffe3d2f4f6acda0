import { notFound } from "../errors";
import type { Access, StatusMessage } from "./assumptions";
import type { SimClock } from "./clock";
import { recordAccess, statusMessageOf, type LinkRecord, type PeerView } from "./link";
import type { SystemModel } from "./system";

/**
 * The simulated systems and what lies between them: which can talk (up, network not cut), who trusts
 * whom, and the per-link replication bookkeeping shared by both ends.
 */

/** Replication throughput in simulated time; an omitted limit does not limit. */
export interface ReplicationRate {
  readonly bytesPerSecond?: number;
  readonly objectsPerSecond?: number;
}

/** Bookkeeping for one link (both ends), keyed by link id. */
export interface Channel {
  /** Per lowercase tenant name: object key -> version known to be on both systems. */
  confirmed: Map<string, Map<string, string>>;
  /** Simulated time the budget was last computed up to. */
  lastAdvanceAt: number;
  /** Unused budget carried over, per sending system name. */
  carry: Map<string, { objects: number; bytes: number }>;
  bytesReplicated: number;
  objectsReplicated: number;
  bytesPerSecond: number;
  operationsPerSecond: number;
}

/** Why a tenant is read-only on a system. */
export interface TenantAccess {
  readonly access: Access;
  readonly link?: string;
  readonly statusMessage?: StatusMessage;
}

export class World {
  /** Systems keyed by lowercase name. */
  readonly systems = new Map<string, SystemModel>();
  /** Cut network paths, each "a|b" with names sorted. */
  readonly cuts = new Set<string>();
  readonly channels = new Map<string, Channel>();

  constructor(
    readonly clock: SimClock,
    public rate: ReplicationRate,
  ) {}

  add(system: SystemModel): void {
    this.systems.set(system.name.toLowerCase(), system);
  }

  system(name: string): SystemModel | undefined {
    return this.systems.get(name.toLowerCase());
  }

  requireSystem(name: string): SystemModel {
    const system = this.system(name);
    if (!system) throw notFound(`No simulated system named '${name}' (known: ${this.names().join(", ")})`);
    return system;
  }

  names(): string[] {
    return [...this.systems.values()].map((s) => s.name);
  }

  /**
   * The system a link's `remoteHost` designates: its name, its replication host name (or
   * `admin.` + it), a host name whose first label is the system name, or `127.0.0.1:<port>` /
   * `localhost:<port>` with the system's MAPI port.
   */
  resolveHost(host: string): SystemModel | undefined {
    const wanted = host.trim().toLowerCase();
    // Comma-separated node IPs of the remote replication network (hcp-workflows.md 5, "connection").
    const ips = wanted.split(",").map((ip) => ip.trim());
    if (ips.every((ip) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip))) {
      const match = [...this.systems.values()].find((s) => ips.every((ip) => s.replicationNodeIps.includes(ip)));
      if (match) return match;
    }
    for (const system of this.systems.values()) {
      const name = system.name.toLowerCase();
      const replicationHost = system.replicationHost.toLowerCase();
      if (wanted === name || wanted === replicationHost || wanted === `admin.${replicationHost}`) return system;
      if (wanted.split(".")[0] === name) return system;
      if (system.port > 0 && (wanted === `127.0.0.1:${system.port}` || wanted === `localhost:${system.port}`)) return system;
    }
    return undefined;
  }

  /** Both up and the network between them not cut. */
  canTalk(a: SystemModel, b: SystemModel): boolean {
    return a.up && b.up && !this.cuts.has(pathKey(a.name, b.name));
  }

  cut(a: SystemModel, b: SystemModel): void {
    this.cuts.add(pathKey(a.name, b.name));
  }

  heal(a: SystemModel, b: SystemModel): void {
    this.cuts.delete(pathKey(a.name, b.name));
  }

  /** Each trusts the other's current replication server certificate. */
  mutualTrust(a: SystemModel, b: SystemModel): boolean {
    return untrustedDirections(a, b).length === 0;
  }

  /** The other end of a link: its system and, if it holds one, its record of the same link. */
  peerOf(record: LinkRecord): { peer?: SystemModel; peerRecord?: LinkRecord } {
    const peer = this.system(record.peer);
    const candidate = peer?.link(record.name);
    return { peer, peerRecord: candidate?.id === record.id ? candidate : undefined };
  }

  peerView(system: SystemModel, record: LinkRecord): PeerView {
    const { peer, peerRecord } = this.peerOf(record);
    if (!peer) return { reachable: false, hasLink: false, trusted: false, peerShutDown: false };
    return {
      reachable: this.canTalk(system, peer),
      hasLink: peerRecord !== undefined,
      trusted: this.mutualTrust(system, peer),
      peerShutDown: peer.service.status === "SHUTDOWN",
    };
  }

  statusMessage(system: SystemModel, record: LinkRecord): StatusMessage {
    return statusMessageOf(record, this.peerView(system, record), system.service.status === "SHUTDOWN");
  }

  /** Read-only when any link holding the tenant makes it read-only on this system. */
  tenantAccess(system: SystemModel, tenantName: string): TenantAccess {
    const key = tenantName.toLowerCase();
    for (const record of system.links.values()) {
      if (record.tenants.has(key) && recordAccess(record) === "read-only") {
        return { access: "read-only", link: record.name, statusMessage: this.statusMessage(system, record) };
      }
    }
    return { access: "read-write" };
  }

  /** The bookkeeping of a link, created on first use. */
  channel(id: string): Channel {
    let channel = this.channels.get(id);
    if (!channel) {
      channel = {
        confirmed: new Map(),
        lastAdvanceAt: this.clock.now(),
        carry: new Map(),
        bytesReplicated: 0,
        objectsReplicated: 0,
        bytesPerSecond: 0,
        operationsPerSecond: 0,
      };
      this.channels.set(id, channel);
    }
    return channel;
  }
}

/** Sentences naming each missing trust direction between two systems (empty when they trust each other). */
export function untrustedDirections(a: SystemModel, b: SystemModel): string[] {
  const missing: string[] = [];
  if (!b.trusts(a.serverCertificate.fingerprintSha256)) missing.push(`${b.name} does not trust ${a.name}'s replication server certificate`);
  if (!a.trusts(b.serverCertificate.fingerprintSha256)) missing.push(`${a.name} does not trust ${b.name}'s replication server certificate`);
  return missing;
}

function pathKey(a: string, b: string): string {
  return [a.toLowerCase(), b.toLowerCase()].sort().join("|");
}
