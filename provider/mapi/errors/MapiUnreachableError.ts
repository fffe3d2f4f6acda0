import { MapiError } from "./MapiError";

export interface MapiUnreachableErrorDetails {
  method: string;
  url: string;
  path: string;
  /** The network error code, e.g. `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`. */
  code?: string;
  /** The network error's own message (no request data). */
  causeMessage: string;
}

/** The system did not answer: connection refused or reset, name not resolved, network down, timeout. */
export class MapiUnreachableError extends MapiError {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly code?: string;

  constructor(details: MapiUnreachableErrorDetails, message?: string) {
    super(
      message ??
        `Cannot reach ${details.url} (${details.method}): ${details.causeMessage}${
          details.code && !details.causeMessage.includes(details.code) ? ` (${details.code})` : ""
        }`,
      { code: details.code, message: details.causeMessage },
    );
    this.name = "MapiUnreachableError";
    this.method = details.method;
    this.url = details.url;
    this.path = details.path;
    if (details.code !== undefined) this.code = details.code;
  }
}
