/**
 * How a resource reaches one HCP system. A plain object (not a resource): the same connection is used by
 * the certificate trusts, the link and the failover.
 */
import type { Input } from "@pulumi/pulumi";

export type AuthType = "local" | "ad";
export const authTypes: readonly AuthType[] = ["local", "ad"];

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
  insecureSkipTlsVerify?: boolean;
}
