/**
 * The rules of ReplicationFailover that depend on the link's type, which only the systems tell: on an
 * active/active link `state` is "replicating" or "failedOver"; on an active/passive link `failOverTo` is
 * "replica". Check reports a broken rule as a CheckFailure naming the input, so preview fails. Pure.
 */
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { describeRefusal, isActiveActiveObservation, type Observation } from "../planner";
import { noWorkflowFor } from "../workflows/activeActive";
import type { FailoverInputs } from "./replicationFailover";

/** States an active/active link has (the active/active workflow's routes). */
export const ACTIVE_ACTIVE_STATES: readonly string[] = ["replicating", "failedOver"];

export function linkTypeFailures(inputs: FailoverInputs, obs: Observation): CheckFailure[] {
  const opts = { linkName: inputs.link, primaryName: inputs.primary.name, replicaName: inputs.replica.name, failOverTo: inputs.failOverTo };
  const plan = { dnsFailover: false, completeRecoveryWhenBehindSeconds: 0, ...opts };
  if (isActiveActiveObservation(obs)) {
    if (ACTIVE_ACTIVE_STATES.includes(inputs.state)) return [];
    return [{ property: "state", reason: describeRefusal(noWorkflowFor(inputs.state, "ACTIVE_ACTIVE", plan)) }];
  }
  const seen = (["primary", "replica"] as const).some((s) => obs[s].reachable && !!obs[s].link);
  if (seen && inputs.failOverTo === "primary") {
    return [{ property: "failOverTo", reason: describeRefusal(noWorkflowFor(inputs.state, "ACTIVE_PASSIVE", plan)) }];
  }
  return [];
}
