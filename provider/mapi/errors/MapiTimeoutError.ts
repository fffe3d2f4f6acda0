import { MapiUnreachableError, type MapiUnreachableErrorDetails } from "./MapiUnreachableError";

/** No answer within the client's `timeoutMs`. A kind of {@link MapiUnreachableError}. */
export class MapiTimeoutError extends MapiUnreachableError {
  readonly timeoutMs: number;

  constructor(details: MapiUnreachableErrorDetails & { timeoutMs: number }) {
    super(
      { ...details, code: details.code ?? "ETIMEDOUT" },
      `No answer from ${details.method} ${details.url} within ${details.timeoutMs} ms (timeoutMs)`,
    );
    this.name = "MapiTimeoutError";
    this.timeoutMs = details.timeoutMs;
  }
}
