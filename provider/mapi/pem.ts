/**
 * Facts about PEM certificates (node:crypto only): fingerprint, subject, validity, and comparison.
 * Used to decide whether a system trusts another system's current replication server certificate.
 */
import { X509Certificate, createHash } from "node:crypto";
import { parseMapiDate } from "./dates";

export interface PemFacts {
  /** Subject as `CN=…, O=…` (attribute order as in the certificate). */
  subjectDN: string;
  /** ISO 8601. */
  validOn: string;
  /** ISO 8601. */
  expiresOn: string;
  /** SHA-256 of the DER encoding, uppercase hex pairs joined by colons. */
  fingerprintSha256: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/;

/** The DER bytes of the first certificate in a PEM text, or undefined if there is none. */
export function pemToDer(pem: string): Buffer | undefined {
  const match = PEM_BLOCK.exec(pem);
  if (!match) return undefined;
  const der = Buffer.from(match[1].replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  return der.length > 0 ? der : undefined;
}

function colonHex(buf: Buffer): string {
  return (buf.toString("hex").toUpperCase().match(/../g) ?? []).join(":");
}

/** SHA-256 fingerprint of the certificate's DER bytes (`AB:CD:…`), or undefined if the text holds none. */
export function fingerprintSha256(pem: string): string | undefined {
  const der = pemToDer(pem);
  return der ? colonHex(createHash("sha256").update(der).digest()) : undefined;
}

/** Subject, validity and fingerprint of a PEM certificate; throws a plain Error if it cannot be parsed. */
export function pemFacts(pem: string): PemFacts {
  const der = pemToDer(pem);
  if (!der) throw new Error("not a PEM certificate (no -----BEGIN CERTIFICATE----- block)");
  const cert = new X509Certificate(der);
  return {
    subjectDN: cert.subject.split("\n").filter(Boolean).join(", "),
    validOn: new Date(cert.validFrom).toISOString(),
    expiresOn: new Date(cert.validTo).toISOString(),
    fingerprintSha256: colonHex(createHash("sha256").update(der).digest()),
  };
}

/** True when both texts hold the same certificate (same DER bytes), whatever their line endings. */
export function samePemCertificate(a: string, b: string): boolean {
  const da = pemToDer(a);
  const db = pemToDer(b);
  return da !== undefined && db !== undefined && da.equals(db);
}

/** True when two date texts denote the same second (`±hhmm` from HCP, ISO 8601 from here). */
export function sameInstant(a: string, b: string): boolean {
  const ta = parseMapiDate(a);
  const tb = parseMapiDate(b);
  return ta !== undefined && tb !== undefined && Math.abs(ta - tb) < 1000;
}
