/**
 * The executor: the only module that sends changing requests for the failover workflow.
 *
 * It plans once, then works through the steps in the order of the workflow's table. Before each step it re-observes both
 * systems and re-plans: a step that live state shows done is recorded as already done (so re-running
 * `pulumi up` resumes where the last run stopped), and a step that appears in the fresh plan (such as a
 * pending cross-release request) is taken up in its place. Actions run once and are never retried
 * blindly; waits and a person's action poll until the step leaves the plan or its deadline passes.
 */
import { SYSTEM_MANAGEMENT_CONSOLE_PORT } from "../mapi/assumptions";
import { formatBytes, formatDuration, formatStep, stepPhrase, stepRef } from "../model/format";
import { primaryLabel, replicaLabel } from "../model/labels";
import type { DeclaredState, Edition, LinkPhase, Observation, Plan, PlanOptions, PlannedStep, Refusal, StepAction } from "../model/types";
import { planTransition, tableStep } from "../planner";
import { evaluateCheck } from "../readings/checks";
import { dataBehind } from "../readings/dataBehind";
import { etaOf, type Eta } from "../readings/eta";
import { runDrainStep } from "./drain";
import {
  type ExecutedStep,
  type LastSeen,
  WorkflowError,
  WorkflowRefusedError,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "./errors";
import { WorkflowCancelledError } from "./cancelled";
import { runActionStep, type ActionHost } from "./actionEffects";
import { errorText } from "./errorText";
import { TenantPauseWatch, type TenantStatusReader } from "./tenantPauses";

export {
  type ExecutedStep,
  WorkflowError,
  WorkflowRefusedError,
  WorkflowStepError,
  WorkflowTimeoutError,
} from "./errors";

export interface TransitionRequest {
  /** The state to reach. */
  declared: DeclaredState;
  options: PlanOptions;
  /**
   * Reads both systems (never throws for an unreachable side; see observeSystems). `purpose` "poll": a poll
   * of a wait, which may read the primary only when the replica's answer needs it (ObserveOptions.replicaFirst).
   */
  observe: (purpose?: "poll") => Promise<Observation>;
  /**
   * Sends one link action to one side, as `spelling` when given (another documented query parameter for it),
   * for `step` of the plan. Called once per spelling, and again only after a refusal HCP documents as
   * temporary (actionEffects.ts).
   */
  runAction: (side: "primary" | "replica", action: StepAction, spelling: string | undefined, step: PlannedStep) => Promise<void>;
  /** Reads the link's tenant statuses where recovery sends from, when a wait on it stops progressing. */
  tenants?: TenantStatusReader;
  /** One line of progress per call. */
  log: (line: string) => void;
  /** Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: Date.now. */
  now?: () => number;
  /** Deadline of each wait (recovery progress, a person's acceptance, an action taking effect). */
  waitTimeoutSeconds: number;
  /** Time between polls while waiting. */
  pollIntervalSeconds: number;
  /** MAPI endpoints, named in what a person is asked to do (console address). */
  endpoints?: { primary?: string; replica?: string };
}

export interface TransitionResult {
  /** Every step of the plan (and any taken up on the way), in order, with its outcome. */
  executed: ExecutedStep[];
  /** The observation after the last step. */
  final: Observation;
  /** Its phase. */
  phase: LinkPhase;
}

/** The System Management Console address for a MAPI endpoint (same admin host, port 8000). */
export function consoleAddress(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    const url = new URL(endpoint);
    url.port = String(SYSTEM_MANAGEMENT_CONSOLE_PORT);
    return url.origin;
  } catch {
    return undefined;
  }
}

/** `1,234 objects, 5.6 MB, 6m 40s behind (up to date as of …)`, or `unknown (no statistics)`. */
export function describeDataBehind(obs: Observation): string {
  const d = dataBehind(obs);
  const parts: string[] = [];
  if (d.objects !== undefined) parts.push(`${d.objects.toLocaleString("en-US")} objects`);
  else if (d.bytes !== undefined || d.seconds !== undefined) parts.push("objects pending unknown (not reported)");
  if (d.bytes !== undefined) parts.push(formatBytes(d.bytes));
  if (d.seconds !== undefined) parts.push(`${formatDuration(d.seconds * 1000)} behind (up to date as of ${d.upToDateAsOf})`);
  return parts.length > 0 ? parts.join(", ") : "unknown (the link reports no statistics)";
}

/** `ETA 12m 30s (pending bytes at the current byte rate)`, or why there is none. */
function describeEta(eta: Eta): string {
  return "seconds" in eta ? `ETA ${formatDuration(eta.seconds * 1000)} (${eta.basis})` : `no ETA (${eta.why})`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A step's identity across plans: its workflow and id. */
const keyOf = (step: Pick<PlannedStep, "workflow" | "id">): string => `${step.workflow}:${step.id}`;

const inPlan = (plan: Plan, step: PlannedStep): boolean => plan.ok && plan.steps.some((s) => keyOf(s) === keyOf(step));

/** True when `a` comes before `b` in the same workflow's table. */
const isBefore = (a: PlannedStep, b: PlannedStep): boolean => a.workflow === b.workflow && a.order < b.order;

/** Runs the workflow from the observed phase to `declared`. Throws a {@link WorkflowError} subclass on a stop. */
export async function runTransition(request: TransitionRequest): Promise<TransitionResult> {
  return new Transition(request).run();
}

class Transition {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly executed: ExecutedStep[] = [];
  /** Steps handled in this run (keyOf). */
  private readonly handled = new Set<string>();
  private obs: Observation | undefined;
  private plan: Plan | undefined;
  /** The edition the first plan numbered its steps by: the whole run keeps it. */
  private edition: Edition | undefined;
  /** The last phase a plan could be made in: it settles readings that fault messages make ambiguous. */
  private lastKnownPhase: LinkPhase | undefined;
  private readonly pauses: TenantPauseWatch;

  constructor(private readonly req: TransitionRequest) {
    this.pauses = new TenantPauseWatch(req.tenants, req.options.linkName, req.log);
    this.now = req.now ?? Date.now;
    this.lastKnownPhase = req.options.memory?.lastKnownPhase;
    this.sleep = req.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (!(req.waitTimeoutSeconds > 0)) throw new RangeError("waitTimeoutSeconds must be a positive number");
    if (!(req.pollIntervalSeconds > 0)) throw new RangeError("pollIntervalSeconds must be a positive number");
  }

  private get last(): LastSeen {
    return {
      ...(this.plan ? { phase: this.plan.phase } : {}),
      ...(this.lastKnownPhase ? { lastKnownPhase: this.lastKnownPhase } : {}),
      ...(this.obs ? { observation: this.obs } : {}),
    };
  }

  async run(): Promise<TransitionResult> {
    try {
      return await this.loop();
    } catch (err) {
      if (err instanceof WorkflowCancelledError) throw err.at(this.executed, this.last);
      if (err instanceof WorkflowError) throw err;
      throw new WorkflowStepError(`The workflow stopped unexpectedly: ${errorText(err)}. Re-run \`pulumi up\` to resume.`, {
        causeMessage: errorText(err),
        executed: this.executed,
        ...this.last,
      });
    }
  }

  private async loop(): Promise<TransitionResult> {
    const { req } = this;
    let plan = await this.refresh(undefined);
    this.ensureOk(plan);
    const original = plan.steps;
    if (original.length === 0) {
      req.log(`Link ${req.options.linkName} is ${plan.phase}, as declared ("${req.declared}"): nothing to do.`);
    } else {
      req.log(`Plan from phase ${plan.phase} to "${req.declared}" (${original.length} steps):`);
      if (plan.source) req.log(`  ${plan.source.document}:`);
      for (const s of original) req.log(`  ${formatStep(s)}`);
      for (const w of plan.warnings ?? []) req.log(`WARNING: ${w}`);
    }

    let fresh = true;
    for (;;) {
      if (!fresh) plan = await this.refresh(undefined);
      fresh = false;
      this.ensureOk(plan);
      const next = plan.steps.find((s) => !this.handled.has(keyOf(s)));
      let unsure: PlannedStep | undefined;
      for (const s of original) {
        if (this.handled.has(keyOf(s))) continue;
        if (next && !isBefore(s, next)) break;
        // A wait that seems over while one system is silent may not be (its peer's "Stalled link" hides
        // the phase): wait for both systems to answer before calling it done.
        if ((s.kind === "wait" || s.kind === "operator") && this.someSideSilent()) {
          unsure = s;
          break;
        }
        this.settlePassed(s);
      }
      if (unsure) {
        plan = await this.waitFor(unsure, this.now());
        fresh = true;
        continue;
      }
      if (!next) break;
      const after = await this.runStep(next);
      if (after) {
        plan = after;
        fresh = true;
      }
    }

    const left = plan.ok ? plan.steps.filter((s) => s.kind !== "notice") : [];
    if (left.length > 0) {
      throw new WorkflowStepError(
        `After its steps ran, link ${req.options.linkName} is in phase ${plan.phase} and still needs ` +
          `${left.map((s) => `${stepPhrase(s)} (${s.title})`).join(", ")}, which ran in this run without effect. ` +
          `Check the systems' event logs, then re-run \`pulumi up\`.`,
        { causeMessage: "steps ran without effect", executed: this.executed, ...this.last },
      );
    }
    const final = this.obs as Observation;
    req.log(`Link ${req.options.linkName} is ${plan.phase}: "${req.declared}" reached.`);
    return { executed: [...this.executed], final, phase: plan.phase };
  }

  /** Observes and plans; the failing step (if any) is named when observing itself fails. */
  private async refresh(step: PlannedStep | undefined, purpose?: "poll"): Promise<Plan> {
    let obs: Observation;
    try {
      obs = await this.req.observe(purpose);
    } catch (err) {
      throw new WorkflowStepError(
        `Reading the systems${step ? ` for ${stepPhrase(step)} (${step.title})` : ""} failed: ${errorText(err)}. ` +
          `Re-run \`pulumi up\` to resume.`,
        { ...(step ? { step } : {}), causeMessage: errorText(err), executed: this.executed, ...this.last },
      );
    }
    this.obs = obs;
    const memory = { ...this.req.options.memory, ...(this.lastKnownPhase ? { lastKnownPhase: this.lastKnownPhase } : {}) };
    this.plan = planTransition(this.req.declared, obs, { ...this.req.options, memory, ...(this.edition ? { edition: this.edition } : {}) });
    if (this.plan.ok && this.plan.source && !this.edition) this.edition = this.plan.source.edition;
    if (this.plan.phase !== "unknown") this.lastKnownPhase = this.plan.phase;
    return this.plan;
  }

  private ensureOk(plan: Plan): asserts plan is Extract<Plan, { ok: true }> {
    if (!plan.ok) throw new WorkflowRefusedError(plan.refusal, this.executed, this.last);
  }

  private record(step: PlannedStep, outcome: ExecutedStep["outcome"], startedAt: number, note?: string): void {
    this.handled.add(keyOf(step));
    this.executed.push({
      ...(step.number !== undefined ? { number: step.number } : {}),
      label: step.label,
      workflow: step.workflow,
      id: step.id,
      title: step.title,
      outcome,
      startedAt: iso(startedAt),
      finishedAt: iso(this.now()),
      ...(note ? { note } : {}),
    });
  }

  /** A planned step that live state shows done; a notice is still told. */
  private settlePassed(step: PlannedStep): void {
    const t = this.now();
    if (step.kind === "notice") {
      this.req.log(`${stepRef(step)} NOTICE: ${step.title}`);
      this.record(step, "noticed", t);
    } else {
      this.req.log(`${stepRef(step)} already done: ${step.title}`);
      this.record(step, "already-done", t);
    }
  }

  /** Runs one step; returns a plan still fresh for the next step (it observed after acting, or sent nothing). */
  private async runStep(step: PlannedStep): Promise<Plan | undefined> {
    const { req } = this;
    const started = this.now();
    switch (step.kind) {
      case "notice":
        // Nothing was sent: the reading before it still stands for the next step.
        req.log(`${stepRef(step)} NOTICE: ${step.title}`);
        this.record(step, "noticed", started);
        return this.plan;
      case "check": {
        req.log(`${stepRef(step)}: ${step.title}`);
        const result = evaluateCheck(step.check as NonNullable<PlannedStep["check"]>, this.obs as Observation, req.options);
        if (!result.passed) throw new WorkflowRefusedError(result.refusal, this.executed, this.last);
        req.log(`${stepRef(step)} passed: ${result.detail}`);
        this.record(step, "done", started);
        return undefined;
      }
      case "action":
        return this.runAction(step, started);
      case "wait":
      case "operator":
        return this.waitFor(step, started);
      case "drain":
        // It ends on its last reading of both systems, which the next step (failOver) starts from.
        await runDrainStep(this.drainHost(), step, this.waitedFor(step), started);
        return this.plan;
    }
  }

  /** What drain.ts needs of this run. */
  private drainHost() {
    const { req } = this;
    return {
      options: req.options,
      waitTimeoutSeconds: req.waitTimeoutSeconds,
      pollIntervalSeconds: req.pollIntervalSeconds,
      log: req.log,
      sleep: this.sleep,
      now: this.now,
      observation: () => this.obs as Observation,
      refresh: (step: PlannedStep) => this.refresh(step),
      record: (step: PlannedStep, outcome: "done" | "noticed", started: number, note?: string) => this.record(step, outcome, started, note),
      refused: (refusal: Refusal) => new WorkflowRefusedError(refusal, this.executed, this.last),
    };
  }

  private async runAction(step: PlannedStep, started: number): Promise<Plan | undefined> {
    return runActionStep(this.actionHost(), step, started);
  }

  /** What actionEffects.ts needs of this run: sending, observing, recording, waiting, and its errors. */
  private actionHost(): ActionHost {
    const { req } = this;
    const ctx = (step: PlannedStep, causeMessage: string) => ({ step, causeMessage, executed: this.executed, ...this.last });
    return {
      linkName: req.options.linkName,
      waitTimeoutSeconds: req.waitTimeoutSeconds,
      pollIntervalSeconds: req.pollIntervalSeconds,
      label: (side) => (side === "primary" ? primaryLabel(req.options) : replicaLabel(req.options)),
      send: (step, spelling) => req.runAction(step.side === "primary" ? "primary" : "replica", step.action as StepAction, spelling, step),
      log: req.log,
      sleep: this.sleep,
      now: this.now,
      refresh: (step) => this.refresh(step),
      effectSeen: (plan, step) => !inPlan(plan, step),
      undecided: (plan) => this.transient(plan) || this.someSideSilent(),
      record: (step, started, note) => this.record(step, "done", started, note),
      waitFor: (step, started, plan) => this.waitFor(step, started, plan),
      describe: (plan) => this.lastSeen(plan),
      finished: () => (this.executed.length > 0 ? this.executed.map((e) => e.label).join(", ") : "none"),
      refused: (plan) => new WorkflowRefusedError((plan as Extract<Plan, { ok: false }>).refusal, this.executed, this.last),
      failed: (step, message, cause) => new WorkflowStepError(message, ctx(step, cause)),
      timedOut: (step, waitedFor, lastSeen) =>
        new WorkflowTimeoutError({ step, timeoutSeconds: req.waitTimeoutSeconds, waitedFor, lastSeen, executed: this.executed, ...this.last }),
    };
  }

  private someSideSilent(): boolean {
    return !!this.obs && (!this.obs.primary.reachable || !this.obs.replica.reachable);
  }

  /** A refusal caused by a side not answering or the systems out of contact, which a later poll may clear. */
  private transient(plan: Plan): boolean {
    return !plan.ok && (this.someSideSilent() || plan.refusal.waitable === true);
  }

  private waitedFor(step: PlannedStep): string {
    return tableStep(step).waitingFor?.(this.req.options).long ?? `${step.action ?? step.id} to take effect on link ${this.req.options.linkName}`;
  }

  private lastSeen(plan: Plan): string {
    const obs = this.obs as Observation;
    const parts = [`phase ${plan.phase}`];
    if (plan.phase === "recovering" || plan.phase === "completing") {
      parts.push(`data behind: ${describeDataBehind(obs)}`);
      parts.push(describeEta(etaOf(obs.replica.reachable ? (obs.replica.link?.statistics ?? undefined) : undefined)));
    }
    if (!obs.primary.reachable) parts.push(`${primaryLabel(this.req.options)} unreachable (${obs.primary.error ?? "no answer"})`);
    if (!obs.replica.reachable) parts.push(`${replicaLabel(this.req.options)} unreachable (${obs.replica.error ?? "no answer"})`);
    if (!plan.ok) parts.push(`refused: ${plan.refusal.reason}`);
    const paused = this.pauses.summary();
    if (paused) parts.push(paused);
    return parts.join("; ");
  }

  /** What a person must do (the table's instructions), where, and until when. */
  private operatorInstructions(step: PlannedStep, deadline: number): string[] {
    const { options: o, endpoints } = this.req;
    const side = step.side === "replica" ? "replica" : "primary";
    const name = side === "primary" ? o.primaryName : o.replicaName;
    const console = consoleAddress(endpoints?.[side]);
    const where = console
      ? `${console} (the admin host of MAPI endpoint ${endpoints?.[side]})`
      : `the System Management Console of ${name} (port ${SYSTEM_MANAGEMENT_CONSOLE_PORT} of its admin host)`;
    const told = tableStep(step).instructions?.(o, where);
    return [
      `${stepRef(step)} ACTION REQUIRED: ${told?.headline ?? step.title}`,
      ...(told?.steps ?? []).map((line, i) => `  ${i + 1}. ${line}`),
      `  Waiting until ${iso(deadline)} (${formatDuration(deadline - this.now())}), checking every ${this.req.pollIntervalSeconds} s at first, less often as time goes on. ` +
        (told ? `If the deadline passes, ${told.afterDeadline}` : ""),
    ];
  }

  /** Polls until `step` leaves the plan, the link moves backwards, or the deadline passes. */
  private async waitFor(step: PlannedStep, started: number, current?: Plan): Promise<Plan> {
    const { req } = this;
    const deadline = started + req.waitTimeoutSeconds * 1000;
    // Polls start at pollIntervalSeconds and back off by half each time, up to 8 times that (at most
    // 2 minutes, never below the first interval): a long recovery costs a few requests a minute.
    const firstInterval = req.pollIntervalSeconds * 1000;
    const maxInterval = Math.max(firstInterval, Math.min(firstInterval * 8, 120_000));
    let interval = firstInterval;
    let plan = current ?? (this.plan as Plan);
    if (step.kind === "operator") {
      for (const line of this.operatorInstructions(step, deadline)) req.log(line);
    } else if (step.kind === "wait") {
      req.log(`${stepRef(step)}: ${step.title}`);
    }
    for (;;) {
      const left = deadline - this.now();
      const seen = this.lastSeen(plan);
      const eta = /; ETA |; no ETA/.test(seen) ? "" : `; no ETA (${step.kind === "operator" ? "a person must act" : "HCP reports no progress figures for this wait"})`;
      req.log(`${stepRef(step)} waiting for ${this.waitedForShort(step)} (${formatDuration(Math.max(0, left))} left): ${seen}${eta}`);
      if (left <= 0) {
        throw new WorkflowTimeoutError({
          step,
          timeoutSeconds: req.waitTimeoutSeconds,
          waitedFor: this.waitedFor(step),
          lastSeen: this.lastSeen(plan),
          executed: this.executed,
          ...this.last,
        });
      }
      await this.sleep(Math.min(interval, left));
      interval = Math.min(maxInterval, interval * 1.5);
      plan = await this.refresh(step, "poll");
      if (!plan.ok) {
        if (this.transient(plan)) continue;
        throw new WorkflowRefusedError(plan.refusal, this.executed, this.last);
      }
      await this.pauses.poll(step, plan, this.obs as Observation);
      // A wait or a person's step ends only on what both systems show: with one side silent, the other's
      // "Stalled link" could hide recovery still in progress (see phase.ts).
      if (step.kind !== "action" && this.someSideSilent()) continue;
      // Backwards first: a rejected request also takes step 6 out of the plan, but puts restore back in.
      const backwards = plan.steps.find((s) => isBefore(s, step) && s.kind !== "check" && s.kind !== "notice");
      if (backwards) {
        throw new WorkflowStepError(
          `While waiting in ${stepPhrase(step)} (${step.title}), link ${req.options.linkName} moved back to phase ` +
            `${plan.phase}: ${stepPhrase(backwards)} (${backwards.title}) is needed again` +
            `${step.kind === "operator" ? " (was the request rejected in the console?)" : ""}. Nothing was repeated; ` +
            `re-run \`pulumi up\` to continue from there.`,
          { step, causeMessage: `moved back to phase ${plan.phase}`, executed: this.executed, ...this.last },
        );
      }
      if (!inPlan(plan, step)) {
        req.log(`${stepRef(step)} done after ${formatDuration(this.now() - started)}: link ${req.options.linkName} is now ${plan.phase}`);
        this.record(step, "done", started);
        // A poll reads only what the wait needs: the steps after it are planned on a full reading.
        return await this.refresh(undefined);
      }
    }
  }

  private waitedForShort(step: PlannedStep): string {
    return tableStep(step).waitingFor?.(this.req.options).short ?? `${step.action ?? step.id} to take effect`;
  }
}
