import { MapiError } from "./MapiError";

export interface MapiResponseErrorDetails {
  method: string;
  url: string;
  path: string;
  /** The response field at fault, e.g. `link.connection.remoteHost`, when one is. */
  field?: string;
  /** What is wrong, e.g. `missing field link.name` or `not well-formed XML: …`. */
  problem: string;
}

/** The system answered 2xx but the body (or a required header) could not be understood. */
export class MapiResponseError extends MapiError {
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly field?: string;

  constructor(details: MapiResponseErrorDetails) {
    super(`Malformed response from ${details.method} ${details.url}: ${details.problem}`);
    this.name = "MapiResponseError";
    this.method = details.method;
    this.url = details.url;
    this.path = details.path;
    if (details.field !== undefined) this.field = details.field;
  }
}
