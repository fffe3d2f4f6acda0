import { Harness, errorMessage, type SideState } from "./helpers";

/**
 * The documented primary-failure workflow for a current-release link (HCP 9.x help, steps 1-10),
 * driven with plain HTTP calls. Simulated time is frozen and moved forward explicitly so every
 * intermediate state can be observed. After each step: statusMessage on both systems, and tenant
 * access through a real write on both systems.
 */

const LINK = "link-ab";
let h: Harness;

beforeAll(async () => {
  h = await Harness.start({ timeSpeed: 0, replicationRate: { objectsPerSecond: 5 } });
});
afterAll(() => h.stop());

async function expectSide(system: string, expected: SideState): Promise<void> {
  expect(await h.side(system, LINK, "finance")).toEqual(expected);
  expect((await h.side(system, LINK, "media")).access).toBe(expected.access);
}

async function expectDown(system: string): Promise<void> {
  await expect(h.request(system, "/mapi/services/replication")).rejects.toMatchObject({ code: "ECONNREFUSED" });
}

async function pendingOn(system: string): Promise<number> {
  const link = await h.link(system, LINK);
  return Number((link?.["statistics"] as Record<string, unknown>)["objectsPending"]);
}

describe("seed workflow, current release (9.x)", () => {
  test("before the failure: data replicates primary -> replica", async () => {
    for (let i = 0; i < 10; i++) expect(await h.write("hcp-a", "finance", `f${i}`, `finance ${i}`)).toBe(201);
    await h.advance(2_000); // 5 objects/s for 2 s
    const a = await h.objects("hcp-a", "finance");
    const b = await h.objects("hcp-b", "finance");
    expect(b).toEqual(a);
    await expectSide("hcp-a", { statusMessage: "Sending data", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Receiving data", access: "read-only" });
  });

  test("the primary fails: the replica shows a stalled link", async () => {
    await h.control("POST", "/_sim/systems/hcp-a/down");
    await expectDown("hcp-a");
    await expectSide("hcp-b", { statusMessage: "Stalled link", access: "read-only" });
  });

  test("step 1: fail over the link on the replica", async () => {
    const result = await h.action("hcp-b", LINK, "failOver");
    expect(result.status).toBe(200);
    expect(result.body).toBe("");
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
    await expectDown("hcp-a");
    expect(await h.events("hcp-b")).toContain("Link 'link-ab': failOver requested on hcp-b");
  });

  test("step 2: clients write to the replica", async () => {
    for (let i = 0; i < 20; i++) expect(await h.write("hcp-b", "media", `m${i}`, `media ${i}`)).toBe(201);
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("the primary comes back: it learns of the failover and stays read-write (it could not be told)", async () => {
    await h.control("POST", "/_sim/systems/hcp-a/up");
    await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("step 3: the primary was not rebuilt, so each system still trusts the other's certificate", async () => {
    for (const [system, other] of [
      ["hcp-a", "hcp-b"],
      ["hcp-b", "hcp-a"],
    ] as const) {
      const list = JSON.parse((await h.mapi(system, "GET", "/certificates", { json: true })).body) as { certificate: Array<{ subjectDN: string }> };
      expect(list.certificate.map((c) => c.subjectDN)).toContain(`CN=${other}.example.com, OU=Replication ${other}, O=HCP Simulator`);
    }
    await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("step 4: update the link configuration on the replica", async () => {
    const body = JSON.stringify({ description: "recovering after primary failure", compression: true });
    const result = await h.mapi("hcp-b", "POST", `/links/${LINK}`, { body, contentType: "application/json" });
    expect(result.status).toBe(200);
    expect(result.body).toBe("");
    for (const system of ["hcp-a", "hcp-b"]) {
      const link = await h.link(system, LINK);
      expect(link).toMatchObject({ description: "recovering after primary failure", compression: true, encryption: false });
    }
    await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("step 5: the link is not broken, so restore is refused", async () => {
    const result = await h.action("hcp-b", LINK, "restore");
    expect(result.status).toBe(400);
    expect(errorMessage(result)).toContain("the link is not broken");
    await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("step 6: begin data recovery on the replica", async () => {
    expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
    await expectSide("hcp-b", { statusMessage: "Recovering data", access: "read-write" });
    await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
    const replica = await h.link("hcp-b", LINK);
    const primary = await h.link("hcp-a", LINK);
    const pending = (replica?.["statistics"] as Record<string, number>)["objectsPending"];
    expect(pending).toBeGreaterThanOrEqual(20);
    // Documented: the …PendingRemote counters are always zero on an active/passive link (hcp-workflows.md 4b).
    expect((primary?.["statistics"] as Record<string, number>)["objectsPendingRemote"]).toBe(0);
    expect((primary?.["statistics"] as Record<string, number>)["bytesPendingRemote"]).toBe(0);
    expect(replica).toMatchObject({ status: "WARNING", suspended: false, type: "INBOUND" });
  });

  test("step 7: wait for data recovery to come close to up to date", async () => {
    const before = await pendingOn("hcp-b");
    const asOfBefore = Number(((await h.link("hcp-b", LINK))?.["statistics"] as Record<string, unknown>)["upToDateAsOfMillis"]);
    await h.advance(2_000);
    expect(await pendingOn("hcp-b")).toBe(before - 10);
    const asOfAfter = Number(((await h.link("hcp-b", LINK))?.["statistics"] as Record<string, unknown>)["upToDateAsOfMillis"]);
    expect(asOfAfter).toBeGreaterThanOrEqual(asOfBefore);
    await expectSide("hcp-b", { statusMessage: "Recovering data", access: "read-write" });
    await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
  });

  test("step 8: complete data recovery on the replica", async () => {
    expect((await h.action("hcp-b", LINK, "completeRecovery")).status).toBe(200);
    await expectSide("hcp-b", { statusMessage: "Completing recovery", access: "read-only" });
    await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
    expect(await pendingOn("hcp-b")).toBeGreaterThan(0);
    expect(await h.events("hcp-a")).not.toContain("Replication data recovery completed");
  });

  test("step 9: data recovery finishes: primary read-write, replica read-only, replication restarts", async () => {
    await h.advance(60_000);
    await expectSide("hcp-a", { statusMessage: "Sending data", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Receiving data", access: "read-only" });
    expect(await h.events("hcp-a")).toContain("Replication data recovery completed");
    expect(await h.events("hcp-b")).toContain("Replication data recovery completed");
    const onReplica = await h.objects("hcp-b", "media");
    const onPrimary = await h.objects("hcp-a", "media");
    for (let i = 0; i < 20; i++) expect(onPrimary.get(`m${i}`)).toBe(onReplica.get(`m${i}`));
    const content = await h.request("hcp-a", "/data/media/m7");
    expect(content.body).toBe("media 7");
  });

  test("step 10: clients write to the primary again, and it replicates to the replica", async () => {
    expect(await h.write("hcp-a", "finance", "after-recovery", "back home")).toBe(201);
    await h.advance(60_000);
    const copy = await h.request("hcp-b", "/data/finance/after-recovery");
    expect(copy.status).toBe(200);
    expect(copy.body).toBe("back home");
    expect(await h.objects("hcp-b", "finance")).toEqual(await h.objects("hcp-a", "finance"));
  });
});
