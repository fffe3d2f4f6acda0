import { randomUUID } from "node:crypto";
import type { CertificateInfo } from "../certs";
import {
  DEFAULT_BEGIN_RECOVERY_SPELLING,
  DEFAULT_UNKNOWN_ACTION_PARAMETERS,
  SERVICE_DEFAULTS,
  trustedCertificateId,
  type BeginRecoverySpelling,
  type UnknownActionParameters,
} from "./assumptions";
import type { SimClock } from "./clock";
import { EventLog } from "./events";
import type { LinkRecord } from "./link";

/** One simulated HCP system: accounts, certificates, tenants and objects, links, service settings, log. */

export type AccountRole = "ADMINISTRATOR" | "MONITOR";

export interface UserAccount {
  readonly username: string;
  readonly password: string;
  /** "local" authenticates with the HCP scheme, "ad" with the AD scheme (`user@domain`). */
  readonly type: "local" | "ad";
  readonly roles: readonly AccountRole[];
}

export interface StoredObject {
  readonly key: string;
  readonly data: Buffer;
  readonly contentType: string;
  /** Unique per write; a copy made by replication keeps the version of its source. */
  readonly version: string;
  /** Simulated time of the original write. */
  readonly writtenAt: number;
}

export interface Tenant {
  readonly name: string;
  readonly objects: Map<string, StoredObject>;
}

export interface TrustedCertificate extends CertificateInfo {
  readonly id: string;
}

/** A system's own replication server certificate, with its key. */
export interface ServerCertificate extends CertificateInfo {
  readonly keyPem: string;
}

export interface ServiceSettings {
  allowTenantsToMonitorNamespaces: boolean;
  enableDNSFailover: boolean;
  network: string;
  connectivityTimeoutSeconds: number;
  verification: string;
  status: "ENABLED" | "SHUTDOWN";
  shutdownReason?: string;
}

/** Faults injected through the control API. */
export interface Faults {
  latencyMs: number;
  /** The next `failNext` MAPI requests are answered with `failStatus`. */
  failNext: number;
  failStatus: number;
}

/** Documented HCP behaviours a test can switch on per system (model/assumptions.ts, "delays and quirks"). */
export interface Quirks {
  /** Simulated seconds beginRecovery stays refused after a trusted certificate is uploaded (0: never). */
  beginRecoveryUnavailableSeconds: number;
  /** Which spelling(s) of the begin-recovery action this system honours. */
  beginRecoverySpelling: BeginRecoverySpelling;
  /** What an action POST with a parameter this system does not know gets. */
  unknownActionParameters: UnknownActionParameters;
  /** Verbose link statistics fields this system leaves out (OMITTABLE_STATISTICS): a system that does not report them. */
  omitStatistics: readonly string[];
}

export function defaultQuirks(): Quirks {
  return {
    beginRecoveryUnavailableSeconds: 0,
    beginRecoverySpelling: DEFAULT_BEGIN_RECOVERY_SPELLING,
    unknownActionParameters: DEFAULT_UNKNOWN_ACTION_PARAMETERS,
    omitStatistics: [],
  };
}

export function defaultServiceSettings(enableDNSFailover: boolean): ServiceSettings {
  return { ...SERVICE_DEFAULTS, enableDNSFailover, status: "ENABLED" };
}

export class SystemModel {
  /** False while the system is taken down (its listener closed). */
  up = true;
  /** The MAPI listener's port once listening (0 before). */
  port = 0;
  trusted = new Map<string, TrustedCertificate>();
  /** Tenants keyed by lowercase name. */
  tenants = new Map<string, Tenant>();
  /** Links keyed by lowercase name (link names are case-insensitive). */
  links = new Map<string, LinkRecord>();
  service: ServiceSettings;
  readonly events: EventLog;
  faults: Faults = { latencyMs: 0, failNext: 0, failStatus: 503 };
  quirks: Quirks = defaultQuirks();
  /** Simulated time of the last `PUT certificates` that added a trusted certificate. */
  lastTrustUploadAt: number | undefined;
  /** The node IPs of its replication network (replicationNodeIps in assumptions.ts). */
  replicationNodeIps: readonly string[] = [];
  /**
   * Tenants of deleted active/passive links this system was the primary of, by tenant, with the replica they
   * went to: they cannot go to that replica on a new active/passive link unless deleted there first
   * (hcp-workflows.md 3c, "Considerations for deleting a replication link").
   */
  readonly formerReplicas = new Map<string, string>();
  /** Requests answered, in total and per "METHOD /path/{template}". */
  requests = { total: 0, byRoute: new Map<string, number>() };

  constructor(
    readonly name: string,
    public softwareVersion: string,
    /** The host name other systems use to reach this one for replication. */
    readonly replicationHost: string,
    readonly users: readonly UserAccount[],
    public serverCertificate: ServerCertificate,
    clock: SimClock,
    private readonly defaultDnsFailover: boolean,
  ) {
    this.events = new EventLog(clock);
    this.service = defaultServiceSettings(defaultDnsFailover);
  }

  link(name: string): LinkRecord | undefined {
    return this.links.get(name.toLowerCase());
  }

  tenant(name: string): Tenant | undefined {
    return this.tenants.get(name.toLowerCase());
  }

  /** Returns the tenant, creating it empty when absent. */
  ensureTenant(name: string): Tenant {
    const existing = this.tenant(name);
    if (existing) return existing;
    const tenant: Tenant = { name, objects: new Map() };
    this.tenants.set(name.toLowerCase(), tenant);
    return tenant;
  }

  /** Whether this system trusts the certificate with this fingerprint. */
  trusts(fingerprintSha256: string): boolean {
    return this.trusted.has(trustedCertificateId(fingerprintSha256));
  }

  /** Adds a trusted certificate; false when it was already there. */
  trust(info: CertificateInfo): boolean {
    const id = trustedCertificateId(info.fingerprintSha256);
    if (this.trusted.has(id)) return false;
    this.trusted.set(id, { ...info, id });
    return true;
  }

  /** Stores an object written by a client (new version). */
  writeObject(tenant: Tenant, key: string, data: Buffer, contentType: string, now: number): StoredObject {
    const object: StoredObject = { key, data, contentType, version: randomUUID(), writtenAt: now };
    tenant.objects.set(key, object);
    return object;
  }

  /**
   * Forgets everything a rebuild loses: links, trusted certificates, service settings; objects too
   * unless `keepObjects`. Tenants stay (read-write, since no link holds them). The event log stays so
   * that tests can read what happened.
   */
  rebuild(serverCertificate: ServerCertificate, keepObjects: boolean): void {
    this.serverCertificate = serverCertificate;
    this.links.clear();
    this.trusted.clear();
    this.service = defaultServiceSettings(this.defaultDnsFailover);
    if (!keepObjects) for (const tenant of this.tenants.values()) tenant.objects.clear();
  }
}
