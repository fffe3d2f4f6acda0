/**
 * The waits of a transition as the operator sees them: never silent for more than {@link HEARTBEAT_MS},
 * every waiting line says what Ctrl-C does, and Ctrl-C (the engine's Cancel, see cancellation.ts) ends a
 * wait at once with a {@link WorkflowCancelledError}, which the resource records as partial state.
 */
import { WorkflowCancelledError } from "../engine/cancelled";
import { onCancel, isCancelled, watchForCancel } from "./cancellation";
import { theEngineWatch, type EngineWatch } from "./engineWatch";

/** Longest silence while waiting between two polls. */
export const HEARTBEAT_MS = 8000;

export interface InterruptibleWaits {
  /** The progress log, with what Ctrl-C does added to every waiting line. */
  log: (line: string) => void;
  /** A timer that says every HEARTBEAT_MS what it waits for, and ends at once on Ctrl-C. */
  sleep: (ms: number) => Promise<void>;
  /** Throws the Ctrl-C stop when the operator pressed it (before an action is sent). */
  throwIfCancelled: (where: string) => void;
}

const WAITING = /^Step \d+ waiting for /;

export function interruptibleWaits(progress: (line: string) => void, engine: EngineWatch = theEngineWatch()): InterruptibleWaits {
  const seen = watchForCancel();
  const hint = seen
    ? "Ctrl-C stops this wait within seconds and records where it stopped; `pulumi up` again continues from here"
    : "Ctrl-C twice stops the CLI; `pulumi up` again continues from the last step that took effect";
  let lastWait: string | undefined;
  const log = (line: string) => {
    if (WAITING.test(line)) {
      lastWait = line;
      progress(`${line} (${hint})`);
    } else {
      progress(line);
    }
  };
  const stopped = (where: string) =>
    new WorkflowCancelledError(
      `Stopped by Ctrl-C ${where}. Nothing was undone and the state records where it stopped: ` +
        "re-run `pulumi up` to continue from this step.",
    );
  const stoppedWaiting = () => stopped(`while ${lastWait ? lastWait.replace(/^Step (\d+) waiting/, "step $1 was waiting") : "waiting"}`);
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      // Ctrl-C may have come between two polls, before this sleep began.
      if (isCancelled()) {
        reject(stoppedWaiting());
        return;
      }
      const started = Date.now();
      let unsubscribe: () => void = () => undefined;
      const finish = () => {
        clearTimeout(timer);
        clearInterval(beat);
        unsubscribe();
      };
      // The next poll goes out only while the engine that started this run is there (engineWatch.ts).
      const waitingFor = () => (lastWait ? lastWait.replace(/:.*$/, "").replace(/^Step (\d+) waiting/, "step $1 waiting") : "a wait");
      const timer = setTimeout(() => {
        finish();
        engine.confirm(`in ${waitingFor()}`).then(resolve, reject);
      }, ms);
      const beat = setInterval(() => {
        const left = Math.max(0, Math.round((ms - (Date.now() - started)) / 1000));
        progress(`${lastWait ? lastWait.replace(/:.*$/, "") : "waiting"}: next check in ${left} s (${hint})`);
        void engine.confirm(`in ${waitingFor()}`);
      }, HEARTBEAT_MS);
      unsubscribe = onCancel(() => {
        finish();
        reject(stoppedWaiting());
      });
    });
  const throwIfCancelled = (where: string) => {
    if (isCancelled()) throw stopped(where);
  };
  return { log, sleep, throwIfCancelled };
}
