import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";

/**
 * One TLS context per private CA, shared by every client: building it parses the public roots plus the
 * CA, which would otherwise happen again for each client and each connection.
 */
const secureContexts = new Map<string, SecureContext>();

export function secureContextTrusting(caCertificate: string): SecureContext {
  let context = secureContexts.get(caCertificate);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, caCertificate] });
    secureContexts.set(caCertificate, context);
  }
  return context;
}
