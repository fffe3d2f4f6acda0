/**
 * ReplicationCertificateTrust: `trustedBy` trusts the replication server certificate of `certificateOf`
 * (seed step 3; one resource per direction). A rebuilt system has a new certificate and an empty trusted
 * list: preview shows that, and `up` uploads the certificate again.
 */
import * as pulumi from "@pulumi/pulumi";
import { HcpResource } from "./hcpResource";
import shim = require("./shims/certificateTrust");
import { systemInput } from "./systemInput";
import type { HcpSystem, SystemConnection } from "./system";

export interface ReplicationCertificateTrustArgs {
  /** The system whose replication server certificate is to be trusted. */
  certificateOf: HcpSystem;
  /** The system that must trust it. */
  trustedBy: HcpSystem;
}

/** What check found on the systems (filled in by check, compared by diff). */
export type TrustStatus = "trusted" | "missing" | "unknown";

export interface TrustInputs {
  certificateOf: SystemConnection;
  trustedBy: SystemConnection;
  /** Filled in by check: whether `trustedBy` trusts the current certificate of `certificateOf`. */
  liveStatus?: TrustStatus;
  /** Filled in by check: fingerprint of the current server certificate of `certificateOf`, when it answered. */
  liveFingerprintSha256?: string;
}

export interface TrustOutputs extends TrustInputs {
  subjectDN: string;
  expiresOn: string;
  fingerprintSha256: string;
  certificateId: string;
  /** True when this resource uploaded the certificate: only then does deleting it remove the trust. */
  uploaded: boolean;
}

export class ReplicationCertificateTrust extends HcpResource {
  declare readonly subjectDN: pulumi.Output<string>;
  declare readonly expiresOn: pulumi.Output<string>;
  declare readonly fingerprintSha256: pulumi.Output<string>;
  /** Id of the certificate in `trustedBy`'s trusted list. */
  declare readonly certificateId: pulumi.Output<string>;

  constructor(name: string, args: ReplicationCertificateTrustArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ReplicationCertificateTrust",
      shim,
      name,
      () => ({
        certificateOf: systemInput(args.certificateOf),
        trustedBy: systemInput(args.trustedBy),
        subjectDN: undefined,
        expiresOn: undefined,
        fingerprintSha256: undefined,
        certificateId: undefined,
        uploaded: undefined,
        liveStatus: undefined,
        liveFingerprintSha256: undefined,
      }),
      opts,
    );
  }
}
