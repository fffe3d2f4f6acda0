/**
 * How a resource reaches one HCP system. A plain object (not a resource): the same connection is used by
 * the certificate trusts, the link and the failover.
 */
import type { Input } from "@pulumi/pulumi";

export type AuthType = "local" | "ad";
export const authTypes: readonly AuthType[] = ["local", "ad"];
/** Allowed range of HcpSystem.connectTimeoutSeconds. */
export const connectTimeoutRange = { min: 0.5, max: 120 } as const;

export interface HcpSystem {
  /** A short name for the system, used in plans and messages (e.g. "hcp-a"). */
  name: string;
  /** The MAPI endpoint, e.g. https://admin.hcp-a.example.com:9090 */
  endpoint: Input<string>;
  /** A system-level account: monitor role to read, administrator to change replication. */
  username: Input<string>;
  /** Stored only as a Pulumi secret; never logged. */
  password: Input<string>;
  /** "local" (default) or "ad" (username given as user@domain). */
  authType?: AuthType;
  /** PEM of a private CA that issued the system's MAPI certificate. */
  caCertificate?: Input<string>;
  /** Turns TLS verification off (prints a warning on every run). */
  insecureSkipTlsVerify?: boolean;
  /**
   * Seconds allowed for a new connection's TCP connect and TLS handshake (0.5 to 120, default 1.5), apart
   * from the 30 s allowed for an answer: what a system that does not answer at all costs, once per run.
   * Raise it for a management network slower than one lost SYN plus a WAN handshake.
   */
  connectTimeoutSeconds?: number;
}

/** A connection once Pulumi has resolved its inputs: what the provider methods receive. */
export interface SystemConnection {
  name: string;
  endpoint: string;
  username: string;
  password: string;
  authType?: AuthType;
  caCertificate?: string;
  /** Short SHA-256 fingerprint of caCertificate, computed by the resource class: what previews show of it. */
  caSha256?: string;
  /** In place of caCertificate under a ReplicationSite: the digest of the CA its provider holds (providerCertificates.ts). */
  caFromProvider?: string;
  insecureSkipTlsVerify?: boolean;
  connectTimeoutSeconds?: number;
}

/**
 * Whether two connections reach the same system the same way. `connectTimeoutSeconds` tunes the client
 * only: changing it (say, during an outage) updates no resource, so no update waits for a dead system.
 */
export function sameConnection(a: SystemConnection | undefined, b: SystemConnection | undefined): boolean {
  const key = (s: SystemConnection | undefined) => {
    if (!s) return JSON.stringify(s);
    const { connectTimeoutSeconds: _ignored, ...rest } = s;
    return JSON.stringify(rest);
  };
  return key(a) === key(b);
}
