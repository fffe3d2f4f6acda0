/**
 * A system connection as a resource input: the password kept secret, and the CA certificate shown in
 * previews as a short fingerprint (`caSha256`) while the PEM itself is hidden from diffs (`hideDiffs`).
 */
import * as pulumi from "@pulumi/pulumi";
import { fingerprintSha256 } from "../mapi/pem";
import { secretSystem } from "./secrets";
import type { HcpSystem } from "./system";

/** The first 8 bytes of the CA certificate's SHA-256 fingerprint: enough for a reviewer to tell two apart. */
export function shortFingerprint(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  const full = fingerprintSha256(pem);
  return full ? `${full.slice(0, 23)}…` : "not a PEM certificate";
}

export function systemInput(system: HcpSystem): HcpSystem & { caSha256?: pulumi.Input<string | undefined> } {
  const secret = secretSystem(system);
  if (system.caCertificate === undefined) return secret;
  return { ...secret, caSha256: pulumi.output(system.caCertificate).apply(shortFingerprint) };
}

/** Options that hide the CA PEM of the named system properties from every diff (the fingerprint shows instead). */
export function hidingCaCertificates(opts: pulumi.CustomResourceOptions | undefined, systems: string[]): pulumi.CustomResourceOptions {
  return { ...opts, hideDiffs: [...(opts?.hideDiffs ?? []), ...systems.map((s) => `${s}.caCertificate`)] };
}
