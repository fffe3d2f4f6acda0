import { Harness, errorMessage, type SideState } from "./helpers";

/**
 * The documented primary-failure workflow for a cross-release link (HCP 7.x help, steps 1-11): the
 * primary comes back rebuilt on an older release, so the link is broken, certificates must be
 * exchanged again, and `restore` leaves a pending request that the primary's console accepts.
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

async function pendingOn(system: string): Promise<number> {
  const link = await h.link(system, LINK);
  return Number((link?.["statistics"] as Record<string, unknown>)["objectsPending"]);
}

describe("seed workflow, cross-release link (7.x) with a rebuilt primary", () => {
  test("before the failure: data replicates primary -> replica", async () => {
    for (let i = 0; i < 10; i++) expect(await h.write("hcp-a", "finance", `f${i}`, `finance ${i}`)).toBe(201);
    await h.advance(10_000);
    expect(await h.objects("hcp-b", "finance")).toEqual(await h.objects("hcp-a", "finance"));
    await expectSide("hcp-a", { statusMessage: "Sending data", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Receiving data", access: "read-only" });
  });

  test("step 1: the primary fails; fail over the link on the replica", async () => {
    await h.control("POST", "/_sim/systems/hcp-a/down");
    expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
    await expect(h.request("hcp-a", "/mapi/services/replication")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  test("step 2: clients write to the replica", async () => {
    for (let i = 0; i < 15; i++) expect(await h.write("hcp-b", "media", `m${i}`, `media ${i}`)).toBe(201);
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("the primary comes back rebuilt on an older release: no link, tenants read-write", async () => {
    await h.control("POST", "/_sim/systems/hcp-a/rebuild");
    await h.control("POST", "/_sim/systems/hcp-a/software-version", { version: "8.3.1" });
    await h.control("POST", "/_sim/systems/hcp-a/up");
    const list = await h.mapi("hcp-a", "GET", "/links", { json: true });
    expect(list.headers["x-hcp-softwareversion"]).toBe("8.3.1");
    expect(JSON.parse(list.body)).toEqual({ name: [] });
    await expectSide("hcp-a", { statusMessage: "no link", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
    expect((await h.objects("hcp-a", "finance")).has("f0")).toBe(false);
  });

  test("before step 3: recovery and restore are refused with the reason", async () => {
    const begin = await h.action("hcp-b", LINK, "beginRecovery");
    expect(begin.status).toBe(400);
    expect(errorMessage(begin)).toContain("the link is broken (hcp-a has no link 'link-ab'); restore it first");
    const restore = await h.action("hcp-b", LINK, "restore");
    expect(restore.status).toBe(400);
    expect(errorMessage(restore)).toContain("hcp-a does not trust hcp-b's replication server certificate");
  });

  test("step 3: exchange the replication server certificates", async () => {
    for (const [from, to] of [
      ["hcp-b", "hcp-a"],
      ["hcp-a", "hcp-b"],
    ] as const) {
      const server = await h.mapi(from, "GET", "/certificates/server");
      expect(server.status).toBe(200);
      expect(server.body).toContain("-----BEGIN CERTIFICATE-----");
      const upload = await h.mapi(to, "PUT", "/certificates", { body: server.body, contentType: "application/x-pem-file" });
      expect(upload.status).toBe(200);
      expect(upload.body).toBe("");
      const again = await h.mapi(to, "PUT", "/certificates", { body: server.body, contentType: "application/x-pem-file" });
      expect(again.status).toBe(409);
    }
    await expectSide("hcp-a", { statusMessage: "no link", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("step 4: update the link configuration on the replica", async () => {
    const body = "<link><description>restore after rebuild</description></link>";
    expect((await h.mapi("hcp-b", "POST", `/links/${LINK}`, { body, contentType: "application/xml" })).status).toBe(200);
    expect(await h.link("hcp-b", LINK)).toMatchObject({ description: "restore after rebuild" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  });

  test("step 5: restore the broken link: a pending request appears on the primary", async () => {
    expect((await h.action("hcp-b", LINK, "restore")).status).toBe(200);
    await expectSide("hcp-a", { statusMessage: "Pending", access: "read-only" });
    await expectSide("hcp-b", { statusMessage: "Pending remote reply", access: "read-write" });
    expect(await h.control("GET", "/_sim/systems/hcp-a/pending-requests")).toEqual([{ link: LINK, from: "hcp-b", type: "OUTBOUND" }]);
    const begin = await h.action("hcp-b", LINK, "beginRecovery");
    expect(begin.status).toBe(400);
    expect(errorMessage(begin)).toContain("pending");
  });

  test("step 6: accept the restored link on the primary (its console)", async () => {
    await h.control("POST", `/_sim/systems/hcp-a/pending-requests/${LINK}/accept`);
    await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-only" });
    await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
    expect(await h.link("hcp-a", LINK)).toMatchObject({ type: "OUTBOUND", description: "restore after rebuild" });
  });

  test("step 7: begin data recovery on the replica", async () => {
    expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
    await expectSide("hcp-b", { statusMessage: "Recovering data", access: "read-write" });
    await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
    // restore re-sends everything: the 10 old objects as well as the 15 new ones (and the probes)
    expect(await pendingOn("hcp-b")).toBeGreaterThanOrEqual(25);
  });

  test("step 8: wait for data recovery to come close to up to date", async () => {
    const before = await pendingOn("hcp-b");
    await h.advance(2_000);
    expect(await pendingOn("hcp-b")).toBe(before - 10);
    await expectSide("hcp-b", { statusMessage: "Recovering data", access: "read-write" });
    await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
  });

  test("step 9: complete data recovery on the replica", async () => {
    expect((await h.action("hcp-b", LINK, "completeRecovery")).status).toBe(200);
    await expectSide("hcp-b", { statusMessage: "Completing recovery", access: "read-only" });
    await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
  });

  test("step 10: data recovery finishes", async () => {
    await h.advance(60_000);
    await expectSide("hcp-a", { statusMessage: "Sending data", access: "read-write" });
    await expectSide("hcp-b", { statusMessage: "Receiving data", access: "read-only" });
    for (const system of ["hcp-a", "hcp-b"]) expect(await h.events(system)).toContain("Replication data recovery completed");
    for (const tenant of ["finance", "media"]) {
      const onReplica = await h.objects("hcp-b", tenant);
      const onPrimary = await h.objects("hcp-a", tenant);
      for (const [key, version] of onReplica) expect(onPrimary.get(key)).toBe(version);
    }
  });

  test("step 11: clients write to the primary again", async () => {
    expect(await h.write("hcp-a", "media", "after-recovery", "back home")).toBe(201);
    await h.advance(60_000);
    expect((await h.request("hcp-b", "/data/media/after-recovery")).body).toBe("back home");
  });
});
