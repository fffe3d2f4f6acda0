/**
 * The demo program through the real Pulumi CLI against the simulator: preview shows the plan and changes
 * nothing, up fails over with the primary down, objects written on the replica all reach the primary after
 * recovery (through "recovering", then "replicating"), refresh sees an out-of-band failover, the state holds
 * no password, and destroy refuses to delete the link until allowed.
 */
import * as fs from "fs";
import { MapiClient } from "../../provider/mapi/client";
import { Drill, planRecorder, startDrill, writeObjects } from "./helpers";
import { readBackendFiles } from "../helpers/pulumiCli";

const tenant = "finance";

describe("failover drill with pulumi up (real CLI, simulator over HTTPS)", () => {
  let drill: Drill;
  const writtenOnPrimary: string[] = [];
  const writtenOnReplica: string[] = [];

  beforeAll(async () => {
    drill = await startDrill("drill");
  }, 15 * 60 * 1000);

  afterAll(async () => {
    await drill?.stop();
  });

  it("takes the existing link under management without changing anything", async () => {
    const up = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.activeSystem.value).toBe("primary");
    expect(up.outputs.phase.value).toBe("replicating");
    expect(up.outputs.primaryAccess.value).toBe("read-write");
    expect(up.outputs.replicaAccess.value).toBe("read-only");
    expect(await drill.control.changingRequests("hcp-a")).toBe(0);
    expect(await drill.control.changingRequests("hcp-b")).toBe(0);
    writtenOnPrimary.push(...(await writeObjects(drill.control, "hcp-a", tenant, "before", 10)));
  });

  it("previews the failover with the primary down: steps 1 and 2, and nothing changes", async () => {
    await drill.control.takeDown("hcp-a");
    await drill.local.stack.setConfig("state", { value: "failedOver" });
    const before = await drill.control.changingRequests("hcp-b");
    const plan = planRecorder();
    const preview = await drill.local.stack.preview({ diff: true, onOutput: drill.onOutput, onEvent: plan.onEvent });
    expect(plan.plannedSteps()).toEqual([
      "HCP System Management Help 9.x, Primary system failure workflow:",
      "1. On hcp-b (replica), fail over link link-ab",
      "2. DNS failover is off: direct clients to write only to hcp-b (replica)",
      expect.stringMatching(/^Warning: split brain: hcp-a \(primary\) does not answer, so it cannot be told of the failover/),
      expect.stringMatching(/^Data behind: hcp-a does not answer; last known: hcp-b was at least \d+ objects, \d+ bytes, \d+ s behind hcp-a \(read at .*\); anything written to hcp-a after that is unknown$/),
    ]);
    expect(preview.changeSummary.update).toBeGreaterThanOrEqual(1);
    expect(await drill.control.changingRequests("hcp-b")).toBe(before);
    const replica = await drill.control.state("hcp-b");
    expect(replica.links[0].statusMessage).not.toBe("Failed over");
  });

  it("fails over with the primary down; the replica takes writes", async () => {
    const up = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(up.outputs.activeSystem.value).toBe("replica");
    expect(up.outputs.phase.value).toBe("failedOver");
    expect(up.outputs.replicaAccess.value).toBe("read-write");
    expect(up.outputs.primaryAccess.value).toBe("unreachable");
    expect((up.outputs.executedSteps.value as Array<{ number: number; label: string }>).map((s) => s.number)).toEqual([1, 2]);
    writtenOnReplica.push(...(await writeObjects(drill.control, "hcp-b", tenant, "during", 25)));
    expect(fs.readFileSync(drill.redirectLog, "utf8")).toMatch(/clients now write to the replica system/);
  });

  it("begins recovery when the primary is back (state recovering)", async () => {
    await drill.control.bringUp("hcp-a");
    await drill.local.stack.setConfig("state", { value: "recovering" });
    const plan = planRecorder();
    await drill.local.stack.preview({ onEvent: plan.onEvent });
    // Two 9.x systems: numbered as the 9.x table, where begin data recovery is step 6.
    expect(plan.plannedSteps()?.[0]).toBe("HCP System Management Help 9.x, Primary system failure workflow:");
    expect(plan.plannedSteps()?.slice(1, 4).map((s) => Number(s.split(".")[0]))).toEqual([3, 4, 6]);
    expect(plan.plannedSteps()?.[3]).toBe("6. On hcp-b (replica), begin data recovery on link link-ab");
    // The primary was down at the failover: recovery overwrites its version of objects also written on the replica.
    expect(plan.plannedSteps()?.slice(4)).toEqual([expect.stringMatching(/^Warning: split brain: .*overwrites the hcp-a version/)]);
    const up = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(up.outputs.phase.value).toBe("recovering");
    expect(up.outputs.activeSystem.value).toBe("replica");
    const replica = await drill.control.state("hcp-b");
    expect(replica.links[0].statusMessage).toBe("Recovering data");
  });

  it("completes recovery (state replicating): every object is on the primary", async () => {
    await drill.local.stack.setConfig("state", { value: "replicating" });
    const up = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(up.outputs.phase.value).toBe("replicating");
    expect(up.outputs.activeSystem.value).toBe("primary");
    expect(up.outputs.primaryAccess.value).toBe("read-write");
    expect(up.outputs.replicaAccess.value).toBe("read-only");
    // 9.x step 7 (waiting until nearly up to date) is skipped when recovery has already caught up.
    const executed = (up.outputs.executedSteps.value as Array<{ number: number }>).map((s) => s.number);
    expect(executed.filter((n) => n !== 7)).toEqual([8, 9, 10]);
    const onPrimary = await drill.control.listObjects("hcp-a", tenant);
    for (const key of [...writtenOnPrimary, ...writtenOnReplica]) expect(onPrimary).toContain(key);
    const events = await drill.control.events("hcp-a");
    expect(events.some((e) => e.message.includes("Replication data recovery completed"))).toBe(true);
    expect(fs.readFileSync(drill.redirectLog, "utf8").trim().split("\n").pop()).toMatch(/clients now write to the primary system/);
  });

  it("a second up with nothing to do shows an empty plan and no changes", async () => {
    const plan = planRecorder();
    const preview = await drill.local.stack.preview({ onEvent: plan.onEvent });
    expect(plan.plannedSteps() ?? []).toEqual([]);
    expect(preview.changeSummary.update ?? 0).toBe(0);
  });

  it("refresh reports a failover made outside the stack", async () => {
    const b = drill.sim.systems.find((s) => s.name === "hcp-b")!;
    const client = new MapiClient({ endpoint: b.endpoint, username: b.username, password: b.password, caCertificate: fs.readFileSync(b.caFile, "utf8") });
    await client.runLinkAction("link-ab", "failOver");
    const refresh = await drill.local.stack.refresh({ onOutput: drill.onOutput });
    expect(refresh.summary.result).toBe("succeeded");
    // Refresh updates resource state (stack outputs change only on up): read the failover resource.
    const state = await drill.local.stack.exportStack();
    const failover = state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith("ReplicationFailover::failover"));
    expect(failover.outputs.activeSystem).toBe("replica");
    expect(failover.outputs.phase).toBe("failedOver");
    expect(failover.inputs.state).toBe("failedOver");
    // The declared state is still "replicating": the next preview plans the recovery.
    const plan = planRecorder();
    await drill.local.stack.preview({ onEvent: plan.onEvent });
    expect(plan.plannedSteps()?.[1]).toMatch(/^3\. /);
  });

  it("keeps passwords out of the state, history and everything the CLI printed", async () => {
    const stored = readBackendFiles(drill.local.backendDir);
    const printed = drill.output.join("");
    for (const s of drill.sim.systems) {
      expect(stored).not.toContain(s.password);
      expect(printed).not.toContain(s.password);
    }
    expect(stored).toContain("ReplicationFailover"); // the scan did read the state
  });

  it("destroy refuses to delete the link until allowDeletion is set", async () => {
    await expect(drill.local.stack.destroy({ onOutput: drill.onOutput })).rejects.toThrow(/allowDeletion/);
    const linksOnReplica = (await drill.control.state("hcp-b")).links.map((l) => l.name);
    expect(linksOnReplica).toContain("link-ab");

    await drill.local.stack.setConfig("allowLinkDeletion", { value: "true" });
    await drill.local.stack.setConfig("state", { value: "failedOver" }); // match the systems: no workflow runs
    await drill.local.stack.up({ onOutput: drill.onOutput });
    const destroy = await drill.local.stack.destroy({ onOutput: drill.onOutput });
    expect(destroy.summary.result).toBe("succeeded");
    expect((await drill.control.state("hcp-a")).links).toHaveLength(0);
    expect((await drill.control.state("hcp-b")).links).toHaveLength(0);
  });
});
