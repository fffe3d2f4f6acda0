/**
 * Whether a step of a workflow table applies, from the observation and the options: the conditions the
 * tables name (provider/workflows/types.ts, `Condition`).
 */
import { restoreLeavesPendingRequest, STATUS_MESSAGES } from "../mapi/assumptions";
import type { Condition, PlanContext, When, Workflow } from "../workflows/types";
import { isBehind } from "./dataBehind";
import { isSuspended } from "./phase";

type Evaluator = (ctx: PlanContext, workflow: Workflow) => boolean;

const other = (side: "primary" | "replica") => (side === "primary" ? "replica" : "primary");

/** The system that keeps the link answers with it, and the other answers without it. */
const linkBroken: Evaluator = ({ obs, opts }, workflow) => {
  const keeper = workflow.survivor(opts);
  const lost = other(keeper);
  return obs[keeper].reachable && !!obs[keeper].link && obs[lost].reachable && obs[lost].link === null;
};

const EVALUATORS: Readonly<Record<Condition, Evaluator>> = {
  dnsFailoverOff: ({ opts }) => !opts.dnsFailover,
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
  survivorSuspended: ({ obs, opts }, workflow) => {
    const side = workflow.survivor(opts);
    return obs[side].reachable && isSuspended(obs[side].link);
  },
};

/** True when `when` is absent or one of its lists holds entirely. */
export function applies(when: When | undefined, ctx: PlanContext, workflow: Workflow): boolean {
  if (!when) return true;
  return when.some((all) => all.every((c) => EVALUATORS[c](ctx, workflow)));
}
