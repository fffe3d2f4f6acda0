/**
 * Harder recoveries through the real Pulumi CLI: a primary rebuilt on an older release (certificates
 * re-exchanged, link restored, the cross-release request accepted by a person in the console), and a
 * provider process killed in the middle of recovery, after which a second `up` finishes the job without
 * repeating an action.
 */
import * as fs from "fs";
import { Drill, planRecorder, startDrill, waitFor, writeObjects } from "./helpers";

const tenant = "media";

async function failOverWithPrimaryDown(drill: Drill): Promise<void> {
  await drill.local.stack.up({ onOutput: drill.onOutput });
  await drill.control.takeDown("hcp-a");
  await drill.local.stack.setConfig("state", { value: "failedOver" });
  const up = await drill.local.stack.up({ onOutput: drill.onOutput });
  expect(up.outputs.activeSystem.value).toBe("replica");
}

describe("rebuilt primary on an older release (cross-release link)", () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill("cross-release");
  }, 15 * 60 * 1000);
  afterAll(async () => drill?.stop());

  it("re-exchanges certificates, restores the link, waits for the console, and recovers every object", async () => {
    await failOverWithPrimaryDown(drill);
    const written = await writeObjects(drill.control, "hcp-b", tenant, "outage", 20);

    await drill.control.rebuild("hcp-a"); // new certificate, no links, no trusted certificates, no objects
    await drill.control.setSoftwareVersion("hcp-a", "7.3.1"); // a 7.x system: the 7.x cross-release table
    await drill.control.bringUp("hcp-a");
    await drill.local.stack.setConfig("state", { value: "replicating" });

    const plan = planRecorder();
    const preview = await drill.local.stack.preview({ onEvent: plan.onEvent });
    expect(plan.plannedSteps()?.[0]).toBe("HCP System Management Help 7.x, Primary system failure workflow:");
    const steps = plan.plannedSteps()?.filter((s) => /^\d+\. /.test(s));
    expect(steps?.map((s) => Number(s.split(".")[0]))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The primary was rebuilt while failed over: the split-brain warning names whose data recovery overwrites.
    expect(plan.plannedSteps()?.filter((s) => s.startsWith("Warning: "))).toEqual([expect.stringMatching(/^Warning: split brain: .*overwrites the hcp-a version/)]);
    expect(plan.plannedSteps()?.[4]).toMatch(/^6\. In the System Management Console of hcp-a .*accept the pending request/);
    expect(preview.changeSummary.update).toBeGreaterThanOrEqual(3); // both trusts and the failover

    // A person accepts the pending request in hcp-a's console once `up` asks for it.
    const output: string[] = [];
    const up = drill.local.stack.up({ onOutput: (t) => (output.push(t), drill.onOutput(t)) });
    const accepted = waitFor("the pending link request on hcp-a", async () => {
      const pending = await drill.control.pendingRequests("hcp-a");
      if (pending.length === 0) return undefined;
      await waitFor("up to ask for the console", async () => (/accept the pending request/.test(output.join("")) ? true : undefined));
      await drill.control.acceptPendingRequest("hcp-a", pending[0].link);
      return pending[0].link;
    }, 120000);
    expect(await accepted).toBe("link-ab");
    const result = await up;

    const executed = (result.outputs.executedSteps.value as Array<{ number: number; outcome: string }>).map((s) => s.number);
    expect(executed).toEqual(expect.arrayContaining([3, 4, 5, 6, 7, 9, 10, 11]));
    expect(result.outputs.phase.value).toBe("replicating");
    expect(result.outputs.primaryAccess.value).toBe("read-write");
    const onPrimary = await drill.control.listObjects("hcp-a", tenant);
    for (const key of written) expect(onPrimary).toContain(key);
    const trusted = (await drill.control.state("hcp-a")) as unknown as { trustedCertificates: unknown[] };
    expect(trusted.trustedCertificates.length).toBeGreaterThan(0);
  });
});

describe("provider killed in the middle of recovery", () => {
  let drill: Drill;
  beforeAll(async () => {
    // Slow replication (30 objects a second) so that recovery takes several polls.
    drill = await startDrill("killed", { timeSpeed: 10, replicationRate: { objectsPerSecond: 3, bytesPerSecond: 10 * 1024 * 1024 } }, {
      completeRecoveryWhenBehindSeconds: "5",
    });
  }, 15 * 60 * 1000);
  afterAll(async () => drill?.stop());

  it("a second up resumes and finishes without sending beginRecovery twice", async () => {
    await failOverWithPrimaryDown(drill);
    const written = await writeObjects(drill.control, "hcp-b", tenant, "outage", 300);
    await drill.control.bringUp("hcp-a");
    await drill.local.stack.setConfig("state", { value: "replicating" });

    const first = drill.local.stack.up({ onOutput: drill.onOutput });
    await waitFor("recovery to begin", async () => ((await drill.control.state("hcp-b")).links[0]?.statusMessage === "Recovering data" ? true : undefined));
    const killed = killDynamicProviders(drill.local.backendDir);
    expect(killed).toBeGreaterThan(0);
    await expect(first).rejects.toThrow();
    expect((await drill.control.state("hcp-b")).links[0]?.statusMessage).toMatch(/Recovering data|Completing recovery/);

    const second = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(second.outputs.phase.value).toBe("replicating");
    const executed = second.outputs.executedSteps.value as Array<{ number: number; outcome: string }>;
    // The second run plans from the observed phase (recovering): begin recovery (9.x step 6) is not run again.
    expect(executed.filter((s) => s.outcome === "done").map((s) => s.number)).not.toContain(6);
    expect(executed.map((s) => s.number)).toEqual(expect.arrayContaining([8, 9, 10]));
    const counts = await drill.control.requestCounts("hcp-b");
    expect(counts.byRoute["POST /mapi/services/replication/links/{link}?beginRecovery"]).toBe(1);
    expect(counts.byRoute["POST /mapi/services/replication/links/{link}?completeRecovery"]).toBe(1);
    const onPrimary = await drill.control.listObjects("hcp-a", tenant);
    for (const key of written) expect(onPrimary).toContain(key);
  });
});

/** SIGKILLs the dynamic-provider processes serving the stack whose backend is `backendDir`. */
function killDynamicProviders(backendDir: string): number {
  let killed = 0;
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
      if (cmdline.includes("dynamic-provider") && environ.includes(`file://${backendDir}`)) {
        process.kill(Number(pid), "SIGKILL");
        killed++;
      }
    } catch {
      // the process ended meanwhile, or is not ours to read
    }
  }
  return killed;
}
