/**
 * The replica-failure workflow through the real Pulumi CLI against the simulator: the replica goes down;
 * state "suspended" suspends the link on the primary, which keeps taking writes; the replica comes back
 * rebuilt; state "replicating" previews the numbered steps of the 9.x replica failure table, `up` runs them
 * (certificates re-exchanged by the trust resources, restore and resume on the primary), and every object
 * written on the primary reaches the replica. No failover and no data recovery happen.
 */
import { Drill, planRecorder, startDrill, waitFor, writeObjects } from "./helpers";

const tenant = "finance";

describe("replica failure drill with pulumi up (real CLI, simulator over HTTPS)", () => {
  let drill: Drill;
  const written: string[] = [];

  beforeAll(async () => {
    drill = await startDrill("replica-failure");
    await drill.local.stack.up({ onOutput: drill.onOutput });
    written.push(...(await writeObjects(drill.control, "hcp-a", tenant, "before", 5)));
  }, 15 * 60 * 1000);
  afterAll(async () => drill?.stop());

  it("suspends the link on the primary while the replica is down; the primary keeps serving", async () => {
    await drill.control.takeDown("hcp-b");
    await drill.local.stack.setConfig("state", { value: "suspended" });
    const plan = planRecorder();
    await drill.local.stack.preview({ onEvent: plan.onEvent });
    expect(plan.plannedSteps()).toEqual([
      "HCP System Management Help 9.x, Replica failure workflow:",
      "1. On hcp-a (primary), suspend activity on link link-ab while hcp-b is down",
    ]);
    const up = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(up.outputs.phase.value).toBe("suspended");
    expect(up.outputs.activeSystem.value).toBe("primary");
    expect(up.outputs.primaryAccess.value).toBe("read-write");
    expect((up.outputs.executedSteps.value as Array<{ number?: number }>).map((s) => s.number)).toEqual([1]);
    written.push(...(await writeObjects(drill.control, "hcp-a", tenant, "during-outage", 20)));
  });

  it("the replica comes back rebuilt: preview lists the numbered steps, up runs them, every object reaches it", async () => {
    await drill.control.rebuild("hcp-b"); // new certificate, no link, no trusted certificates, no objects
    await drill.control.bringUp("hcp-b");
    await drill.local.stack.setConfig("state", { value: "replicating" });
    const plan = planRecorder();
    const preview = await drill.local.stack.preview({ onEvent: plan.onEvent });
    expect(plan.plannedSteps()).toEqual([
      "HCP System Management Help 9.x, Replica failure workflow:",
      "2. Check that hcp-b (replica) and hcp-a (primary) trust each other's replication server certificates (ensured by ReplicationCertificateTrust resources)",
      "3. Check the configuration of link link-ab on hcp-a (primary) (applied by the ReplicationLink resource)",
      "4. On hcp-a (primary), restore link link-ab (it is missing on hcp-b (replica))",
      "5. On hcp-a (primary), resume activity on link link-ab",
      "After step 5: Wait until replication hcp-a -> hcp-b restarts (hcp-b (replica) receiving data)",
    ]);
    expect(preview.changeSummary.update).toBeGreaterThanOrEqual(3); // both trusts and the failover

    const up = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(up.outputs.phase.value).toBe("replicating");
    expect(up.outputs.activeSystem.value).toBe("primary");
    const executed = up.outputs.executedSteps.value as Array<{ number?: number; label: string; outcome: string }>;
    expect(executed.map((s) => s.label)).toEqual(["2", "3", "4", "5", "after step 5"]);
    const counts = await drill.control.requestCounts("hcp-a");
    expect(counts.byRoute["POST /mapi/services/replication/links/{link}?restore"]).toBe(1);
    expect(counts.byRoute["POST /mapi/services/replication/links/{link}?resume"]).toBe(1);
    for (const system of ["hcp-a", "hcp-b"]) {
      const byRoute = (await drill.control.requestCounts(system)).byRoute;
      for (const action of ["failOver", "beginRecovery", "completeRecovery"]) {
        expect(byRoute[`POST /mapi/services/replication/links/{link}?${action}`] ?? 0).toBe(0);
      }
    }
    await waitFor("every object on the replica", async () => {
      const onReplica = await drill.control.listObjects("hcp-b", tenant);
      return written.every((k) => onReplica.includes(k)) ? true : undefined;
    }, 120_000);
  });
});
