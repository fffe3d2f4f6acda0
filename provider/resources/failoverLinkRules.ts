/**
 * The rules of ReplicationFailover that depend on the link's kind, which only the systems tell: `state`
 * must be one the kind's tables have a route to, and `failOverTo` one the kind has. Check reports a broken
 * rule as a CheckFailure naming the input, so preview fails; so is a paused tenant the link does not carry. Pure.
 */
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { describeRefusal } from "../model/format";
import type { Observation, PlanOptions } from "../model/types";
import { declaredStatesOf } from "../planner";
import { unknownTenants } from "../readings/items";
import { linkKindOf, linkSeen } from "../readings/linkKind";
import { LINK_MODELS } from "../workflows";
import type { FailoverInputs } from "./replicationFailover";

export function linkTypeFailures(inputs: FailoverInputs, obs: Observation): CheckFailure[] {
  const opts: PlanOptions = {
    linkName: inputs.link,
    primaryName: inputs.primary.name,
    replicaName: inputs.replica.name,
    ...(inputs.failOverTo ? { failOverTo: inputs.failOverTo } : {}),
    dnsFailover: false,
    completeRecoveryWhenBehindSeconds: 0,
    ...(inputs.pausedTenants ? { pausedTenants: inputs.pausedTenants } : {}),
  };
  const onLink = obs.tenants ? Object.keys(obs.tenants.statuses) : [];
  const strangers = unknownTenants(obs, opts).map((t) => ({
    property: `pausedTenants[${inputs.pausedTenants!.indexOf(t)}]`,
    reason: `pausedTenants[${inputs.pausedTenants!.indexOf(t)}] "${t}" is not a tenant of link ${inputs.link}; its tenants: ${onLink.join(", ") || "none"}`,
  }));
  if (strangers.length > 0) return strangers;
  const kind = linkKindOf(obs);
  const model = LINK_MODELS[kind];
  // The kind is known for sure only where a system that answers shows the link.
  if (linkSeen(obs)) {
    if (!declaredStatesOf(kind).includes(inputs.state)) return [{ property: "state", reason: describeRefusal(model.noWorkflow(inputs.state, opts)) }];
    if (!model.failOverTargets.includes(inputs.failOverTo ?? "replica")) {
      return [{ property: "failOverTo", reason: describeRefusal(model.noWorkflow(inputs.state, opts)) }];
    }
  }
  return [];
}
