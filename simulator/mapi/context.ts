import { notFound } from "../errors";
import type { LinkRecord } from "../model/link";
import type { SystemModel } from "../model/system";
import type { World } from "../model/world";
import type { Route } from "../router";
import { decodeBody, type Fields, type Reply } from "../wire";

/** What a MAPI handler receives: the system addressed, the request, and the authenticated account's rights already checked. */
export interface MapiRequest {
  readonly world: World;
  readonly system: SystemModel;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  /** `?verbose=true`: include read-only properties. */
  readonly verbose: boolean;
}

export type MapiHandler = (request: MapiRequest) => Reply;
export type MapiRoute = Route<MapiHandler>;

/** The MAPI base path of the replication service. */
export const REPLICATION_BASE = "/mapi/services/replication";

/** The link named in the path (case-insensitive), or 404. */
export function requireLink(request: MapiRequest): LinkRecord {
  const name = request.params["link"] ?? "";
  const record = request.system.link(name);
  if (!record) throw notFound(`Link '${name}' does not exist on ${request.system.name}`);
  return record;
}

/** The request body as a document of data type `root`. */
export function bodyOf(request: MapiRequest, root: string): Fields {
  return decodeBody(request.body, request.contentType, root);
}

/** Query parameter names other than the formatting ones (`verbose`, `prettyprint`). */
export function operationParams(query: URLSearchParams): string[] {
  return [...new Set(query.keys())].filter((key) => key !== "verbose" && key !== "prettyprint");
}
