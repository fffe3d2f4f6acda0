import { Harness, errorMessage } from "./helpers";

/**
 * Active/active links as documented (hcp-workflows.md section 2): both sides read-write and "Synchronizing
 * data", replication and pending statistics both ways, failOver from either side, nothing replicating
 * while failed over, failBack from the survivor, restore from the survivor after a rebuild, the same key
 * written on both sides (the newest write wins), conversion from active/passive, failover settings.
 * One simulator, time frozen, `POST /_sim/reset` before each test.
 */

const AA = "link-aa";
const AP = "link-ab";
let h: Harness;

beforeAll(async () => {
  h = await Harness.start({
    timeSpeed: 0,
    replicationRate: { objectsPerSecond: 1 },
    systems: [{ name: "hcp-a" }, { name: "hcp-b" }],
    links: [
      { name: AA, primary: "hcp-a", replica: "hcp-b", type: "ACTIVE_ACTIVE", tenants: ["shared"] },
      { name: AP, primary: "hcp-a", replica: "hcp-b", tenants: ["finance"] },
    ],
  });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

const keysOn = async (system: string): Promise<string[]> => [...(await h.objects(system, "shared")).keys()].filter((k) => !k.startsWith("probe/")).sort();

async function expectRefused(system: string, link: string, action: string, fragment: string): Promise<void> {
  const result = await h.action(system, link, action);
  expect(result.status).toBe(400);
  expect(errorMessage(result)).toContain(fragment);
}

test("both sides read-write and Synchronizing data; a GET shows only the autoFailover settings", async () => {
  for (const system of ["hcp-a", "hcp-b"]) {
    expect(await h.side(system, AA, "shared")).toEqual({ statusMessage: "Synchronizing data", access: "read-write" });
    const link = await h.link(system, AA);
    expect(link).toMatchObject({ type: "ACTIVE_ACTIVE", status: "GOOD" });
    expect(link?.["failoverSettings"]).toEqual({
      local: { autoFailover: false, autoFailoverMinutes: 120 },
      remote: { autoFailover: false, autoFailoverMinutes: 120 },
    });
  }
});

test("objects replicate both ways, with pending statistics both ways until they have", async () => {
  expect(await h.write("hcp-a", "shared", "a1", "a")).toBe(201);
  expect(await h.write("hcp-a", "shared", "a2", "a")).toBe(201);
  expect(await h.write("hcp-b", "shared", "b1", "b")).toBe(201);
  // Time is frozen: nothing has moved yet (the access probes of the previous test were reset away).
  expect((await h.link("hcp-a", AA))?.["statistics"]).toMatchObject({ objectsPending: 2, objectsPendingRemote: 1 });
  expect((await h.link("hcp-b", AA))?.["statistics"]).toMatchObject({ objectsPending: 1, objectsPendingRemote: 2 });
  await h.advance(60_000);
  expect(await keysOn("hcp-a")).toEqual(["a1", "a2", "b1"]);
  expect(await keysOn("hcp-b")).toEqual(["a1", "a2", "b1"]);
  expect((await h.link("hcp-a", AA))?.["statistics"]).toMatchObject({ objectsPending: 0, objectsPendingRemote: 0 });
});

test("failOver to B with A down; both read-write and nothing replicates; failBack only from B; then both ways", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/down");
  expect(await h.link("hcp-b", AA)).toMatchObject({ statusMessage: "Stalled link" });
  expect((await h.action("hcp-b", AA, "failOver")).status).toBe(200);
  expect(await h.write("hcp-b", "shared", "on-b", "b")).toBe(201);
  await h.control("POST", "/_sim/systems/hcp-a/up");
  for (const system of ["hcp-a", "hcp-b"]) {
    expect(await h.side(system, AA, "shared")).toEqual({ statusMessage: "Failed over", access: "read-write" });
  }
  expect(await h.write("hcp-a", "shared", "on-a", "a")).toBe(201);
  await h.advance(3_600_000);
  expect(await keysOn("hcp-a")).toEqual(["on-a"]);
  expect(await keysOn("hcp-b")).toEqual(["on-b"]);

  await expectRefused("hcp-a", AA, "failBack", "it failed over to hcp-b");
  await expectRefused("hcp-b", AA, "beginRecovery", "applies to active/passive links only");
  expect((await h.action("hcp-b", AA, "failBack")).status).toBe(200);
  for (const system of ["hcp-a", "hcp-b"]) expect(await h.link(system, AA)).toMatchObject({ statusMessage: "Synchronizing data" });
  await h.advance(3_600_000);
  expect(await keysOn("hcp-a")).toEqual(["on-a", "on-b"]);
  expect(await keysOn("hcp-b")).toEqual(["on-a", "on-b"]);
});

test("failing over the other way: to A with B down, failBack from A", async () => {
  await h.control("POST", "/_sim/systems/hcp-b/down");
  expect((await h.action("hcp-a", AA, "failOver")).status).toBe(200);
  expect(await h.write("hcp-a", "shared", "on-a", "a")).toBe(201);
  await h.control("POST", "/_sim/systems/hcp-b/up");
  expect(await h.link("hcp-b", AA)).toMatchObject({ statusMessage: "Failed over" });
  await expectRefused("hcp-b", AA, "failBack", "it failed over to hcp-a");
  expect((await h.action("hcp-a", AA, "failBack")).status).toBe(200);
  await h.advance(60_000);
  expect(await keysOn("hcp-b")).toEqual(["on-a"]);
});

test("failBack needs the other system: refused while it is down", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/down");
  expect((await h.action("hcp-b", AA, "failOver")).status).toBe(200);
  await expectRefused("hcp-b", AA, "failBack", "hcp-a cannot be reached");
});

test("a rebuilt system leaves the link broken; certificates, restore and failBack from the survivor", async () => {
  for (let i = 0; i < 3; i++) await h.write("hcp-a", "shared", `old${i}`, "old");
  await h.advance(60_000);
  await h.control("POST", "/_sim/systems/hcp-a/down");
  expect((await h.action("hcp-b", AA, "failOver")).status).toBe(200);
  for (let i = 0; i < 4; i++) await h.write("hcp-b", "shared", `new${i}`, "new");
  await h.control("POST", "/_sim/systems/hcp-a/rebuild");
  await h.control("POST", "/_sim/systems/hcp-a/up");
  expect(await h.link("hcp-a", AA)).toBeUndefined();
  expect(await h.link("hcp-b", AA)).toMatchObject({ statusMessage: "Failed over" });
  await expectRefused("hcp-b", AA, "failBack", "the link is broken");
  await expectRefused("hcp-b", AA, "restore", "does not trust");

  const fromA = (await h.mapi("hcp-a", "GET", "/certificates/server")).body;
  const fromB = (await h.mapi("hcp-b", "GET", "/certificates/server")).body;
  expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: fromB, contentType: "application/x-pem-file" })).status).toBe(200);
  expect((await h.mapi("hcp-b", "PUT", "/certificates", { body: fromA, contentType: "application/x-pem-file" })).status).toBe(200);
  expect((await h.action("hcp-b", AA, "restore")).status).toBe(200);
  expect(await h.link("hcp-a", AA)).toMatchObject({ type: "ACTIVE_ACTIVE", statusMessage: "Failed over" });
  expect((await h.action("hcp-b", AA, "failBack")).status).toBe(200);
  await h.advance(3_600_000);
  const all = ["new0", "new1", "new2", "new3", "old0", "old1", "old2"];
  expect(await keysOn("hcp-a")).toEqual(all);
  expect(await keysOn("hcp-b")).toEqual(all);
});

test("the same key written on both sides while failed over: after failBack the newest write is on both", async () => {
  expect((await h.action("hcp-b", AA, "failOver")).status).toBe(200);
  expect(await h.write("hcp-b", "shared", "same", "older, on b")).toBe(201);
  await h.advance(1_000);
  expect(await h.write("hcp-a", "shared", "same", "newer, on a")).toBe(201);
  await h.advance(1_000);
  expect(await h.write("hcp-b", "shared", "later", "on b")).toBe(201);
  const newest = (await h.objects("hcp-a", "shared")).get("same");
  expect((await h.objects("hcp-b", "shared")).get("same")).not.toBe(newest);

  expect((await h.action("hcp-b", AA, "failBack")).status).toBe(200);
  await h.advance(60_000);
  expect((await h.objects("hcp-a", "shared")).get("same")).toBe(newest);
  expect((await h.objects("hcp-b", "shared")).get("same")).toBe(newest);
  expect(await keysOn("hcp-a")).toEqual(["later", "same"]);
  expect((await h.events("hcp-b")).some((m) => m.startsWith("Object 'same' in tenant 'shared': the version written at") && m.includes("was replaced"))).toBe(true);
  expect((await h.link("hcp-b", AA))?.["statistics"]).toMatchObject({ objectsPending: 0, objectsPendingRemote: 0 });
});

test("autoFailover: each side's own settings; B fails over to itself after autoFailoverMinutes without A", async () => {
  const settings = JSON.stringify({ failoverSettings: { local: { autoFailover: true, autoFailoverMinutes: 7 } } });
  expect((await h.mapi("hcp-b", "POST", `/links/${AA}`, { body: settings, contentType: "application/json" })).status).toBe(200);
  expect((await h.link("hcp-a", AA))?.["failoverSettings"]).toMatchObject({ remote: { autoFailover: true, autoFailoverMinutes: 7 }, local: { autoFailover: false } });
  await h.control("POST", "/_sim/systems/hcp-a/down");
  await h.advance(8 * 60_000);
  await h.advance(1_000);
  expect(await h.link("hcp-b", AA)).toMatchObject({ statusMessage: "Failed over" });
  expect(await h.events("hcp-b")).toContain(`Link '${AA}': failOver run automatically on hcp-b`);
});

test("recovery settings are refused on an active/active link, naming the field", async () => {
  const body = JSON.stringify({ failoverSettings: { remote: { autoCompleteRecovery: true } } });
  const result = await h.mapi("hcp-a", "POST", `/links/${AA}`, { body, contentType: "application/json" });
  expect(result.status).toBe(400);
  expect(errorMessage(result)).toContain("link.failoverSettings.remote.autoCompleteRecovery applies to active/passive links only");
});

test("active/passive -> active/active suspends the link on both sides until resumed; the reverse is refused", async () => {
  const toAA = JSON.stringify({ type: "ACTIVE_ACTIVE" });
  expect((await h.mapi("hcp-a", "POST", `/links/${AP}`, { body: toAA, contentType: "application/json" })).status).toBe(200);
  for (const system of ["hcp-a", "hcp-b"]) {
    expect(await h.link(system, AP)).toMatchObject({ type: "ACTIVE_ACTIVE", statusMessage: "Suspended by user", suspended: true });
  }
  expect(await h.access("hcp-b", "finance")).toBe("read-write");
  expect(await h.events("hcp-b")).toContain(`Link '${AP}' converted to ACTIVE_ACTIVE by hcp-a; it is suspended until it is resumed`);
  for (const system of ["hcp-a", "hcp-b"]) expect((await h.action(system, AP, "resume")).status).toBe(200);
  expect(await h.link("hcp-b", AP)).toMatchObject({ statusMessage: "Synchronizing data", suspended: false });

  const back = await h.mapi("hcp-a", "POST", `/links/${AP}`, { body: JSON.stringify({ type: "OUTBOUND" }), contentType: "application/json" });
  expect(back.status).toBe(400);
  expect(errorMessage(back)).toContain("an active/active link cannot be converted to active/passive");
});

test("converting is refused on a failed-over link and reversing an active/passive link is refused", async () => {
  const reverse = await h.mapi("hcp-a", "POST", `/links/${AP}`, { body: JSON.stringify({ type: "INBOUND" }), contentType: "application/json" });
  expect(reverse.status).toBe(400);
  expect(errorMessage(reverse)).toContain("the direction of an active/passive link cannot be reversed");
  expect((await h.action("hcp-b", AP, "failOver")).status).toBe(200);
  const converted = await h.mapi("hcp-b", "POST", `/links/${AP}`, { body: JSON.stringify({ type: "ACTIVE_ACTIVE" }), contentType: "application/json" });
  expect(converted.status).toBe(400);
  expect(errorMessage(converted)).toContain('found statusMessage "Failed over" (phase failedOver); a conversion needs a replicating link');
});
