/** Which kind of link the systems report: active/active when either side says so, else active/passive. */
import { ACTIVE_ACTIVE_LINK_TYPE, OUT_OF_CONTACT_MESSAGES } from "../mapi/assumptions";
import type { LinkKind, Observation, Side } from "../model/types";

/** True when either side reports the link as active/active. */
export function isActiveActiveObservation(obs: Observation): boolean {
  return (["primary", "replica"] as const).some((s) => obs[s].reachable && obs[s].link?.type === ACTIVE_ACTIVE_LINK_TYPE);
}

/** The link's kind as the systems that answer report it (active/passive when none reports a link). */
export function linkKindOf(obs: Observation): LinkKind {
  return isActiveActiveObservation(obs) ? "ACTIVE_ACTIVE" : "ACTIVE_PASSIVE";
}

/** True when a system that answers reports the link, so the kind read is the link's own. */
export function linkSeen(obs: Observation): boolean {
  return (["primary", "replica"] as const).some((s) => obs[s].reachable && !!obs[s].link);
}

/** True when `side` cannot be told of a failover now: it does not answer, or cannot reach its peer. */
export function outOfContact(obs: Observation, side: Side): boolean {
  if (!obs[side].reachable) return true;
  return OUT_OF_CONTACT_MESSAGES.includes(obs[side].link?.statusMessage ?? "");
}
