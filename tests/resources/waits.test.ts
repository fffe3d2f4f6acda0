/**
 * The waits of a transition: Ctrl-C ends a sleep at once, including when it came between two polls,
 * before the next sleep began (the engine's Cancel can arrive at any moment).
 */
import { WorkflowCancelledError } from "../../provider/engine/cancelled";
import { resetCancellation, signalCancel } from "../../provider/resources/cancellation";
import { interruptibleWaits } from "../../provider/resources/waits";

afterEach(() => resetCancellation());

test("Ctrl-C during a sleep ends it at once, naming the step that was waiting", async () => {
  const lines: string[] = [];
  const waits = interruptibleWaits((l) => lines.push(l));
  waits.log("Step 7 waiting for data to be within 60 s of up to date (10m left): phase recovering");
  const sleeping = waits.sleep(60_000).catch((e: unknown) => e);
  signalCancel();
  const error = await sleeping;
  expect(error).toBeInstanceOf(WorkflowCancelledError);
  expect((error as Error).message).toMatch(/^Stopped by Ctrl-C while step 7 was waiting for data to be within 60 s/);
  expect(lines[0]).toMatch(/Ctrl-C/); // every waiting line says what Ctrl-C does
});

test("Ctrl-C between two polls: the next sleep stops at once with the same message", async () => {
  const waits = interruptibleWaits(() => undefined);
  waits.log("Step 9 waiting for data recovery to finish (5m left): phase completing");
  signalCancel();
  const error = await waits.sleep(60_000).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowCancelledError);
  expect((error as Error).message).toMatch(/^Stopped by Ctrl-C while step 9 was waiting for data recovery to finish/);
  expect(() => waits.throwIfCancelled("before step 8")).toThrow(/Stopped by Ctrl-C before step 8/);
});
