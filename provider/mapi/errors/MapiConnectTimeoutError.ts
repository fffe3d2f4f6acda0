import { MapiTimeoutError } from "./MapiTimeoutError";
import type { MapiUnreachableErrorDetails } from "./MapiUnreachableError";

/**
 * The TCP connection and TLS handshake did not complete within `connectTimeoutMs`: what a system whose
 * network died (it accepts nothing or answers nothing) looks like. A kind of {@link MapiTimeoutError}.
 */
export class MapiConnectTimeoutError extends MapiTimeoutError {
  readonly connectTimeoutMs: number;

  constructor(details: MapiUnreachableErrorDetails & { connectTimeoutMs: number }) {
    super({ ...details, timeoutMs: details.connectTimeoutMs });
    this.message =
      `No connection to ${new URL(details.url).origin} for ${details.method} ${details.path}: the TCP connect and TLS ` +
      `handshake did not complete within ${formatMs(details.connectTimeoutMs)} (connect timeout)`;
    this.name = "MapiConnectTimeoutError";
    this.connectTimeoutMs = details.connectTimeoutMs;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
