import { SimError, badRequest } from "../errors";
import { HEAD_MISSING_STATUS } from "../model/assumptions";
import { convertLinkType, createLink, deleteLink, updateLinkSettings } from "../model/topology";
import { OK, nameList, type Reply } from "../wire";
import { runLinkAction } from "./actions";
import { bodyOf, operationParams, requireLink, type MapiRequest } from "./context";
import { encodeLink, readLinkPatch, readNewLink } from "./linkShape";

/** `/links` and `/links/<link>`: list, create, read, exists, modify or act, delete. */

export function listLinks(request: MapiRequest): Reply {
  return { status: 200, doc: nameList("links", [...request.system.links.values()].map((record) => record.name)) };
}

export function putLink(request: MapiRequest): Reply {
  createLink(request.world, request.system, readNewLink(bodyOf(request, "link"), request.system));
  return OK;
}

export function getLink(request: MapiRequest): Reply {
  const record = requireLink(request);
  return { status: 200, doc: { root: "link", body: encodeLink(request.world, request.system, record, request.verbose) } };
}

export function headLink(request: MapiRequest): Reply {
  const name = request.params["link"] ?? "";
  if (!request.system.link(name)) throw new SimError(HEAD_MISSING_STATUS, `Link '${name}' does not exist on ${request.system.name}`);
  return { status: 200 };
}

/** POST with one action query parameter runs the action; without, the body modifies the link. */
export function postLink(request: MapiRequest): Reply {
  const record = requireLink(request);
  const acted = operationParams(request.query).length > 0 ? runLinkAction(request, record) : undefined;
  if (acted) return acted;
  const { settings, convertTo } = readLinkPatch(bodyOf(request, "link"), record);
  const { peer } = request.world.peerOf(record);
  const target = request.world.resolveHost(settings.connection.remoteHost);
  if (!target || target !== peer) {
    throw badRequest(`connection.remoteHost '${settings.connection.remoteHost}' must designate the link's remote system ${record.peer}`);
  }
  if (convertTo) convertLinkType(request.world, request.system, record, convertTo);
  updateLinkSettings(request.world, request.system, record, settings);
  return OK;
}

export function removeLink(request: MapiRequest): Reply {
  deleteLink(request.world, request.system, requireLink(request));
  return OK;
}
