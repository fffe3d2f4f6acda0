/**
 * A system connection as a resource input: the password kept secret, and the CA certificate shown in
 * previews only as a short fingerprint (`caSha256`). The PEM travels as a Pulumi secret: not because it is
 * confidential, but because that is the one way to keep it out of `preview --diff`, which prints unchanged
 * properties in full (`hideDiffs` hides a changed value only, and marks the path changed on every run).
 */
import * as pulumi from "@pulumi/pulumi";
import { LIVE_SYSTEM_CONNECT_MS } from "../mapi/assumptions";
import { startDeploymentProbe } from "../mapi/deploymentReachability";
import { fingerprintSha256 } from "../mapi/pem";
import { certificateDigest } from "./providerCertificates";
import { secretSystem } from "./secrets";
import type { HcpSystem } from "./system";

/** The first 8 bytes of the CA certificate's SHA-256 fingerprint: enough for a reviewer to tell two apart. */
export function shortFingerprint(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  const full = fingerprintSha256(pem);
  return full ? `${full.slice(0, 23)}…` : "not a PEM certificate";
}

/**
 * `caHeldByProvider`: the resource runs under a SiteProvider that holds this system's CA certificate, so
 * the input names it by digest (`caFromProvider`) instead of carrying the PEM.
 */
export function systemInput(
  system: HcpSystem,
  caHeldByProvider = false,
): HcpSystem & { caSha256?: pulumi.Input<string | undefined>; caFromProvider?: pulumi.Input<string> } {
  // The provider host starts only once a resource registers; a handshake begun now tells it sooner
  // whether the system answers (see deploymentReachability.ts).
  if (typeof system?.endpoint === "string") {
    const seconds = system.connectTimeoutSeconds;
    startDeploymentProbe(system.endpoint, typeof seconds === "number" && seconds > 0 ? seconds * 1000 : LIVE_SYSTEM_CONNECT_MS);
  }
  const secret = secretSystem(system);
  if (system.caCertificate === undefined) return secret;
  const pem = system.caCertificate;
  const { caCertificate: _pem, ...rest } = secret;
  const ca = pulumi.output(pem);
  return {
    ...rest,
    ...(caHeldByProvider ? { caFromProvider: ca.apply(certificateDigest) } : { caCertificate: pulumi.secret(pem) }),
    caSha256: ca.apply(shortFingerprint),
  };
}
