import { badRequest } from "../errors";
import { LINK_ACTIONS, type LinkAction } from "../model/assumptions";
import { runAction } from "../model/actions";
import type { LinkRecord } from "../model/link";
import { OK, type Reply } from "../wire";
import { operationParams, type MapiRequest } from "./context";

/** `POST links/<link>?<action>`: exactly one of the seven actions, no body. */
export function runLinkAction(request: MapiRequest, record: LinkRecord): Reply {
  const params = operationParams(request.query);
  if (params.length > 1) throw badRequest(`Only one action per request; got ${params.join(", ")}`);
  const action = params[0] ?? "";
  if (!isLinkAction(action)) throw badRequest(`Unknown action '${action}' (actions: ${LINK_ACTIONS.join(", ")})`);
  if (request.body.length > 0) throw badRequest(`The ${action} action takes no request body`);
  runAction(request.world, request.system, record, action);
  return OK;
}

function isLinkAction(value: string): value is LinkAction {
  return (LINK_ACTIONS as readonly string[]).includes(value);
}
