/** The provider behind ReplicationCertificateTrust. */
import { findTrustedCertificate } from "../engine/observe";
import { forgetCertificateFacts } from "../engine/systemFacts";
import type { MapiClient } from "../mapi/client";
import * as pem from "../mapi/pem";
import { Checks } from "./validate";
import { sameConnection } from "./system";
import { connect, progressLog } from "./runtime";
import { wireSafe, isUnknown } from "./wire";
import type { TrustInputs, TrustOutputs, TrustStatus } from "./replicationCertificateTrust";

/** The id under which `trustedBy` holds exactly this certificate, or undefined. */
async function findTrusted(trustedBy: MapiClient, certificate: string): Promise<string | undefined> {
  const lookup = await findTrustedCertificate(trustedBy, certificate);
  if (lookup.found) return lookup.certificate.id;
  if (lookup.unreadable) throw new Error(`${trustedBy.endpoint} lists trusted certificates it will not return`);
  return undefined;
}

async function observeTrust(inputs: TrustInputs): Promise<{ status: TrustStatus; fingerprint?: string }> {
  let certificate: string;
  try {
    certificate = await connect(inputs.certificateOf).getServerCertificate();
  } catch {
    return { status: "unknown" }; // e.g. the primary is down during failover: nothing to decide yet
  }
  const fingerprint = pem.pemFacts(certificate).fingerprintSha256;
  try {
    return { status: (await findTrusted(connect(inputs.trustedBy), certificate)) ? "trusted" : "missing", fingerprint };
  } catch {
    return { status: "unknown", fingerprint };
  }
}

/** Uploads the certificate unless it is already trusted; returns the outputs describing it. */
async function ensureTrusted(inputs: TrustInputs, previous?: TrustOutputs): Promise<TrustOutputs> {
  const log = progressLog(`ReplicationCertificateTrust ${inputs.trustedBy.name} trusts ${inputs.certificateOf.name}`);
  const source = connect(inputs.certificateOf);
  const target = connect(inputs.trustedBy);
  const certificate = await source.getServerCertificate().catch((err: Error) => {
    throw new Error(`cannot read the replication server certificate of ${inputs.certificateOf.name}: ${err.message}`);
  });
  const facts = pem.pemFacts(certificate);
  let id = await findTrusted(target, certificate);
  // A trust found in place was not made by this resource, unless this resource made it earlier.
  let uploaded = id !== undefined && previous?.uploaded === true && previous.certificateId === id;
  if (id) {
    log(`${inputs.trustedBy.name} already trusts ${inputs.certificateOf.name}'s certificate (${facts.subjectDN}, SHA-256 ${facts.fingerprintSha256})`);
  } else {
    log(`certificate exchange: uploading ${inputs.certificateOf.name}'s replication server certificate (${facts.subjectDN}, expires ${facts.expiresOn}) to ${inputs.trustedBy.name}`);
    await target.uploadCertificate(certificate);
    forgetCertificateFacts(target.endpoint);
    id = await findTrusted(target, certificate);
    uploaded = true;
    if (!id) throw new Error(`${inputs.trustedBy.name} accepted the certificate of ${inputs.certificateOf.name} but does not list it as trusted`);
  }
  // The certificate this resource recorded earlier is no longer the server's (the system was rebuilt):
  // it is stale for every link, so it is removed.
  if (previous?.certificateId && previous.certificateId !== id && previous.fingerprintSha256 !== facts.fingerprintSha256) {
    await target.deleteCertificate(previous.certificateId).catch(() => undefined);
    forgetCertificateFacts(target.endpoint);
  }
  return {
    certificateOf: inputs.certificateOf,
    trustedBy: inputs.trustedBy,
    liveStatus: "trusted",
    liveFingerprintSha256: facts.fingerprintSha256,
    subjectDN: facts.subjectDN,
    expiresOn: facts.expiresOn,
    fingerprintSha256: facts.fingerprintSha256,
    certificateId: id,
    uploaded,
  };
}

export const provider = wireSafe<TrustInputs, TrustOutputs>({
  async check(_olds, news) {
    const c = new Checks();
    const a = c.system("certificateOf", news.certificateOf);
    const b = c.system("trustedBy", news.trustedBy);
    if (a && b) c.distinctSystems("certificateOf", news.certificateOf, "trustedBy", news.trustedBy);
    if (c.failures.length > 0) return { failures: c.failures };
    if ([news.certificateOf.endpoint, news.trustedBy.endpoint, news.certificateOf.password, news.trustedBy.password].some(isUnknown)) {
      return { inputs: { ...news, liveStatus: "unknown" } };
    }
    const live = await observeTrust(news);
    return { inputs: { ...news, liveStatus: live.status, liveFingerprintSha256: live.fingerprint } };
  },

  async diff(_id, olds, news) {
    const replaces = (["certificateOf", "trustedBy"] as const).filter((k) => olds[k]?.endpoint !== news[k]?.endpoint);
    const credentialsChanged = (["certificateOf", "trustedBy"] as const).some((k) => !sameConnection(olds[k], news[k]));
    const rebuilt = news.liveStatus === "missing" || (news.liveFingerprintSha256 !== undefined && news.liveFingerprintSha256 !== olds.fingerprintSha256);
    return { changes: replaces.length > 0 || credentialsChanged || rebuilt, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = await ensureTrusted(inputs);
    return { id: `${inputs.trustedBy.name}-trusts-${inputs.certificateOf.name}`, outs };
  },

  async update(_id, olds, news) {
    return { outs: await ensureTrusted(news, olds) };
  },

  async read(id, props) {
    if (!props) throw new Error(`ReplicationCertificateTrust ${id}: import is not supported`);
    const live = await observeTrust(props);
    const outputs: TrustOutputs = { ...props, liveStatus: live.status, liveFingerprintSha256: live.fingerprint ?? props.liveFingerprintSha256 };
    if (live.status === "missing") {
      progressLog(`ReplicationCertificateTrust ${id}`)(`${props.trustedBy.name} no longer trusts the current certificate of ${props.certificateOf.name}; the next up uploads it`);
      outputs.certificateId = "";
    }
    return { id, props: outputs };
  },

  async delete(id, props) {
    // A trust that was in place before this resource (adopted) may serve other links and stacks: keep it.
    if (!props.certificateId || props.uploaded !== true) {
      if (props.certificateId) progressLog(`ReplicationCertificateTrust ${id}`)(`left certificate ${props.certificateId} trusted on ${props.trustedBy.name}: it was there before this resource`);
      return;
    }
    try {
      const trustedBy = connect(props.trustedBy);
      await trustedBy.deleteCertificate(props.certificateId);
      forgetCertificateFacts(trustedBy.endpoint);
    } catch (err) {
      const e = err as { status?: number; message: string };
      if (e.status === 404) return; // already gone (e.g. the system was rebuilt)
      throw new Error(`ReplicationCertificateTrust ${id}: could not remove the certificate from ${props.trustedBy.name}: ${e.message}`);
    }
  },
});
