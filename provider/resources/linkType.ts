/**
 * The declared link type against the live one: nothing to do, a conversion from active/passive to
 * active/active (HCP allows it; it suspends the link until resumed), or a refusal (active/active to
 * active/passive and reversing a link are impossible on HCP). Pure.
 */
import { ACTIVE_ACTIVE_LINK_TYPE, PRIMARY_LINK_TYPE, REPLICA_LINK_TYPE } from "../mapi/assumptions";
import type { LinkType } from "../mapi/types";
import { describeRefusal } from "../model/format";
import type { LinkPhase, Observation } from "../model/types";
import type { LinkKind } from "./replicationLink";

export type TypeChange = { kind: "none" } | { kind: "convert"; line: string } | { kind: "refuse"; reason: string };

export interface TypeContext {
  linkName: string;
  primaryName: string;
  replicaName: string;
  /** The active/passive phase, when the live link is active/passive. */
  phase: LinkPhase;
}

type Side = "primary" | "replica";

function liveTypes(obs: Observation): Partial<Record<Side, LinkType>> {
  const out: Partial<Record<Side, LinkType>> = {};
  for (const side of ["primary", "replica"] as const) {
    const link = obs[side].reachable ? obs[side].link : undefined;
    if (link) out[side] = link.type;
  }
  return out;
}

function foundWords(types: Partial<Record<Side, LinkType>>, ctx: TypeContext): string {
  const parts = (["primary", "replica"] as const).flatMap((s) => (types[s] ? [`type ${types[s]} on ${s === "primary" ? ctx.primaryName : ctx.replicaName} (${s})`] : []));
  return parts.join(" and ");
}

export function typeChangeOf(declared: LinkKind, obs: Observation, ctx: TypeContext): TypeChange {
  const types = liveTypes(obs);
  const seen = Object.values(types);
  if (seen.length === 0) return { kind: "none" };
  const L = `link ${ctx.linkName}`;
  const found = foundWords(types, ctx);
  const liveActiveActive = seen.includes(ACTIVE_ACTIVE_LINK_TYPE);
  if (declared === "ACTIVE_ACTIVE" && liveActiveActive) return { kind: "none" };
  if (declared === "ACTIVE_PASSIVE" && liveActiveActive) {
    return refuse({
      reason: `HCP cannot convert an active/active link to active/passive, so type "ACTIVE_PASSIVE" cannot be applied to ${L}`,
      found,
      expected: `type "ACTIVE_ACTIVE" declared for ${L}, as it is on the systems`,
      wayForward:
        `Declare type: "ACTIVE_ACTIVE". To replicate active/passive instead, create a new ACTIVE_PASSIVE link under ` +
        `another linkName (a tenant can be on the new link only once it is off this one), or delete this link first ` +
        `(suspend it, set allowDeletion: true, remove the resource).`,
    });
  }
  const reversed = types.primary === REPLICA_LINK_TYPE || types.replica === PRIMARY_LINK_TYPE;
  if (reversed) {
    return refuse({
      reason: `${L} replicates from ${ctx.replicaName} to ${ctx.primaryName}, the other way round from this resource, and HCP cannot reverse a link`,
      found,
      expected: `type ${PRIMARY_LINK_TYPE} on ${ctx.primaryName} (primary) and ${REPLICA_LINK_TYPE} on ${ctx.replicaName} (replica)`,
      wayForward: `Swap primary and replica in this resource, or check linkName.`,
    });
  }
  if (declared === "ACTIVE_PASSIVE") return { kind: "none" };
  // Declared active/active, live active/passive: HCP converts it, but only a replicating link has one direction to convert.
  if (ctx.phase !== "replicating" || !types.primary || !types.replica) {
    return refuse({
      reason: `${L} can be converted to active/active only while it replicates from ${ctx.primaryName} to ${ctx.replicaName} with both systems answering`,
      found: `${found}; phase ${ctx.phase}${!types.primary ? `; ${ctx.primaryName} (primary) not read or without the link` : ""}${!types.replica ? `; ${ctx.replicaName} (replica) not read or without the link` : ""}`,
      expected: `an active/passive link replicating ${ctx.primaryName} -> ${ctx.replicaName}`,
      wayForward:
        `Keep type: "ACTIVE_PASSIVE" until the link replicates again (a ReplicationFailover with state "replicating" ` +
        `runs the recovery), then declare "ACTIVE_ACTIVE" and run \`pulumi up\`.`,
    });
  }
  return {
    kind: "convert",
    line:
      `4. type: ACTIVE_PASSIVE -> ACTIVE_ACTIVE on ${ctx.primaryName} (primary); HCP suspends the link, which is then ` +
      `resumed on ${ctx.primaryName} and ${ctx.replicaName}`,
  };
}

function refuse(r: { reason: string; found: string; expected: string; wayForward: string }): TypeChange {
  return { kind: "refuse", reason: describeRefusal(r) };
}
