import { MapiUnreachableError, type MapiUnreachableErrorDetails } from "./MapiUnreachableError";

/**
 * Not sent: the system failed to connect a moment ago (see reachability.ts), so the request fails at once
 * instead of waiting for another connect timeout. A kind of {@link MapiUnreachableError}.
 */
export class MapiNotTriedError extends MapiUnreachableError {
  /** When the system is next tried (ms since the epoch). */
  readonly retryAt: number;

  constructor(details: MapiUnreachableErrorDetails & { failedAgoMs: number; retryAt: number }) {
    super(
      { ...details, code: "ENOTTRIED" },
      `Not tried ${details.method} ${details.url}: the system failed to connect ${Math.round(details.failedAgoMs / 1000)} s ago ` +
        `(${details.causeMessage}); it is tried again from ${new Date(details.retryAt).toISOString()}`,
    );
    this.name = "MapiNotTriedError";
    this.retryAt = details.retryAt;
  }
}
