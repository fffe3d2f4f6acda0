import { badRequest } from "../errors";
import { BEGIN_RECOVERY_SPELLINGS, LINK_ACTIONS, type LinkAction } from "../model/assumptions";
import { runAction } from "../model/actions";
import type { LinkRecord } from "../model/link";
import type { SystemModel } from "../model/system";
import { OK, type Reply } from "../wire";
import { operationParams, type MapiRequest } from "./context";

/**
 * `POST links/<link>?<action>`: exactly one of the seven actions, no body. Which parameter names a
 * system knows, and what it does with others, are per-system quirks (model/assumptions.ts). Undefined:
 * no action to run, the POST modifies the link.
 */
export function runLinkAction(request: MapiRequest, record: LinkRecord): Reply | undefined {
  const { system } = request;
  const params = operationParams(request.query);
  const known = params.map((name) => actionNamed(system, name));
  // HCP ignores a query parameter it does not know (documented); in mode "reject" it is an error.
  const ignoring = system.quirks.unknownActionParameters === "ignore";
  const actions = known.filter((action): action is LinkAction => action !== undefined);
  if (!ignoring && actions.length < params.length) {
    const unknown = params[known.indexOf(undefined)] ?? "";
    throw badRequest(`Unknown action '${unknown}' (actions: ${knownNames(system).join(", ")})`);
  }
  if (actions.length > 1) throw badRequest(`Only one action per request; got ${params.join(", ")}`);
  const action = actions[0];
  // Only parameters it ignores: a plain POST, which modifies the link with its body, if any.
  if (action === undefined) return request.body.length > 0 ? undefined : OK;
  if (request.body.length > 0) throw badRequest(`The ${action} action takes no request body`);
  runAction(request.world, system, record, action);
  return OK;
}

/** The action a query parameter names on this system, if it knows the parameter. */
function actionNamed(system: SystemModel, name: string): LinkAction | undefined {
  if ((BEGIN_RECOVERY_SPELLINGS as readonly string[]).includes(name)) {
    const honoured = system.quirks.beginRecoverySpelling;
    return honoured === "both" || honoured === name ? "beginRecovery" : undefined;
  }
  return (LINK_ACTIONS as readonly string[]).includes(name) ? (name as LinkAction) : undefined;
}

/** The action parameter names this system honours, for the refusal text. */
function knownNames(system: SystemModel): string[] {
  const honoured = system.quirks.beginRecoverySpelling;
  const spellings = honoured === "both" ? [...BEGIN_RECOVERY_SPELLINGS] : [honoured];
  return LINK_ACTIONS.flatMap((action) => (action === "beginRecovery" ? spellings : [action]));
}
