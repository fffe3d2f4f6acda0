/**
 * Running it as a team: the demo stack lives on PostgreSQL (the Pulumi CLI's DIY `postgres://` backend, a
 * server of the test's own on loopback), and two operators with their own Pulumi homes share it and the
 * passphrase. While operator 1's recovery waits in step 8, operator 2's `up` is refused, naming who holds
 * the lock; operator 1's CLI and its plugins are killed (kill -9 of their process groups), the lock stays,
 * operator 2 runs `pulumi cancel`, and the next `up` finishes the recovery without repeating an action.
 * A machine where PostgreSQL cannot be started fails this test with the reason.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as auto from "@pulumi/pulumi/automation";
import { defaultConfig, startSimulator, type RunningSimulator } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";
import { createDemoStack } from "../../examples/demo/demoStack";
import type { LocalStack } from "../../examples/demo/workspace";
import { ensurePulumi, type PulumiInstall } from "../helpers/pulumiCli";
import { waitFor, writeObjects } from "./helpers";
import { startPostgres, type PostgresServer } from "./postgres";

const stackName = "team";
const passphrase = "team-shared-passphrase";
const action = (name: string) => `POST /mapi/services/replication/links/{link}?${name}`;
const locksSql = "SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%'";

/** An operator's own Pulumi home, with the plugins of the bootstrap's home. */
function operatorHome(cli: PulumiInstall, name: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `hcp-operator-${name}-`));
  const plugins = path.join(cli.pulumiHome, "plugins");
  if (fs.existsSync(plugins)) fs.symlinkSync(plugins, path.join(home, "plugins"));
  return home;
}

/** `[pid, ppid, pgid]` of every live process. */
function processTable(): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" "); // state ppid pgrp ...
      rows.push([Number(pid), Number(fields[1]), Number(fields[2])]);
    } catch {
      // ended meanwhile
    }
  }
  return rows;
}

/**
 * The operator's machine dies: SIGKILL to the CLI's process group and to those of its descendants (the CLI
 * starts each plugin in a process group of its own, which would otherwise outlive it and keep acting).
 */
function killMachine(cliPid: number): void {
  const table = processTable();
  const tree = new Set([cliPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of table) if (tree.has(ppid) && !tree.has(pid)) grew = Boolean(tree.add(pid));
  }
  const groups = new Set(table.filter(([pid]) => tree.has(pid)).map(([, , pgid]) => pgid));
  for (const pgid of groups) process.kill(-pgid, "SIGKILL");
}

/** Pids of live processes whose environment holds `text` (here: an operator's Pulumi home). */
function processesWithEnv(text: string): number[] {
  const found: number[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (/^\d+ \(.*\) Z/.test(status)) continue; // a zombie waiting for its parent
      if (fs.readFileSync(`/proc/${pid}/environ`, "utf8").includes(text)) found.push(Number(pid));
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** The error text of an `up` expected to fail (the test fails if it succeeds). */
async function refusal(up: Promise<unknown>): Promise<string> {
  return up.then(
    () => "succeeded",
    (err: Error) => err.message,
  );
}

describe("Running it as a team: one stack on PostgreSQL, two operators", () => {
  let cli: PulumiInstall;
  let pg: PostgresServer;
  let sim: RunningSimulator;
  let control: SimulatorClient;
  let one: LocalStack;
  let two: auto.Stack;
  const homes: string[] = [];
  let first: ChildProcess | undefined;

  beforeAll(async () => {
    cli = await ensurePulumi(); // fails (never skips) with the bootstrap's reason when no CLI can be had
    pg = await startPostgres(); // fails with the reason when the server is not installed or does not start
    // A slow clock, slow replication and a threshold of 0 s: recovery waits in step 8 while any object is behind.
    sim = await startSimulator({ ...defaultConfig(), timeSpeed: 1, replicationRate: { objectsPerSecond: 0.05 } });
    control = new SimulatorClient(sim);
    const shared = { PULUMI_BACKEND_URL: pg.url, PULUMI_CONFIG_PASSPHRASE: passphrase };
    homes.push(operatorHome(cli, "one"), operatorHome(cli, "two"));
    one = await createDemoStack({ sim, stackName, passphrase, env: shared, pulumiHome: homes[0], config: { state: "failedOver", completeRecoveryWhenBehindSeconds: "0" } });
    // Operator 2: the same project directory (the stack config comes from git), its own home, the same backend.
    const workDir = one.stack.workspace.workDir;
    two = await auto.LocalWorkspace.selectStack(
      { stackName, workDir },
      { workDir, pulumiHome: homes[1], envVars: { ...one.env, ...shared, PULUMI_HOME: homes[1] }, pulumiCommand: one.stack.workspace.pulumiCommand },
    );
  }, 10 * 60 * 1000);

  afterAll(async () => {
    if (first?.pid && first.exitCode === null && first.signalCode === null) killMachine(first.pid); // a failed run leaves nothing behind
    await two?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    one?.cleanup();
    await sim?.stop();
    await pg?.stop();
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });

  it("refuses the second operator while the first holds the lock, keeps the lock after kill -9, and converges after pulumi cancel", async () => {
    const failover = await one.stack.up();
    expect(failover.outputs.replicaAccess.value).toBe("read-write");
    const written = await writeObjects(control, "hcp-b", "finance", "outage", 20);
    await one.stack.setConfig("state", { value: "replicating" });

    // Operator 1's recovery, run as they would from a shell: the CLI leads its own process group.
    const output: string[] = [];
    const cli1 = spawn(path.join(cli.bin, "pulumi"), ["up", "--yes", "--skip-preview", "--stack", stackName], {
      cwd: one.stack.workspace.workDir,
      env: { ...process.env, ...one.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    first = cli1;
    cli1.stdout.on("data", (c: Buffer) => output.push(c.toString()));
    cli1.stderr.on("data", (c: Buffer) => output.push(c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => cli1.on("exit", (_code, signal) => resolve(signal)));
    const beginRecovery = async () => (await control.requestCounts("hcp-b")).byRoute[action("beginRecovery")];
    await waitFor("operator 1's up to begin recovery (step 7)", async () => ((await beginRecovery()) ? true : undefined), 90_000).catch((err: Error) => {
      throw new Error(`${err.message}; its output:\n${output.join("")}`);
    });
    expect((await control.state("hcp-b")).links[0]).toMatchObject({ statusMessage: "Recovering data" }); // step 8 waits on it

    // Operator 2 is refused, and told who holds the lock.
    const refused = await refusal(two.up());
    expect(refused).toMatch(/the stack is currently locked by 1 lock\(s\)/);
    const holder = /created by (\S+)@(\S+) \(pid (\d+)\)/.exec(refused);
    expect(holder?.slice(1)).toEqual([os.userInfo().username, os.hostname(), String(cli1.pid)]);
    expect(refused).not.toContain(pg.url); // the backend URL's password is masked

    // Operator 1's machine dies: the lock stays in the shared database.
    killMachine(cli1.pid as number);
    expect(await exited).toBe("SIGKILL");
    // The whole CLI went with it: language host, program and dynamic provider (nothing still polls or acts).
    await waitFor("operator 1's processes to end", async () => (processesWithEnv(`PULUMI_HOME=${homes[0]}\0`).length === 0 ? true : undefined), 10_000);
    expect(await pg.query(locksSql)).toEqual([expect.stringMatching(new RegExp(`/\\.pulumi/locks/organization/[^/]+/${stackName}/[^/]+\\.json$`))]);
    expect(await refusal(two.up())).toMatch(/currently locked/);

    // A person decides operator 1 is gone: cancel, then up continues the recovery where it stands.
    await two.cancel();
    expect(await pg.query(locksSql)).toEqual([]);
    await control.setTimeSpeed(600);
    const recovery = await two.up();
    expect(recovery.outputs).toMatchObject({ phase: { value: "replicating" }, primaryAccess: { value: "read-write" }, replicaAccess: { value: "read-only" } });
    const counts = (await control.requestCounts("hcp-b")).byRoute;
    expect([counts[action("failOver")], counts[action("beginRecovery")], counts[action("completeRecovery")]]).toEqual([1, 1, 1]);
    const onPrimary = await control.listObjects("hcp-a", "finance");
    expect(written.filter((k) => !onPrimary.includes(k))).toEqual([]);
  }, 5 * 60 * 1000);
});
