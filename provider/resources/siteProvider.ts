/**
 * The provider a ReplicationSite's children run under: Pulumi's Node.js dynamic provider, configured with
 * the CA certificates of the site's systems, so that each link's state names its systems' CAs by digest
 * instead of holding them (see providerCertificates.ts). Its configuration is one secret: kept out of
 * `preview --diff` like the PEMs it replaces.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_CERTIFICATES_KEY } from "./providerCertificates";
import type { HcpSystem } from "./system";

export class SiteProvider extends pulumi.ProviderResource {
  constructor(name: string, systems: readonly HcpSystem[], opts?: pulumi.ResourceOptions) {
    const pems = pulumi
      .all(systems.map((s) => pulumi.output(s?.caCertificate)))
      .apply((all) => JSON.stringify([...new Set(all.filter((p): p is string => typeof p === "string"))]));
    super("pulumi-nodejs", name, { [PROVIDER_CERTIFICATES_KEY]: pulumi.secret(pems) }, opts);
  }
}
