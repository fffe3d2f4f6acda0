/**
 * Reviewed plans and readable previews through the real Pulumi CLI, on one stack:
 * - preview --diff of a failover and of a recovery shows no certificate PEM (a fingerprint instead) and no
 *   stale step from the last run;
 * - `preview --save-plan` then `up --plan` runs exactly the reviewed failover and exits 0, recording RTO
 *   and the last known lag;
 * - a refused plan (recovery while the primary is down) fails preview and up, and leaves refresh alone;
 * - a saved plan is refused without touching the systems when recovery was begun by hand in between.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile } from "child_process";
import { promisify } from "util";
import { MapiClient } from "../../provider/mapi/client";
import { Drill, startDrill } from "./helpers";

const failure = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "succeeded",
    (err: Error) => err.message,
  );

/** The lines of the failover resource's plannedSteps in a preview --diff. */
function plannedStepsBlock(stdout: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => /^\s+~ plannedSteps\s*:/.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && /^\s+\]$/.test(l));
  return lines.slice(start + 1, end);
}

describe("reviewed plans and readable previews (real CLI, simulator over HTTPS)", () => {
  let drill: Drill;
  let planDir: string;
  const changing = async () => (await drill.control.changingRequests("hcp-a")) + (await drill.control.changingRequests("hcp-b"));

  beforeAll(async () => {
    drill = await startDrill("reviewed");
    planDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-plans-"));
    await drill.local.stack.up({ onOutput: drill.onOutput });
  }, 15 * 60 * 1000);

  afterAll(async () => {
    fs.rmSync(planDir ?? "", { recursive: true, force: true });
    await drill?.stop();
  });

  it("a reviewed failover plan (primary down) is applied as saved and exits 0; the preview shows a fingerprint, not the PEM", async () => {
    await drill.control.takeDown("hcp-a");
    await drill.local.stack.setConfig("state", { value: "failedOver" });
    const planFile = path.join(planDir, "failover.json");
    const preview = await drill.local.stack.preview({ diff: true, plan: planFile, onOutput: drill.onOutput });
    expect(preview.stdout).not.toContain("BEGIN CERTIFICATE");
    expect(preview.stdout).toMatch(/caSha256\s*: "[0-9A-F]{2}(:[0-9A-F]{2}){7}…"/);
    expect(preview.stdout).toMatch(/caCertificate\s*: \[secret\]/);
    const steps = plannedStepsBlock(preview.stdout);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const line of steps) expect(line).toMatch(/^\s+\+ \[\d+\]: "/);
    expect(preview.stdout).toMatch(/"Data behind: hcp-a does not answer; last known: hcp-b was at least 0 objects, 0 bytes, 0 s behind hcp-a \(read at /);

    const up = await drill.local.stack.up({ plan: planFile, onOutput: drill.onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.activeSystem.value).toBe("replica");
    expect((up.outputs.executedSteps.value as Array<{ number?: number }>).map((s) => s.number)).toEqual([1, 2]);
    expect(up.outputs.lastTransition.value).toMatchObject({
      from: "replicating",
      to: "failedOver",
      seconds: expect.any(Number),
      dataBehindAtStart: { objects: 0, bytes: 0, seconds: 0, source: "last known" },
    });
  });

  it("recovery while the primary is down fails preview and up with the refusal; refresh is not blocked", async () => {
    await drill.local.stack.setConfig("state", { value: "replicating" });
    const before = await changing();
    const preview = await failure(drill.local.stack.preview({ onOutput: drill.onOutput }));
    expect(preview).toMatch(/Refused: hcp-a \(primary\) cannot be reached .*data recovery onto it \(step 3 onwards\) needs it\. Found: .*\. Expected: .*\. Way forward: .*declare state "failedOver"/);
    const up = await failure(drill.local.stack.up({ onOutput: drill.onOutput }));
    expect(up).toMatch(/Refused: hcp-a \(primary\) cannot be reached/);
    expect(await changing()).toBe(before);
    const refresh = await drill.local.stack.refresh({ onOutput: drill.onOutput });
    expect(refresh.summary.result).toBe("succeeded");
  });

  it("a saved recovery plan is refused, touching nothing, when recovery was begun by hand in between; the preview had no stale step", async () => {
    await drill.control.bringUp("hcp-a");
    const planFile = path.join(planDir, "recovery.json");
    const preview = await drill.local.stack.preview({ diff: true, plan: planFile, onOutput: drill.onOutput });
    expect(preview.stdout).not.toContain("BEGIN CERTIFICATE");
    const steps = plannedStepsBlock(preview.stdout);
    expect(steps[0]).toMatch(/^\s+\+ \[0\]: "HCP System Management Help 9\.x, Primary system failure workflow:"/);
    expect(steps[1]).toMatch(/^\s+\+ \[1\]: "3\. Check that hcp-a/);
    for (const line of steps) expect(line).toMatch(/^\s+\+ \[\d+\]: "/);

    const b = drill.sim.systems.find((s) => s.name === "hcp-b")!;
    const client = new MapiClient({ endpoint: b.endpoint, username: b.username, password: b.password, caCertificate: fs.readFileSync(b.caFile, "utf8") });
    await client.runLinkAction("link-ab", "beginRecovery");
    client.close();
    const before = await changing();
    const up = await failure(drill.local.stack.up({ plan: planFile, onOutput: drill.onOutput }));
    expect(up).toMatch(/violates plan: properties changed: .*observedPhase\[\{failedOver\}!=\{recovering\}\]/);
    expect(await changing()).toBe(before);
    expect((await drill.control.state("hcp-b")).links[0].statusMessage).toBe("Recovering data");

    // Without the stale plan, up continues from where the person left off.
    const recovered = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(recovered.outputs.phase.value).toBe("replicating");
    expect(recovered.outputs.lastTransition.value).toMatchObject({ from: "recovering", to: "replicating" });
  });

  it("hcp-drill-report writes the report of the stack's last transition", async () => {
    const bin = path.join(drill.local.stack.workspace.workDir, "bin/hcp-drill-report.js");
    const { stdout } = await promisify(execFile)("node", [bin, "--stack", drill.local.stack.name, "--cwd", drill.local.stack.workspace.workDir], {
      env: { ...process.env, ...drill.local.env },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/^# Failover drill report: reviewed/);
    expect(stdout).toMatch(/\| last pulumi up \| recovering \| replicating \| \S+Z \| \S+Z \| [\d.]+ \| /);
    expect(stdout).toMatch(/\| \d+ \| On hcp-b \(replica\), complete data recovery on link link-ab \| done \| /);
    expect(stdout).toMatch(/\| update \| succeeded \| /);
    expect(stdout).toContain("Not counted: the HCP Management API does not list objects");
  });
});
