/**
 * Whether a step of a workflow table applies, from the observation and the options: the conditions the
 * tables name (`Condition` in provider/model/types.ts).
 */
import { restoreLeavesPendingRequest, STATUS_MESSAGES } from "../mapi/assumptions";
import type { Condition, Observation, PhaseAnalysis, PlanOptions, Side, When } from "../model/types";
import { isBehind } from "./dataBehind";
import { bothInContact } from "./lag";
import { isSuspended } from "./phase";

/** What a condition reads: the analysis, the observation, the options, and the workflow's survivor. */
export interface ConditionContext {
  readonly analysis: PhaseAnalysis;
  readonly obs: Observation;
  readonly opts: PlanOptions;
  /** The system that keeps serving in the workflow being walked. */
  readonly survivor: Side;
}

type Evaluator = (ctx: ConditionContext) => boolean;

const other = (side: Side): Side => (side === "primary" ? "replica" : "primary");

/** The system that keeps the link answers with it, and the other answers without it. */
const linkBroken: Evaluator = ({ obs, survivor }) => {
  const lost = other(survivor);
  return obs[survivor].reachable && !!obs[survivor].link && obs[lost].reachable && obs[lost].link === null;
};

/**
 * DNS failover as the system that takes over reports it (it broadcasts the new DNS configuration), else as
 * the other system reports it, else as declared; off when nobody says (the plan then tells the operator).
 */
export function dnsFailoverOn(obs: Observation, survivor: Side, declared: boolean | undefined): boolean {
  const reported = [survivor, other(survivor)].map((s) => (obs[s].reachable ? obs[s].service?.dnsFailover : undefined)).find((v) => v !== undefined);
  return reported ?? declared ?? false;
}

const EVALUATORS: Readonly<Record<Condition, Evaluator>> = {
  dnsFailoverOff: ({ obs, opts, survivor }) => !dnsFailoverOn(obs, survivor, opts.dnsFailover),
  linkBroken,
  systemRebuilt: linkBroken,
  crossRelease: ({ obs }) => restoreLeavesPendingRequest(obs.primary.softwareVersion, obs.replica.softwareVersion),
  pendingRequest: ({ obs }) =>
    (["primary", "replica"] as const).some((side) => {
      const message = obs[side].reachable ? obs[side].link?.statusMessage : undefined;
      return message === STATUS_MESSAGES.pending || message === STATUS_MESSAGES.pendingRemoteReply;
    }),
  // Before recovery begins it will be behind; once it runs, the statistics say (unreported: behind).
  recoveryBehind: ({ analysis, obs, opts }) => analysis.phase !== "recovering" || isBehind(obs, opts.completeRecoveryWhenBehindSeconds),
  survivorSuspended: ({ obs, survivor }) => obs[survivor].reachable && isSuspended(obs[survivor].link),
  plannedSwitchover: ({ obs, opts }) => opts.acceptDataLoss !== true && bothInContact(obs),
  dataLossAccepted: ({ opts }) => opts.acceptDataLoss === true,
};

/** True when `when` is absent or one of its lists holds entirely. */
export function applies(when: When | undefined, ctx: ConditionContext): boolean {
  if (!when) return true;
  return when.some((all) => all.every((c) => EVALUATORS[c](ctx)));
}
