/**
 * An orphaned provider never acts (provider/resources/engineWatch.ts): the watch asks the engine's address;
 * while something listens there nothing happens, once nothing does the process leaves a line and ends.
 * The CLI case (kill -9 during a wait) is tests/faults/ctrlC.test.ts.
 */
import * as net from "net";
import type { AddressInfo } from "net";
import { engineWatch, listening } from "../../provider/resources/engineWatch";
import { interruptibleWaits } from "../../provider/resources/waits";

class Exited extends Error {}

async function engine(): Promise<{ address: { host: string; port: number }; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = { host: "127.0.0.1", port: (server.address() as AddressInfo).port };
  return { address, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test("listening: true while the engine's server accepts connections, false once it is gone", async () => {
  const e = await engine();
  expect(await listening(e.address)).toBe(true);
  await e.close();
  expect(await listening(e.address)).toBe(false);
});

test("the watch does nothing while the engine is there, and ends the process with one line once it is gone", async () => {
  const e = await engine();
  const lines: string[] = [];
  const watch = engineWatch(e.address, (line) => {
    lines.push(line);
    throw new Exited(line);
  });
  await watch.confirm("before sending POST …?completeRecovery");
  expect(lines).toEqual([]);
  await e.close();
  await expect(watch.confirm("before sending POST …?completeRecovery")).rejects.toBeInstanceOf(Exited);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`the Pulumi engine at 127\\.0\\.0\\.1:${e.address.port} is gone .*stopped before sending POST …\\?completeRecovery and sent nothing\\. Run \`pulumi cancel\``));
});

test("outside a provider host the engine started (a program, a test) there is nothing to watch", async () => {
  await expect(engineWatch().confirm("before anything")).resolves.toBeUndefined();
});

test("a wait does not poll again once the engine is gone: the sleep ends with the watch's stop", async () => {
  const e = await engine();
  const watch = engineWatch(e.address, (line) => {
    throw new Exited(line);
  });
  const waits = interruptibleWaits(() => undefined, watch);
  waits.log("Step 7 waiting for data to be within 60 s of up to date (10m left): phase recovering");
  await waits.sleep(10);
  await e.close();
  const error = await waits.sleep(10).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(Exited);
  expect((error as Error).message).toMatch(/stopped in step 7 waiting for data to be within 60 s of up to date \(10m left\) and sent nothing/);
});
