/**
 * CA certificates held once by a provider instead of once per resource side. A ReplicationSite puts the
 * CA certificate of each of its systems in the configuration of its own provider (SiteProvider); its
 * children then carry, in place of the PEM, its digest (`caFromProvider`). Pulumi writes every resource's
 * inputs and outputs, whole, before and after each update: four PEMs per link were half of a large site's
 * state, and its failover took about as long again to write them.
 *
 * This module is loaded on both sides: the program computes digests, and the provider process keeps the
 * certificates its configuration holds (provider `configure`, before any other call).
 */
import { createHash } from "node:crypto";

/** The provider configuration key: a JSON list of PEM texts. */
export const PROVIDER_CERTIFICATES_KEY = "hcp:caCertificates";

/** What a resource side carries instead of the PEM: `sha256:<hex>` of the PEM text (line ends normalized). */
export function certificateDigest(pem: string): string {
  return `sha256:${createHash("sha256").update(pem.replace(/\r\n/g, "\n").trim()).digest("hex")}`;
}

export const CERTIFICATE_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

const held = new Map<string, string>();

/** Keeps the certificates of a provider configuration (its `hcp:caCertificates` value, if any). */
export function holdProviderCertificates(config: { get(key: string): string | undefined }): void {
  const value = config.get(PROVIDER_CERTIFICATES_KEY);
  if (value === undefined) return;
  const pems = JSON.parse(value) as unknown;
  if (!Array.isArray(pems)) throw new Error(`provider configuration ${PROVIDER_CERTIFICATES_KEY} must be a JSON list of PEM certificates`);
  for (const pem of pems) if (typeof pem === "string") held.set(certificateDigest(pem), pem);
}

/** The `configure` of every provider whose resources may run under a SiteProvider. */
export async function configureProviderCertificates(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  holdProviderCertificates(req.config);
}

/** The PEM with this digest, or a plain error naming the system (never anything secret). */
export function providerCertificate(systemName: string, digest: string): string {
  const pem = held.get(digest);
  if (pem === undefined) {
    throw new Error(
      `${systemName}: the CA certificate this resource names (${digest.slice(0, 19)}…) is not in its provider's configuration; ` +
        `resources of a ReplicationSite run only under the site's provider (${PROVIDER_CERTIFICATES_KEY})`,
    );
  }
  return pem;
}

/** Forgets the certificates (tests: each test is a new provider process). */
export function forgetProviderCertificates(): void {
  held.clear();
}
