/**
 * pausedTenants through the real Pulumi CLI, with the demo program: `pulumi up` pauses a declared tenant
 * on the primary; a tenant HCP paused by itself is resumed once declared unpaused and its cause fixed.
 */
import { Drill, planRecorder, startDrill } from "./helpers";

async function tenantStatus(drill: Drill): Promise<Record<string, string>> {
  const state = (await drill.control.state("hcp-a")) as unknown as { links: Array<{ name: string; tenantStatus: Record<string, string> }> };
  return state.links.find((l) => l.name === "link-ab")?.tenantStatus ?? {};
}

describe("tenant pause and resume", () => {
  let drill: Drill;
  beforeAll(async () => {
    drill = await startDrill("tenant-pause", {}, { pausedTenants: JSON.stringify(["media"]) });
  }, 15 * 60 * 1000);
  afterAll(async () => drill?.stop());

  it("pauses the declared tenant, then resumes both once the other's auto-pause cause is fixed", async () => {
    const first = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(first.summary.result).toBe("succeeded");
    expect(await tenantStatus(drill)).toEqual({ finance: "REPLICATING", media: "PAUSED" });

    await drill.control.autoPauseTenant("hcp-a", "link-ab", "finance", "the primary cannot reach Active Directory");
    await drill.control.clearAutoPause("hcp-a", "link-ab", "finance");
    await drill.local.stack.setConfig("pausedTenants", { value: "[]" });
    const plan = planRecorder();
    await drill.local.stack.preview({ onEvent: plan.onEvent });
    expect(plan.plannedSteps()).toEqual([
      "HCP System Management Help 9.x, Pausing and resuming replication or recovery of a tenant:",
      "2. On hcp-a (primary), resume replication of tenant media on link link-ab",
      "3. On hcp-a (primary), resume tenant finance on link link-ab, which HCP paused by itself (AUTO_PAUSED): HCP accepts the resume once the cause is fixed",
    ]);

    const second = await drill.local.stack.up({ onOutput: drill.onOutput });
    const executed = (second.outputs.executedSteps.value as Array<{ number: number; outcome: string }>).map((s) => [s.number, s.outcome]);
    expect(executed).toEqual([
      [2, "done"],
      [3, "done"],
    ]);
    expect(await tenantStatus(drill)).toEqual({ finance: "REPLICATING", media: "REPLICATING" });
  });
});
