/**
 * One link action, sent and verified: the executor's action steps run through here, keyed by the MAPI
 * action (not by step number).
 *
 * - Every accepted action must show its effect (the step leaves the plan: the phase moved as the workflow
 *   says) within ACTION_EFFECT_SECONDS (or waitTimeoutSeconds, if shorter). HCP ignores query parameters it does not know, so a 200 proves
 *   nothing: an action accepted without effect is sent once more under its other documented spelling
 *   (ACTION_SPELLINGS), and recorded so in executedSteps; with none left, the step stops with a precise
 *   error instead of waiting until the deadline.
 * - A refusal HCP documents as temporary (NOT_YET_AVAILABLE_REFUSALS: beginRecovery after a certificate
 *   upload) is retried within waitTimeoutSeconds, with a progress line per attempt. Every other refusal
 *   stops at once, as before.
 * - An effect hidden by a side that does not answer is not judged: the step waits for it as a wait does.
 */
import { ACTION_EFFECT_SECONDS, actionSpellings, NOT_YET_AVAILABLE_REFUSALS } from "../mapi/assumptions";
import { describeRefusal, formatDuration, stepRef } from "../model/format";
import type { Plan, PlannedStep, StepAction } from "../model/types";
import { WorkflowCancelledError } from "./cancelled";
import { errorText } from "./errorText";

/** What the executor lends this module for one action step. */
export interface ActionHost {
  readonly linkName: string;
  readonly waitTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  /** `hcp-b (replica)`. */
  label(side: "primary" | "replica"): string;
  /** Sends the step's action; `spelling` only when it is not the action's own name. */
  send(step: PlannedStep, spelling: string | undefined): Promise<void>;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Re-reads both systems and plans. */
  refresh(step: PlannedStep): Promise<Plan>;
  /** The step's effect shows in this plan (the step left it). */
  effectSeen(plan: Plan, step: PlannedStep): boolean;
  /** A refusal a later poll may clear (a side silent, the systems out of contact), or a side silent now. */
  undecided(plan: Plan): boolean;
  record(step: PlannedStep, started: number, note?: string): void;
  /** Polls until the step leaves the plan or its deadline passes (for an effect a silent side hides). */
  waitFor(step: PlannedStep, started: number, plan: Plan): Promise<Plan>;
  /** Words for what the last observation showed. */
  describe(plan: Plan): string;
  /** The steps finished in this run, for error texts (`3, 4, 5` or `none`). */
  finished(): string;
  refused(plan: Plan): Error;
  failed(step: PlannedStep, message: string, cause: string): Error;
  timedOut(step: PlannedStep, waitedFor: string, lastSeen: string): Error;
}

/** Sends `step`'s action and returns the plan once its effect shows; throws the executor's errors otherwise. */
export function runActionStep(host: ActionHost, step: PlannedStep, started: number): Promise<Plan> {
  return new ActionRun(host, step, started).run();
}

/** A refusal of `action` that HCP documents as temporary, if `err` is one. */
export function notYetAvailable(action: StepAction, err: unknown): { message: string; why: string } | undefined {
  const rule = (NOT_YET_AVAILABLE_REFUSALS as Readonly<Partial<Record<string, { status: number; message: RegExp; why: string }>>>)[action];
  const e = err as { status?: unknown; hcpErrorMessage?: unknown };
  if (!rule || e?.status !== rule.status || typeof e.hcpErrorMessage !== "string") return undefined;
  return rule.message.test(e.hcpErrorMessage) ? { message: e.hcpErrorMessage, why: rule.why } : undefined;
}

type Sent = { accepted: true } | { done: Plan };

class ActionRun {
  private readonly side: "primary" | "replica";
  private readonly action: StepAction;
  private readonly deadline: number;
  private readonly firstInterval: number;
  private interval: number;
  /** Spellings accepted without effect, in order. */
  private readonly ignored: string[] = [];
  /** Temporary refusals met before the action was accepted. */
  private notYetCount = 0;
  private readonly n: string;
  /** How long an accepted action gets to show its effect: ACTION_EFFECT_SECONDS, or less when waitTimeoutSeconds is less. */
  private readonly window: number;

  constructor(
    private readonly host: ActionHost,
    private readonly step: PlannedStep,
    private readonly started: number,
  ) {
    this.side = step.side === "primary" ? "primary" : "replica";
    this.action = step.action as StepAction;
    this.deadline = started + host.waitTimeoutSeconds * 1000;
    this.firstInterval = host.pollIntervalSeconds * 1000;
    this.interval = this.firstInterval;
    this.n = stepRef(step);
    this.window = Math.min(ACTION_EFFECT_SECONDS, host.waitTimeoutSeconds);
  }

  async run(): Promise<Plan> {
    const { host, step } = this;
    host.log(`${this.n}: ${step.title}`);
    const spellings = actionSpellings(this.action);
    for (const spelling of spellings) {
      const sent = await this.sendUntilAccepted(spelling);
      if ("done" in sent) return sent.done;
      const verdict = await this.verify(spelling);
      if (verdict !== "no effect") return verdict;
      this.ignored.push(spelling);
      const next = spellings[spellings.indexOf(spelling) + 1];
      if (next !== undefined) {
        host.log(
          `${this.n}: ${this.where()} accepted ?${spelling} (HTTP 200), but link ${host.linkName} is still in phase ` +
            `${this.lastPhase} after ${this.window} s. HCP ignores query parameters it does not know, and its ` +
            `documentation also spells this action ${next}: sending it once as ?${next}.`,
        );
      }
    }
    throw host.failed(step, this.noEffectMessage(), "accepted without effect");
  }

  private lastPhase = "unknown";

  private where(): string {
    return this.host.label(this.side);
  }

  private backoff(): number {
    const current = this.interval;
    const max = Math.max(this.firstInterval, Math.min(this.firstInterval * 8, 120_000));
    this.interval = Math.min(max, this.interval * 1.5);
    return current;
  }

  /** Sends one spelling; retries only a documented temporary refusal, within the step's deadline. */
  private async sendUntilAccepted(spelling: string): Promise<Sent> {
    const { host, step, action } = this;
    for (;;) {
      try {
        await host.send(step, spelling === action ? undefined : spelling);
        return { accepted: true };
      } catch (err) {
        // Ctrl-C before the action went out: a stop, not an answer of the system.
        if (err instanceof WorkflowCancelledError) throw err;
        const cause = errorText(err);
        const temporary = notYetAvailable(action, err);
        if (!temporary) host.log(`${this.n}: ${action} reported an error (${cause}); re-reading the systems before deciding`);
        const plan = await host.refresh(step);
        this.lastPhase = plan.phase;
        if (plan.ok && host.effectSeen(plan, step)) {
          host.log(`${this.n}: the link moved on to phase ${plan.phase} anyway: treating ${action} as done`);
          host.record(step, this.started, this.note(spelling));
          return { done: plan };
        }
        if (!temporary) {
          throw host.failed(
            step,
            `${this.n} (${step.title}) failed: ${cause}. The link is in phase ${plan.phase}` +
              `${plan.ok ? "" : ` (${describeRefusal(plan.refusal)})`}. It was not retried; steps finished in this run: ` +
              `${host.finished()}. Fix the cause, then re-run \`pulumi up\` to resume from this step.`,
            cause,
          );
        }
        if (!plan.ok && !host.undecided(plan)) throw host.refused(plan);
        const left = this.deadline - host.now();
        if (left <= 0) {
          throw host.timedOut(step, `${action} to become available on ${this.where()}`, `${host.describe(plan)}; HCP still answered: ${temporary.message}`);
        }
        this.notYetCount++;
        const wait = Math.min(this.backoff(), left);
        host.log(
          `${this.n}: ${this.where()} refused ${action} as not available yet (${temporary.message}). ${temporary.why}: ` +
            `trying again in ${formatDuration(wait)}, until ${new Date(this.deadline).toISOString()} ` +
            `(${formatDuration(left)} left of waitTimeoutSeconds).`,
        );
        await host.sleep(wait);
      }
    }
  }

  /** Polls until the effect shows (done), the bound passes (no effect), or a silent side hides it (wait on). */
  private async verify(spelling: string): Promise<Plan | "no effect"> {
    const { host, step } = this;
    // Each spelling gets the whole window, even past the step's deadline: it was sent and must be judged.
    const bound = host.now() + this.window * 1000;
    this.interval = this.firstInterval;
    let plan = await host.refresh(step);
    for (;;) {
      this.lastPhase = plan.phase;
      if (plan.ok && host.effectSeen(plan, step)) {
        host.log(`${this.n} done: link ${host.linkName} is now ${plan.phase}`);
        host.record(step, this.started, this.note(spelling));
        return plan;
      }
      if (!plan.ok && !host.undecided(plan)) throw host.refused(plan);
      const left = bound - host.now();
      if (left <= 0) break;
      host.log(`${this.n} waiting for ?${spelling} to take effect (${formatDuration(left)} left of ${this.window} s): ${host.describe(plan)}`);
      await host.sleep(Math.min(this.backoff(), left));
      plan = await host.refresh(step);
    }
    // Sent once; a side that does not answer hides whether it took effect: wait for it as for any wait.
    if (host.undecided(plan)) return host.waitFor(step, this.started, plan);
    return "no effect";
  }

  private note(spelling: string): string | undefined {
    const parts: string[] = [];
    if (this.notYetCount > 0) {
      parts.push(`${this.action} was refused as not available yet ${this.notYetCount} time(s) over ${formatDuration(this.host.now() - this.started)} before it was accepted`);
    }
    if (this.ignored.length > 0) {
      parts.push(`sent as ?${spelling}: ${this.ignored.map((s) => `?${s}`).join(" and ")} was accepted (HTTP 200) without effect`);
    }
    return parts.length > 0 ? parts.join("; ") : undefined;
  }

  private noEffectMessage(): string {
    const { host, step } = this;
    const sent = this.ignored.map((s) => `?${s}`);
    const each = sent.length > 1 ? " after each" : "";
    const guess =
      sent.length > 1
        ? `HCP ignores query parameters it does not know, so this system may understand none of ${sent.join(", ")}`
        : `the action had no effect (HCP answers 200 also for a query parameter it ignores)`;
    return (
      `${this.n} (${step.title}): ${this.where()} accepted ${sent.join(" and ")} (HTTP 200), but link ${host.linkName} ` +
      `stayed in phase ${this.lastPhase} for ${this.window} s${each}: ${guess}. Nothing else was sent; steps ` +
      `finished in this run: ${host.finished()}. Read the system log of ${this.where()}, run the step in its System ` +
      `Management Console if it must happen now, then re-run \`pulumi up\`: it continues from the phase it finds.`
    );
  }
}
