/** Test certificates made with node-forge (keys from node:crypto, which is fast). */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

export interface Issued {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function keyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  return { privateKey: key, publicKey, keyPem: privateKey };
}

function base(cn: string, publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = "01" + randomBytes(8).toString("hex");
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  const attrs = [
    { name: "commonName", value: cn },
    { name: "organizationName", value: "pulumi-hcp-replication tests" },
  ];
  cert.setSubject(attrs);
  return cert;
}

/** A self-signed CA. */
export function makeCa(cn = "Test CA"): Issued {
  const { privateKey, publicKey, keyPem } = keyPair();
  const cert = base(cn, publicKey, 30);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem, cert, key: privateKey };
}

/** A TLS server certificate for 127.0.0.1 and localhost, signed by `ca`. */
export function makeServerCert(ca: Issued, cn = "127.0.0.1"): Issued {
  const { privateKey, publicKey, keyPem } = keyPair();
  const cert = base(cn, publicKey, 30);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem, cert, key: privateKey };
}

/** A self-signed certificate standing in for an HCP system's replication server certificate. */
export function makeSelfSigned(cn: string, days = 365): Issued {
  const { privateKey, publicKey, keyPem } = keyPair();
  const cert = base(cn, publicKey, days);
  cert.setIssuer(cert.subject.attributes);
  cert.sign(privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem, cert, key: privateKey };
}
