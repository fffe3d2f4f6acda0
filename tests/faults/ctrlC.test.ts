/**
 * One Ctrl-C through the real Pulumi CLI: `pulumi up` of the demo program waits in step 7 of a recovery (9.x numbering);
 * SIGINT goes to the CLI's process group, as a terminal sends it. The CLI cancels and the engine sends
 * the provider its Cancel (see provider/resources/cancellation.ts). Checked: the CLI exits within a bound,
 * the state has no pending operations and records the link in phase recovering, and the next `up`
 * converges without sending beginRecovery again (the simulator's request counters).
 */
import { spawn } from "child_process";
import * as path from "path";
import { ensurePulumi } from "../helpers/pulumiCli";
import { Capture, cliSecrets, outputs, startCliDrill, type CliDrill } from "./support/cli";
import { PRIMARY, REPLICA, waitUntil } from "./support/sim";
import { recorder } from "./support/results";

const record = recorder(__filename);
const { simConfig } = cliSecrets();
const BEGIN = "POST /mapi/services/replication/links/{link}?beginRecovery";
const COMPLETE = "POST /mapi/services/replication/links/{link}?completeRecovery";
const POLL = "GET /mapi/services/replication/links/{link}";
/** From SIGINT to the CLI's exit: the wait stops within 5 s, then the engine writes the state and ends. */
const EXIT_BOUND_MS = 20_000;

let drill: CliDrill;

beforeAll(async () => {
  await ensurePulumi(); // fails (never skips) with the bootstrap's reason when no CLI can be had
  // Slow replication at real time: step 7 waits for minutes unless stopped.
  drill = await startCliDrill("faults-ctrl-c", simConfig({ replicationRate: { objectsPerSecond: 0.01 } }), new Capture(), {
    completeRecoveryWhenBehindSeconds: "60",
    pollIntervalSeconds: "2",
    waitTimeoutSeconds: "600",
  });
  await drill.run((s) => drill.stack.up(s));
  await drill.stack.setConfig("state", { value: "failedOver" });
  await drill.run((s) => drill.stack.up(s));
}, 10 * 60 * 1000);
afterAll(async () => drill?.stop());

/** `pulumi up` as a person runs it in a terminal, in a process group of its own (the terminal's foreground group). */
function cliUp(): { pid: number; output: () => string; exited: Promise<{ code: number | null; signal: string | null; at: number }> } {
  const { workDir } = drill.stack.workspace;
  const bin = path.join(drill.local.env.PATH.split(":")[0], "pulumi");
  const child = spawn(bin, ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", drill.stack.name], {
    cwd: workDir,
    env: { ...process.env, ...drill.local.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => chunks.push(b));
  child.stderr.on("data", (b: Buffer) => chunks.push(b));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { pid: child.pid as number, output: () => Buffer.concat(chunks).toString("utf8"), exited };
}

test("one Ctrl-C in the step-7 wait (the 9.x table): the CLI exits promptly, no pending operations, the next up continues without a second beginRecovery", async () => {
  const rec = record(
    "one Ctrl-C in the step-7 wait (the 9.x table): the CLI exits promptly, no pending operations, the next up continues without a second beginRecovery",
    `CLI exits within ${EXIT_BOUND_MS / 1000} s of SIGINT; no pending_operations; phase recovering recorded; next up: beginRecovery 0, completeRecovery 1, replicating`,
  );
  const { sc } = drill.sim;
  for (let i = 0; i < 4; i++) await sc.putObject(REPLICA, "finance", `ctrl-c-${i}.txt`, `written while failed over #${i}`);
  await drill.sim.advanceClock(3 * 3600 * 1000); // three hours behind: step 7 waits
  await drill.stack.setConfig("state", { value: "replicating" });
  await drill.sim.control("DELETE", "/_sim/requests");

  const up = cliUp();
  await waitUntil("beginRecovery to be sent", async () => (((await sc.requestCounts(REPLICA)).byRoute[BEGIN] ?? 0) > 0 ? true : undefined), 180_000, 200);
  const pollsAtBegin = (await sc.requestCounts(REPLICA)).byRoute[POLL] ?? 0;
  // Two polls after beginRecovery: step 7 is waiting.
  await waitUntil("step 7 to poll", async () => (((await sc.requestCounts(REPLICA)).byRoute[POLL] ?? 0) >= pollsAtBegin + 2 ? true : undefined), 60_000, 200);
  const pressed = Date.now();
  process.kill(-up.pid, "SIGINT");
  let giveUp: NodeJS.Timeout | undefined;
  const exit = await Promise.race([up.exited, new Promise<undefined>((resolve) => (giveUp = setTimeout(() => resolve(undefined), 60_000)))]);
  clearTimeout(giveUp);
  if (!exit) process.kill(-up.pid, "SIGKILL");
  const text = up.output();
  rec.see(`CLI exit ${exit ? `${exit.code ?? exit.signal} after ${((exit.at - pressed) / 1000).toFixed(1)} s` : "none within 60 s (killed)"}`);
  const stopLine = text.split("\n").find((l) => /Stopped by Ctrl-C/.test(l));
  rec.see(`CLI printed: ${(stopLine ?? text.split("\n").find((l) => /cancel/i.test(l)) ?? "").trim().slice(0, 240)}`);
  expect(exit).toBeDefined();
  expect((exit as { at: number }).at - pressed).toBeLessThan(EXIT_BOUND_MS);
  expect(text).toMatch(/\^C received; cancelling/);
  expect(text).toMatch(/Stopped by Ctrl-C while step 7 was waiting/);

  const state = (await drill.stack.exportStack()) as { deployment: { pending_operations?: unknown[]; resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const pending = state.deployment.pending_operations ?? [];
  const failover = state.deployment.resources?.find((r) => /ReplicationFailover/.test(r.type));
  rec.see(`state: ${pending.length} pending operation(s); failover phase ${String(failover?.outputs?.phase)}`);
  expect(pending).toEqual([]);
  expect(failover?.outputs?.phase).toBe("recovering");
  expect((await sc.requestCounts(REPLICA)).byRoute[BEGIN]).toBe(1);

  // The next up continues: the data is caught up quickly now (time sped up), no action is sent twice.
  await drill.sim.control("DELETE", "/_sim/requests");
  await sc.setTimeSpeed(3600);
  const next = await drill.run((s) => drill.stack.up(s));
  const counts = (await sc.requestCounts(REPLICA)).byRoute;
  rec.see(`next up: ${next.summary.result}; beginRecovery ${counts[BEGIN] ?? 0}, completeRecovery ${counts[COMPLETE] ?? 0}; outputs ${JSON.stringify(outputs(next)).slice(0, 160)}`);
  expect(next.summary.result).toBe("succeeded");
  expect(next.stdout).not.toMatch(/pending operation/i);
  expect(counts[BEGIN] ?? 0).toBe(0);
  expect(counts[COMPLETE]).toBe(1);
  expect((await drill.sim.link(PRIMARY))?.phase).toBe("replicating");
}, 10 * 60 * 1000);
