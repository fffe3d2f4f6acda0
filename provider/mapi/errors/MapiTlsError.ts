import { MapiUnreachableError, type MapiUnreachableErrorDetails } from "./MapiUnreachableError";

/**
 * The TLS handshake failed, usually because the system's certificate is not signed by a trusted CA or
 * does not name the host. The connection is refused (fails closed). A kind of {@link MapiUnreachableError}.
 */
export class MapiTlsError extends MapiUnreachableError {
  constructor(details: MapiUnreachableErrorDetails) {
    super(
      details,
      `TLS verification failed for ${details.url} (${details.method}): ${details.causeMessage}` +
        `${details.code ? ` (${details.code})` : ""}. Set caCertificate to the PEM of the CA that signed the ` +
        `system's certificate (insecureSkipTlsVerify turns verification off and is not recommended)`,
    );
    this.name = "MapiTlsError";
  }
}
