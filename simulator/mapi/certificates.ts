import { describeCertificate, firstPemCertificate } from "../certs";
import { SimError, badRequest, notFound, unsupportedMediaType } from "../errors";
import {
  CERTIFICATE_LIST_INCLUDES_SERVER,
  CERTIFICATE_MEDIA_TYPE,
  CERTIFICATE_UPLOAD_MEDIA_TYPES,
  DUPLICATE_CERTIFICATE_STATUS,
  SERVER_CERTIFICATE_ID,
  formatMapiDate,
} from "../model/assumptions";
import { OK, mediaType, type Reply, type WireObject } from "../wire";
import type { TrustedCertificate } from "../model/system";
import type { MapiRequest } from "./context";

/** `/certificates`: this system's replication server certificate and the certificates it trusts. */

export function listCertificates(request: MapiRequest): Reply {
  const { system } = request;
  const items: WireObject[] = [];
  if (CERTIFICATE_LIST_INCLUDES_SERVER) items.push(listItem(SERVER_CERTIFICATE_ID, system.serverCertificate));
  for (const trusted of system.trusted.values()) items.push(listItem(trusted.id, trusted));
  return { status: 200, doc: { root: "certificates", body: { certificate: items } } };
}

function listItem(id: string, info: { subjectDN: string; validOn: string; expiresOn: string }): WireObject {
  return { id, subjectDN: info.subjectDN, validOn: formatMapiDate(Date.parse(info.validOn)), expiresOn: formatMapiDate(Date.parse(info.expiresOn)) };
}

/** PUT: the body is the PEM of a certificate to trust. */
export function uploadCertificate(request: MapiRequest): Reply {
  const { system } = request;
  const type = mediaType(request.contentType);
  if (!type || !CERTIFICATE_UPLOAD_MEDIA_TYPES.includes(type)) {
    throw unsupportedMediaType(`Upload a certificate with Content-Type ${CERTIFICATE_UPLOAD_MEDIA_TYPES.join(" or ")}`);
  }
  const pem = firstPemCertificate(request.body.toString("utf8"));
  if (!pem) throw badRequest("The body is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
  let info;
  try {
    info = describeCertificate(pem);
  } catch (error) {
    throw badRequest(`The certificate cannot be read: ${(error as Error).message}`);
  }
  if (info.fingerprintSha256 === system.serverCertificate.fingerprintSha256) {
    throw new SimError(DUPLICATE_CERTIFICATE_STATUS, "This is the system's own replication server certificate");
  }
  if (!system.trust(info)) throw new SimError(DUPLICATE_CERTIFICATE_STATUS, `Certificate ${info.subjectDN} is already trusted`);
  system.lastTrustUploadAt = request.world.clock.now();
  system.events.notice(`Replication certificate uploaded: ${info.subjectDN}`);
  return OK;
}

/** Needs the administrator role (ADMINISTRATOR_ONLY_READS, checked with the other role rules). */
export function getServerCertificate(request: MapiRequest): Reply {
  return { status: 200, raw: { contentType: CERTIFICATE_MEDIA_TYPE, body: request.system.serverCertificate.pem } };
}

export function getCertificate(request: MapiRequest): Reply {
  const certificate = requireTrusted(request);
  return { status: 200, raw: { contentType: CERTIFICATE_MEDIA_TYPE, body: certificate.pem } };
}

export function deleteCertificate(request: MapiRequest): Reply {
  const certificate = requireTrusted(request);
  request.system.trusted.delete(certificate.id);
  request.system.events.notice(`Replication certificate deleted: ${certificate.subjectDN}`);
  return OK;
}

function requireTrusted(request: MapiRequest): TrustedCertificate {
  const id = request.params["id"] ?? "";
  const certificate = request.system.trusted.get(id.toLowerCase());
  if (!certificate) throw notFound(`No certificate with id '${id}' on ${request.system.name}`);
  return certificate;
}
