/**
 * Errors of the workflow executor. Each carries the steps executed so far (`executed`) and the last
 * observed phase, so the resource can reject with Pulumi's partial-state shape and the next `up` resumes.
 */
import { describeRefusal, formatDuration, stepPhrase } from "../model/format";
import type { LinkPhase, Observation, PlannedStep, Refusal, StepId, WorkflowId } from "../model/types";

/** One step as the executor handled it. */
export interface ExecutedStep {
  /** Its number as the plan showed it (the edition's table); absent for a step the edition does not number. */
  number?: number;
  /** As the plan showed it: "6", or "before step 6". */
  label: string;
  workflow: WorkflowId;
  id: StepId;
  title: string;
  /** done: ran (or waited, or checked) in this run; already-done: live state showed it done; noticed: told the operator. */
  outcome: "done" | "already-done" | "noticed";
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601. */
  finishedAt: string;
  /** How it ran, when that is worth keeping: e.g. sent under its other documented spelling, or retried. */
  note?: string;
}

/** What the executor last saw: the phase of its last plan, the last phase it could tell for sure, the observation. */
export interface LastSeen {
  phase?: LinkPhase;
  lastKnownPhase?: LinkPhase;
  observation?: Observation;
}

/** Base class: the workflow stopped. Nothing in it is secret. */
export class WorkflowError extends Error {
  /** Steps handled before the stop, in order. */
  readonly executed: ExecutedStep[];
  /** Phase last observed, if any observation succeeded. */
  readonly phase?: LinkPhase;
  /** The last phase the executor could tell for sure ("unknown" readings aside). */
  readonly lastKnownPhase?: LinkPhase;
  /** The last observation, if any. */
  readonly observation?: Observation;

  constructor(message: string, executed: ExecutedStep[], last?: LastSeen) {
    super(message);
    this.name = "WorkflowError";
    this.executed = [...executed];
    if (last?.phase !== undefined) this.phase = last.phase;
    if (last?.lastKnownPhase !== undefined) this.lastKnownPhase = last.lastKnownPhase;
    if (last?.observation !== undefined) this.observation = last.observation;
  }
}

/** The planner refused: message = reason, found, expected and way forward. */
export class WorkflowRefusedError extends WorkflowError {
  readonly refusal: Refusal;

  constructor(refusal: Refusal, executed: ExecutedStep[], last?: LastSeen) {
    super(describeRefusal(refusal), executed, last);
    this.name = "WorkflowRefusedError";
    this.refusal = refusal;
  }
}

/** A step failed and live state shows it did not take effect. */
export class WorkflowStepError extends WorkflowError {
  /** The step that failed, when the failure belongs to one. */
  readonly step?: PlannedStep;
  /** The underlying error's message. */
  readonly causeMessage: string;

  constructor(
    message: string,
    details: LastSeen & { step?: PlannedStep; causeMessage: string; executed: ExecutedStep[] },
  ) {
    super(message, details.executed, details);
    this.name = "WorkflowStepError";
    if (details.step) this.step = details.step;
    this.causeMessage = details.causeMessage;
  }
}

/** A wait (or a person's action) did not finish before the step's deadline. */
export class WorkflowTimeoutError extends WorkflowError {
  readonly step: PlannedStep;
  readonly timeoutSeconds: number;
  /** What the step waited for. */
  readonly waitedFor: string;
  /** What the last poll saw. */
  readonly lastSeen: string;

  constructor(
    details: LastSeen & { step: PlannedStep; timeoutSeconds: number; waitedFor: string; lastSeen: string; executed: ExecutedStep[] },
  ) {
    super(
      `Timed out after ${formatDuration(details.timeoutSeconds * 1000)} (waitTimeoutSeconds) waiting for ` +
        `${stepPhrase(details.step)} (${details.step.title}): waited for ${details.waitedFor}. Last seen: ${details.lastSeen}. ` +
        `Nothing was undone: re-running \`pulumi up\` resumes from this step (raise waitTimeoutSeconds to wait longer).`,
      details.executed,
      details,
    );
    this.name = "WorkflowTimeoutError";
    this.step = details.step;
    this.timeoutSeconds = details.timeoutSeconds;
    this.waitedFor = details.waitedFor;
    this.lastSeen = details.lastSeen;
  }
}

