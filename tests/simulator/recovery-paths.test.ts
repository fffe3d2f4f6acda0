import { Harness, type SideState } from "./helpers";

/**
 * The other ways through a failover: a rebuilt primary on the same release, split brain (primary
 * down, or cut off, during the failover), a planned failover with both systems up, DNS failover
 * broadcasts, and the data written on the replica reaching the primary at high time speed.
 * One simulator; `POST /_sim/reset` before each test.
 */

const LINK = "link-ab";
let h: Harness;

beforeAll(async () => {
  h = await Harness.start({ timeSpeed: 0, replicationRate: { objectsPerSecond: 5 } });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

async function expectSide(system: string, expected: SideState): Promise<void> {
  expect(await h.side(system, LINK, "finance")).toEqual(expected);
}

async function recoverAndFinish(): Promise<void> {
  expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
  await expectSide("hcp-b", { statusMessage: "Recovering data", access: "read-write" });
  await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
  expect((await h.action("hcp-b", LINK, "completeRecovery")).status).toBe(200);
  await expectSide("hcp-b", { statusMessage: "Completing recovery", access: "read-only" });
  await expectSide("hcp-a", { statusMessage: "Receiving data", access: "read-only" });
  await h.advance(3_600_000);
  await expectSide("hcp-a", { statusMessage: "Sending data", access: "read-write" });
  await expectSide("hcp-b", { statusMessage: "Receiving data", access: "read-only" });
}

test("rebuilt primary: certificate exchange, restore, beginRecovery, completeRecovery", async () => {
  for (let i = 0; i < 5; i++) await h.write("hcp-a", "finance", `old${i}`, `old ${i}`);
  await h.advance(10_000);
  const oldCertificate = (await h.mapi("hcp-a", "GET", "/certificates/server")).body;
  await h.control("POST", "/_sim/systems/hcp-a/down");
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  for (let i = 0; i < 12; i++) expect(await h.write("hcp-b", "finance", `new${i}`, `new ${i}`)).toBe(201);
  await h.control("POST", "/_sim/systems/hcp-a/rebuild");
  await h.control("POST", "/_sim/systems/hcp-a/up");

  const newCertificate = (await h.mapi("hcp-a", "GET", "/certificates/server")).body;
  expect(newCertificate).not.toBe(oldCertificate);
  expect(JSON.parse((await h.mapi("hcp-a", "GET", "/certificates", { json: true })).body).certificate).toHaveLength(1); // only its own
  await expectSide("hcp-a", { statusMessage: "no link", access: "read-write" });
  await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });

  // seed step 3, both directions
  const fromB = (await h.mapi("hcp-b", "GET", "/certificates/server")).body;
  expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: fromB, contentType: "application/x-pem-file" })).status).toBe(200);
  expect((await h.mapi("hcp-b", "PUT", "/certificates", { body: newCertificate, contentType: "text/plain" })).status).toBe(200);

  // seed step 5 on a current-release link: the link is recreated at once
  expect((await h.action("hcp-b", LINK, "restore")).status).toBe(200);
  await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-only" });
  await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  expect(await h.link("hcp-a", LINK)).toMatchObject({ type: "OUTBOUND", name: LINK });
  const content = JSON.parse((await h.mapi("hcp-a", "GET", `/links/${LINK}/content`, { json: true })).body);
  expect(content).toEqual({ tenants: { name: ["finance", "media"] }, defaultNamespaceDirectories: { name: [] }, chainedLinks: { name: [] } });

  await recoverAndFinish();
  const onPrimary = await h.objects("hcp-a", "finance");
  for (const [key, version] of await h.objects("hcp-b", "finance")) expect(onPrimary.get(key)).toBe(version);
  expect(onPrimary.has("old0")).toBe(true); // re-sent from the replica after the rebuild wiped it
});

test("split brain: the primary is down during failOver and stays read-write until beginRecovery", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/down");
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  await h.control("POST", "/_sim/systems/hcp-a/up");
  await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-write" });
  await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  expect((await h.events("hcp-a")).some((m) => m.includes("while this system could not be reached"))).toBe(true);
  await recoverAndFinish();
});

test("network cut: MAPI still answers, failOver leaves the primary read-write", async () => {
  await h.control("POST", "/_sim/network/cut", { systems: ["hcp-a", "hcp-b"] });
  await expectSide("hcp-a", { statusMessage: "Stalled link", access: "read-write" });
  await expectSide("hcp-b", { statusMessage: "Stalled link", access: "read-only" });
  expect(await h.link("hcp-a", LINK)).toMatchObject({ status: "BAD" });

  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  await expectSide("hcp-a", { statusMessage: "Stalled link", access: "read-write" });
  expect(await h.write("hcp-a", "finance", "written-during-split", "primary side")).toBe(201);

  const begin = await h.action("hcp-b", LINK, "beginRecovery");
  expect(begin.status).toBe(400);
  expect(begin.headers["x-hcp-errormessage"]).toContain("hcp-a cannot be reached");

  await h.control("POST", "/_sim/network/heal", { systems: ["hcp-a", "hcp-b"] });
  await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-write" });
  await recoverAndFinish();
  await h.advance(60_000);
  expect((await h.request("hcp-b", "/data/finance/written-during-split")).body).toBe("primary side");
});

test("planned failover with both systems up: the primary becomes read-only at once", async () => {
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  await expectSide("hcp-a", { statusMessage: "Failed over", access: "read-only" });
  await expectSide("hcp-b", { statusMessage: "Failed over", access: "read-write" });
  expect(await h.events("hcp-a")).toContain("Link 'link-ab' failed over to hcp-b; its tenants on this system are now read-only");
  await recoverAndFinish();
});

test("DNS failover enabled: the replica broadcasts on failOver and both broadcast the original on completion", async () => {
  const body = "<replicationService><enableDNSFailover>true</enableDNSFailover></replicationService>";
  for (const system of ["hcp-a", "hcp-b"]) {
    expect((await h.mapi(system, "POST", "", { body, contentType: "application/xml" })).status).toBe(200);
  }
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  expect(await h.events("hcp-b")).toContain("DNS failover: broadcasting a new DNS configuration: requests for hcp-a.example.com now go to hcp-b");
  await recoverAndFinish();
  expect(await h.events("hcp-a")).toContain("DNS failover: broadcasting the original DNS configuration of hcp-a.example.com");
  expect(await h.events("hcp-b")).toContain("DNS failover: broadcasting the original DNS configuration of hcp-b.example.com");
});

test("at 600x, every object written on the replica while failed over reaches the primary after recovery", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/down");
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  const written = new Map<string, string>();
  for (let i = 0; i < 60; i++) {
    const tenant = i % 2 === 0 ? "finance" : "media";
    const key = `batch/${i}`;
    expect(await h.write("hcp-b", tenant, key, `payload ${i}`)).toBe(201);
    written.set(`${tenant}/${key}`, `payload ${i}`);
  }
  await h.control("POST", "/_sim/systems/hcp-a/up");
  await h.timeSpeed(600);
  expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
  await h.waitFor("recovery close to up to date", async () => {
    const stats = (await h.link("hcp-b", LINK))?.["statistics"] as Record<string, number>;
    return stats["objectsPending"] === 0;
  });
  expect((await h.action("hcp-b", LINK, "completeRecovery")).status).toBe(200);
  await h.waitFor("recovery to finish", async () => (await h.link("hcp-a", LINK))?.["statusMessage"] === "Sending data");
  await expectSide("hcp-a", { statusMessage: "Sending data", access: "read-write" });
  await expectSide("hcp-b", { statusMessage: "Receiving data", access: "read-only" });
  for (const [path, payload] of written) {
    const copy = await h.request("hcp-a", `/data/${path}`);
    expect(copy.status).toBe(200);
    expect(copy.body).toBe(payload);
  }
});
