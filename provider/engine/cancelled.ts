import { WorkflowError, type ExecutedStep, type LastSeen } from "./errors";

/**
 * The operator pressed Ctrl-C: a wait stopped at once, nothing was undone. Raised by the injected `sleep`
 * (which knows nothing of the steps); the executor adds what it did and saw with {@link at}.
 */
export class WorkflowCancelledError extends WorkflowError {
  constructor(message: string, executed: ExecutedStep[] = [], last?: LastSeen) {
    super(message, executed, last);
    this.name = "WorkflowCancelledError";
  }

  /** The same stop, with the steps handled and the last observation of the run it stopped. */
  at(executed: ExecutedStep[], last: LastSeen): WorkflowCancelledError {
    return new WorkflowCancelledError(this.message, executed, last);
  }
}
