/**
 * The demo program with an active/active link (linkType ACTIVE_ACTIVE) through the real Pulumi CLI
 * against the simulator, three drills on one stack: (a) hcp-a down, failedOver to hcp-b, objects written
 * on hcp-b, hcp-a back, replicating: the numbered table in preview, up fails back, every object on both;
 * (b) the same with hcp-a rebuilt (certificates and restore from hcp-b); (c) failing over the other way,
 * failOverTo "primary" with hcp-b down.
 */
import * as fs from "fs";
import { Drill, planRecorder, startDrill, waitFor, writeObjects } from "./helpers";

const tenant = "finance";
const LINK = "link-ab";

describe("active/active drills with pulumi up (real CLI, simulator over HTTPS)", () => {
  let drill: Drill;
  const written: string[] = [];

  beforeAll(async () => {
    drill = await startDrill(
      "aa-drill",
      { links: [{ name: LINK, primary: "hcp-a", replica: "hcp-b", type: "ACTIVE_ACTIVE", tenants: ["finance", "media"], exchangeCertificates: true }] },
      { linkType: "ACTIVE_ACTIVE" },
    );
  }, 15 * 60 * 1000);

  afterAll(async () => {
    await drill?.stop();
  });

  const up = () => drill.local.stack.up({ onOutput: drill.onOutput });
  async function previewSteps(): Promise<string[]> {
    const plan = planRecorder();
    await drill.local.stack.preview({ diff: true, onOutput: drill.onOutput, onEvent: plan.onEvent });
    return plan.plannedSteps() ?? [];
  }
  const numbersOf = (lines: string[]) => lines.filter((l) => /^\d+\. /.test(l)).map((l) => Number(l.split(".")[0]));
  /** Every object written so far is on both systems (replication runs in simulated time: wait for it). */
  const everywhere = () =>
    waitFor("every object on both systems", async () => {
      const [a, b] = await Promise.all([drill.control.listObjects("hcp-a", tenant), drill.control.listObjects("hcp-b", tenant)]);
      return written.every((k) => a.includes(k) && b.includes(k)) ? true : undefined;
    });

  it("takes the active/active link under management: both systems active and read-write", async () => {
    const result = await up();
    expect(result.outputs.activeSystem.value).toBe("both");
    expect(result.outputs.primaryAccess.value).toBe("read-write");
    expect(result.outputs.replicaAccess.value).toBe("read-write");
    expect(await drill.control.changingRequests("hcp-a")).toBe(0);
    written.push(...(await writeObjects(drill.control, "hcp-a", tenant, "a-before", 3)), ...(await writeObjects(drill.control, "hcp-b", tenant, "b-before", 3)));
    await everywhere();
  });

  it("(a) hcp-a down: failedOver to hcp-b, objects on hcp-b; hcp-a back: preview shows 3, 4, 6 and up fails back", async () => {
    await drill.control.takeDown("hcp-a");
    await drill.local.stack.setConfig("state", { value: "failedOver" });
    expect(await previewSteps()).toEqual([
      "HCP System Management Help 9.x, System failure workflow with an active/active link:",
      "1. On hcp-b (replica), fail over link link-ab (hcp-b (replica) keeps serving)",
      "2. DNS failover is off: direct clients to write only to hcp-b (replica)",
    ]);
    const over = await up();
    expect(over.outputs.activeSystem.value).toBe("replica");
    expect(over.outputs.phase.value).toBe("failedOver");
    written.push(...(await writeObjects(drill.control, "hcp-b", tenant, "a-during", 10)));

    await drill.control.bringUp("hcp-a");
    await drill.local.stack.setConfig("state", { value: "replicating" });
    const steps = await previewSteps();
    expect(steps.slice(0, 4)).toEqual([
      "HCP System Management Help 9.x, System failure workflow with an active/active link:",
      expect.stringMatching(/^3\. Check that hcp-a \(primary\) and hcp-b \(replica\) trust each other's replication server certificates/),
      "4. Check the configuration of link link-ab on hcp-b (replica) (applied by the ReplicationLink resource)",
      "6. On hcp-b (replica), fail back link link-ab (replication restarts in both directions)",
    ]);
    expect(steps[4]).toMatch(/^Warning: objects written on both systems while link link-ab was failed over: after failBack \(step 6\) the version written last/);
    const back = await up();
    expect(back.outputs.activeSystem.value).toBe("both");
    expect(back.outputs.phase.value).toBe("replicating");
    expect((back.outputs.executedSteps.value as Array<{ number: number }>).map((s) => s.number)).toEqual([3, 4, 6]);
    await everywhere();
    expect(fs.readFileSync(drill.redirectLog, "utf8").trim().split("\n").pop()).toMatch(/clients now write to both systems/);
  });

  it("(b) hcp-a rebuilt: the certificates are uploaded again, then restore (5) and failBack (6) from hcp-b", async () => {
    await drill.control.takeDown("hcp-a");
    await drill.local.stack.setConfig("state", { value: "failedOver" });
    await up();
    written.push(...(await writeObjects(drill.control, "hcp-b", tenant, "b-during", 10)));
    await drill.control.rebuild("hcp-a", false);
    await drill.control.bringUp("hcp-a");
    await drill.local.stack.setConfig("state", { value: "replicating" });
    expect(numbersOf(await previewSteps())).toEqual([3, 4, 5, 6]);
    const back = await up();
    expect((back.outputs.executedSteps.value as Array<{ number: number }>).map((s) => s.number)).toEqual([3, 4, 5, 6]);
    expect(back.outputs.activeSystem.value).toBe("both");
    await everywhere();
  });

  it("(c) failOverTo primary with hcp-b down, objects on hcp-a, then back", async () => {
    await drill.control.takeDown("hcp-b");
    await drill.local.stack.setAllConfig({ state: { value: "failedOver" }, failOverTo: { value: "primary" } });
    expect(numbersOf(await previewSteps())).toEqual([1, 2]);
    const over = await up();
    expect(over.outputs.activeSystem.value).toBe("primary");
    expect((over.outputs.executedSteps.value as Array<{ title: string }>)[0].title).toBe("On hcp-a (primary), fail over link link-ab (hcp-a (primary) keeps serving)");
    written.push(...(await writeObjects(drill.control, "hcp-a", tenant, "c-during", 10)));
    await drill.control.bringUp("hcp-b");
    await drill.local.stack.setConfig("state", { value: "replicating" });
    const back = await up();
    expect((back.outputs.executedSteps.value as Array<{ number: number }>).map((s) => s.number)).toEqual([3, 4, 6]);
    expect(back.outputs.activeSystem.value).toBe("both");
    await everywhere();
    const stored = fs.readFileSync(drill.redirectLog, "utf8");
    expect(stored).toMatch(/clients now write to the primary system/);
  });
});
