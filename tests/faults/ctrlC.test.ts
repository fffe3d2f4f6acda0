/**
 * One Ctrl-C through the real Pulumi CLI: `pulumi up` of the demo program waits in step 7 of a recovery (9.x numbering);
 * SIGINT goes to the CLI's process group, as a terminal sends it. The CLI cancels and the engine sends
 * the provider its Cancel (see provider/resources/cancellation.ts). Checked: the CLI exits within a bound,
 * the state has no pending operations and records the link in phase recovering, and the next `up`
 * converges without sending beginRecovery again (the simulator's request counters). Then the CLI dies
 * instead (kill -9 of its process group in the same wait): the provider, in a process group of its own,
 * must send nothing once the wait comes true and must exit (provider/resources/engineWatch.ts).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensurePulumi } from "../helpers/pulumiCli";
import { Capture, cliSecrets, outputs, startCliDrill, type CliDrill } from "./support/cli";
import { PRIMARY, REPLICA, waitUntil } from "./support/sim";
import { descendants, stillRunning } from "./support/processes";
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
function cliUp(env: Record<string, string> = {}): { pid: number; output: () => string; exited: Promise<{ code: number | null; signal: string | null; at: number }> } {
  const { workDir } = drill.stack.workspace;
  const bin = path.join(drill.local.env.PATH.split(":")[0], "pulumi");
  const child = spawn(bin, ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", drill.stack.name], {
    cwd: workDir,
    env: { ...process.env, ...drill.local.env, ...env },
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
  const tree = descendants(up.pid);
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
  // One Ctrl-C leaves no process behind: the language host, the program and the provider end with the CLI.
  await waitUntil("the CLI's processes to end", async () => (stillRunning(tree.map((p) => p.pid)).length === 0 ? true : undefined), 15_000, 200).catch(() => undefined);
  const left = stillRunning(tree.map((p) => p.pid));
  rec.see(`processes under the CLI: ${tree.length} before Ctrl-C, left after it: ${left.map((p) => p.cmdline.slice(0, 60)).join(" | ") || "none"}`);
  expect(tree.some((p) => /dynamic-provider/.test(p.cmdline))).toBe(true);
  expect(left).toEqual([]);

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

test("kill -9 of the CLI in the step-7 wait: when the wait comes true the orphaned provider sends nothing and exits; after pulumi cancel the next up finishes", async () => {
  const rec = record(
    "kill -9 of the CLI in the step-7 wait: when the wait comes true the orphaned provider sends nothing and exits; after pulumi cancel the next up finishes",
    "no completeRecovery after the kill, though the data caught up; no provider process left; one line in the orphan log; after cancel: completeRecovery 1, beginRecovery 0, replicating",
  );
  const { sc } = drill.sim;
  await sc.setTimeSpeed(1);
  await drill.stack.setConfig("state", { value: "failedOver" });
  await drill.run((s) => drill.stack.up(s));
  for (let i = 0; i < 4; i++) await sc.putObject(REPLICA, "finance", `orphan-${i}.txt`, `written while failed over #${i}`);
  await drill.sim.advanceClock(3 * 3600 * 1000);
  await drill.stack.setConfig("state", { value: "replicating" });
  await drill.sim.control("DELETE", "/_sim/requests");

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-orphan-"));
  const up = cliUp({ TMPDIR: tmp });
  await waitUntil("beginRecovery to be sent", async () => (((await sc.requestCounts(REPLICA)).byRoute[BEGIN] ?? 0) > 0 ? true : undefined), 180_000, 200);
  const pollsAtBegin = (await sc.requestCounts(REPLICA)).byRoute[POLL] ?? 0;
  await waitUntil("step 7 to poll", async () => (((await sc.requestCounts(REPLICA)).byRoute[POLL] ?? 0) >= pollsAtBegin + 2 ? true : undefined), 60_000, 200);
  const tree = descendants(up.pid);
  const providers = tree.filter((p) => /dynamic-provider|pulumi-resource-/.test(p.cmdline));
  rec.see(`processes under the CLI before the kill: ${tree.map((p) => p.cmdline.split(" ")[0].split("/").pop()).join(", ")}`);
  expect(providers.some((p) => /dynamic-provider/.test(p.cmdline))).toBe(true);

  process.kill(-up.pid, "SIGKILL");
  await up.exited;
  // The wait's condition comes true: time at full speed, the recovery catches up on the primary.
  await sc.setTimeSpeed(3600);
  const objects = async (system: string) => (await sc.state(system)).tenants.find((t) => t.name === "finance")?.objects;
  await waitUntil("the recovery to catch up", async () => ((await objects(PRIMARY)) === (await objects(REPLICA)) ? true : undefined), 60_000, 200);
  await waitUntil("the provider processes to end", async () => (stillRunning(providers.map((p) => p.pid)).length === 0 ? true : undefined), 30_000, 200);
  await new Promise((resolve) => setTimeout(resolve, 5000)); // two poll intervals and more: nothing may arrive late
  const counts = (await sc.requestCounts(REPLICA)).byRoute;
  const left = stillRunning(tree.map((p) => p.pid));
  const logFile = path.join(tmp, "pulumi-hcp-replication", "orphaned.log");
  const logged = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n") : [];
  rec.see(`after the kill: completeRecovery ${counts[COMPLETE] ?? 0}; providers left ${stillRunning(providers.map((p) => p.pid)).length}; other processes left: ${left.map((p) => p.cmdline.slice(0, 60)).join(" | ") || "none"}`);
  rec.see(`orphan log: ${logged.join(" / ").slice(0, 300)}`);
  expect(counts[COMPLETE] ?? 0).toBe(0);
  expect(stillRunning(providers.map((p) => p.pid))).toEqual([]);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(/the Pulumi engine at 127\.0\.0\.1:\d+ is gone .*stopped in step 7 waiting .* and sent nothing/);
  for (const secret of Object.values(cliSecrets().SECRETS)) expect(logged[0]).not.toContain(secret);

  // The person comes back: the lock the dead CLI left is cancelled, and up continues from the state.
  await drill.stack.cancel();
  await drill.sim.control("DELETE", "/_sim/requests");
  const next = await drill.run((s) => drill.stack.up(s));
  const after = (await sc.requestCounts(REPLICA)).byRoute;
  rec.see(`after pulumi cancel, up: ${next.summary.result}; beginRecovery ${after[BEGIN] ?? 0}, completeRecovery ${after[COMPLETE] ?? 0}`);
  expect(next.summary.result).toBe("succeeded");
  expect(after[BEGIN] ?? 0).toBe(0);
  expect(after[COMPLETE]).toBe(1);
  expect((await drill.sim.link(PRIMARY))?.phase).toBe("replicating");
  fs.rmSync(tmp, { recursive: true, force: true });
  // The language host has no engine to answer to either; it is not a provider and never acts: end it here.
  for (const p of left) process.kill(p.pid, "SIGKILL");
}, 10 * 60 * 1000);
