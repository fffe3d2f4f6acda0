import { MapiError } from "./MapiError";

export interface MapiHttpErrorDetails {
  status: number;
  method: string;
  /** Full URL without credentials, e.g. `https://host:9090/mapi/services/replication/links/l1?beginRecovery`. */
  url: string;
  /** The path and query part of `url`. */
  path: string;
  /** The `X-HCP-ErrorMessage` response header, when present. */
  hcpErrorMessage?: string;
  statusText?: string;
  /** The `X-HCP-SoftwareVersion` response header, when present. */
  softwareVersion?: string;
}

/**
 * The system answered with an error status. The message reads
 * `HTTP 400 from POST https://host:9090/mapi/services/replication/links/l1?beginRecovery: <X-HCP-ErrorMessage>`.
 */
export class MapiHttpError extends MapiError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly hcpErrorMessage?: string;
  readonly softwareVersion?: string;

  constructor(details: MapiHttpErrorDetails) {
    const reason = details.hcpErrorMessage || details.statusText || "no X-HCP-ErrorMessage";
    super(`HTTP ${details.status} from ${details.method} ${details.url}: ${reason}`);
    this.name = "MapiHttpError";
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.path = details.path;
    if (details.hcpErrorMessage !== undefined) this.hcpErrorMessage = details.hcpErrorMessage;
    if (details.softwareVersion !== undefined) this.softwareVersion = details.softwareVersion;
  }
}
