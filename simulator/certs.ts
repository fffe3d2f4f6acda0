import * as crypto from "node:crypto";
import forge from "node-forge";
import { formatTimestamp } from "./model/assumptions";

/**
 * Certificates made at start: a private CA, one TLS certificate per listener (issued by the CA), and
 * one replication server certificate per system (self-signed, what `certificates/server` returns).
 * Keys come from Node's crypto (fast, native); node-forge builds the X.509 structures, and the
 * signature is computed by Node too (forge's pure-JS RSA takes ~150 ms per signature).
 */

/** A private key with the PEM of its certificate. */
export interface KeyAndCertificate {
  readonly keyPem: string;
  readonly certPem: string;
}

/** The CA that issues the listeners' TLS certificates. */
export interface CertificateAuthority extends KeyAndCertificate {
  readonly key: crypto.KeyObject;
  readonly cert: forge.pki.Certificate;
}

/** What the MAPI certificate list shows of a certificate. */
export interface CertificateInfo {
  readonly pem: string;
  /** Lowercase hex SHA-256 of the DER, no separators. */
  readonly fingerprintSha256: string;
  readonly subjectDN: string;
  readonly validOn: string;
  readonly expiresOn: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * DAY_MS;

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017, section 9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from("3031300d060960864801650304020105000420", "hex");

/** Generates an RSA 2048 key pair off the main thread. */
export function generateRsaKey(): Promise<crypto.KeyObject> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair("rsa", { modulusLength: 2048 }, (error, _publicKey, privateKey) => {
      if (error) reject(error);
      else resolve(privateKey);
    });
  });
}

/** Creates a self-signed CA valid for ten years. */
export async function createCertificateAuthority(commonName: string): Promise<CertificateAuthority> {
  const key = await generateRsaKey();
  const cert = newCertificate(key, [{ name: "organizationName", value: "HCP Simulator" }, { name: "commonName", value: commonName }], 10 * YEAR_MS);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signWith(cert, key);
  return { key, cert, keyPem: exportKey(key), certPem: forge.pki.certificateToPem(cert) };
}

/** Issues a TLS server certificate for a listener, with SAN IP:127.0.0.1, DNS:localhost and `dnsNames`. */
export function issueServerCertificate(
  ca: CertificateAuthority,
  key: crypto.KeyObject,
  commonName: string,
  dnsNames: readonly string[],
): KeyAndCertificate {
  const cert = newCertificate(key, [{ name: "organizationName", value: "HCP Simulator" }, { name: "commonName", value: commonName }], 2 * YEAR_MS);
  cert.setIssuer(ca.cert.subject.attributes);
  const names = [...new Set(["localhost", ...dnsNames])];
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [...names.map((value) => ({ type: 2, value })), { type: 7, ip: "127.0.0.1" }] },
  ]);
  signWith(cert, ca.key);
  return { keyPem: exportKey(key), certPem: forge.pki.certificateToPem(cert) };
}

/** Creates a system's replication server certificate: self-signed, new key, expiring in `expiresInDays` (negative: expired). */
export async function createReplicationCertificate(hostName: string, systemName: string, expiresInDays = 5 * 365): Promise<KeyAndCertificate> {
  const key = await generateRsaKey();
  const cert = newCertificate(
    key,
    [
      { name: "organizationName", value: "HCP Simulator" },
      { name: "organizationalUnitName", value: `Replication ${systemName}` },
      { name: "commonName", value: hostName },
    ],
    expiresInDays * DAY_MS,
  );
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: hostName }] },
  ]);
  signWith(cert, key);
  return { keyPem: exportKey(key), certPem: forge.pki.certificateToPem(cert) };
}

/** The first `-----BEGIN CERTIFICATE-----` block of `text`, or undefined. */
export function firstPemCertificate(text: string): string | undefined {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  return match ? `${match[0]}\n` : undefined;
}

/** Parses a PEM certificate; throws when it is not one. */
export function describeCertificate(pem: string): CertificateInfo {
  const x509 = new crypto.X509Certificate(pem);
  return {
    pem: x509.toString(),
    fingerprintSha256: x509.fingerprint256.replace(/:/g, "").toLowerCase(),
    subjectDN: x509.subject.split("\n").reverse().join(", "), // RFC 4514 order: most specific first
    validOn: formatTimestamp(Date.parse(x509.validFrom)),
    expiresOn: formatTimestamp(Date.parse(x509.validTo)),
  };
}

function newCertificate(key: crypto.KeyObject, subject: forge.pki.CertificateField[], lifetimeMs: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  const publicPem = crypto.createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  // Valid from a day ago, or a day before it expired for a certificate already expired.
  cert.validity.notBefore = new Date(Math.min(now, now + lifetimeMs) - DAY_MS);
  cert.validity.notAfter = new Date(now + lifetimeMs);
  cert.setSubject(subject);
  return cert;
}

/** Signs with SHA-256 RSA PKCS#1 v1.5, the RSA operation done by Node. */
function signWith(cert: forge.pki.Certificate, key: crypto.KeyObject): void {
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, Buffer.from(md.digest().getBytes(), "binary")]);
      return crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, digestInfo).toString("binary");
    },
  };
  // forge only calls `key.sign(md)`: the adapter stands in for its pure-JS key type.
  cert.sign(signer as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString("hex");
}

function exportKey(key: crypto.KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}
