import { join } from "node:path";
import { loadConfigFile, resolveConfig, type SimulatorConfig } from "../../simulator";
import { Harness } from "./helpers";

/**
 * Three systems from simulator/config.site.example.json: a chain hcp-a -> hcp-b -> hcp-c (finance),
 * many-to-one into hcp-c (media from hcp-a, finance from hcp-b), an active/active link hcp-a <-> hcp-b
 * (shared) and hcp-c -> hcp-a (logs). Each fault hits one system and only the links it is on.
 */

let h: Harness;
const SETTLE_MS = 60_000; // simulated: enough for every pending object at 5 objects/s

beforeAll(async () => {
  const config: SimulatorConfig = await loadConfigFile(join(__dirname, "../../simulator/config.site.example.json"));
  h = await Harness.start({ ...config, timeSpeed: 0 });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

/** Advances simulated time twice (a chain moves an object one hop per link). */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await h.advance(SETTLE_MS); // each control request runs the replication engine first
  }
}

async function has(system: string, tenant: string, key: string): Promise<boolean> {
  const listing = await h.control<Record<string, Array<{ key: string }>>>("GET", `/_sim/systems/${system}/objects`);
  return (listing[tenant] ?? []).some((o) => o.key === key);
}

test("the site example resolves: three systems, five links of both types", async () => {
  const config = resolveConfig(await loadConfigFile(join(__dirname, "../../simulator/config.site.example.json")));
  expect(config.systems.map((s) => s.name)).toEqual(["hcp-a", "hcp-b", "hcp-c"]);
  expect(config.links.map((l) => `${l.name}:${l.primary}->${l.replica}:${l.type}`)).toEqual([
    "ab-finance:hcp-a->hcp-b:ACTIVE_PASSIVE",
    "bc-finance:hcp-b->hcp-c:ACTIVE_PASSIVE",
    "ac-media:hcp-a->hcp-c:ACTIVE_PASSIVE",
    "ab-shared:hcp-a->hcp-b:ACTIVE_ACTIVE",
    "ca-logs:hcp-c->hcp-a:ACTIVE_PASSIVE",
  ]);
});

test("each system lists its own links with the type it sees", async () => {
  const types = async (system: string) => {
    const links = JSON.parse((await h.mapi(system, "GET", "/links", { json: true })).body) as { name: string[] };
    const out: Record<string, string> = {};
    for (const name of links.name) out[name] = String((await h.link(system, name))?.["type"]);
    return out;
  };
  expect(await types("hcp-a")).toEqual({ "ab-finance": "OUTBOUND", "ac-media": "OUTBOUND", "ab-shared": "ACTIVE_ACTIVE", "ca-logs": "INBOUND" });
  expect(await types("hcp-b")).toEqual({ "ab-finance": "INBOUND", "bc-finance": "OUTBOUND", "ab-shared": "ACTIVE_ACTIVE" });
  expect(await types("hcp-c")).toEqual({ "bc-finance": "INBOUND", "ac-media": "INBOUND", "ca-logs": "OUTBOUND" });
});

test("a chained tenant travels hop by hop; many-to-one fills hcp-c from both; active/active both ways", async () => {
  expect(await h.write("hcp-a", "finance", "f1", "x")).toBe(201);
  expect(await h.write("hcp-a", "media", "m1", "x")).toBe(201);
  expect(await h.write("hcp-b", "shared", "s-b", "x")).toBe(201);
  expect(await h.write("hcp-a", "shared", "s-a", "x")).toBe(201);
  expect(await h.write("hcp-c", "logs", "l1", "x")).toBe(201);
  await settle();
  for (const system of ["hcp-a", "hcp-b", "hcp-c"]) expect(await has(system, "finance", "f1")).toBe(true);
  expect(await has("hcp-c", "media", "m1")).toBe(true);
  expect(await has("hcp-b", "media", "m1")).toBe(false);
  for (const system of ["hcp-a", "hcp-b"]) expect([await has(system, "shared", "s-a"), await has(system, "shared", "s-b")]).toEqual([true, true]);
  expect(await has("hcp-a", "logs", "l1")).toBe(true);
  // A chained tenant is read-write only where its chain starts.
  expect([await h.access("hcp-a", "finance"), await h.access("hcp-b", "finance"), await h.access("hcp-c", "finance")]).toEqual(["read-write", "read-only", "read-only"]);
});

test("hcp-a down: only its links notice; the chain's second link and hcp-b's own writes still flow", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/down");
  await h.advance(SETTLE_MS);
  expect(await h.link("hcp-b", "ab-finance")).toMatchObject({ statusMessage: "Stalled link" });
  expect(await h.link("hcp-c", "ac-media")).toMatchObject({ statusMessage: "Stalled link" });
  expect(await h.link("hcp-c", "bc-finance")).toMatchObject({ statusMessage: "Receiving data", status: "GOOD" });
  // The primary site is gone: fail over its outbound links on the survivors.
  expect((await h.action("hcp-b", "ab-finance", "failOver")).status).toBe(200);
  expect((await h.action("hcp-c", "ac-media", "failOver")).status).toBe(200);
  expect((await h.action("hcp-b", "ab-shared", "failOver")).status).toBe(200);
  expect((await h.action("hcp-c", "ca-logs", "suspend")).status).toBe(200);
  expect(await h.write("hcp-b", "finance", "f-b", "x")).toBe(201);
  expect(await h.write("hcp-c", "media", "m-c", "x")).toBe(201);
  expect(await h.write("hcp-b", "shared", "s-b2", "x")).toBe(201);
  await settle();
  expect(await has("hcp-c", "finance", "f-b")).toBe(true); // down the chain while hcp-a is away
});

test("hcp-b rebuilt: its links are gone; hcp-a and hcp-c see them broken; hcp-a -> hcp-c is untouched", async () => {
  await h.control("POST", "/_sim/systems/hcp-b/rebuild");
  expect(await h.link("hcp-b", "ab-finance")).toBeUndefined();
  expect(await h.link("hcp-a", "ab-finance")).toMatchObject({ statusMessage: "Broken link" });
  expect(await h.link("hcp-c", "bc-finance")).toMatchObject({ statusMessage: "Broken link" });
  expect(await h.link("hcp-a", "ab-shared")).toMatchObject({ statusMessage: "Broken link" });
  expect(await h.write("hcp-a", "media", "m2", "x")).toBe(201);
  await settle();
  expect(await has("hcp-c", "media", "m2")).toBe(true);
});

test("the network cut between hcp-a and hcp-c stalls only ac-media and ca-logs", async () => {
  await h.control("POST", "/_sim/network/cut", { systems: ["hcp-a", "hcp-c"] });
  expect(await h.write("hcp-a", "media", "m3", "x")).toBe(201);
  expect(await h.write("hcp-a", "finance", "f3", "x")).toBe(201);
  await settle();
  expect(await has("hcp-c", "media", "m3")).toBe(false);
  expect(await has("hcp-c", "finance", "f3")).toBe(true); // around the cut, through hcp-b
  await h.control("POST", "/_sim/network/heal", { systems: ["hcp-a", "hcp-c"] });
  await settle();
  expect(await has("hcp-c", "media", "m3")).toBe(true);
});

test("an older release on hcp-c makes only its links cross-release: restore there leaves a pending request", async () => {
  await h.control("POST", "/_sim/systems/hcp-c/software-version", { version: "8.3.1" });
  await h.control("POST", "/_sim/systems/hcp-c/rebuild");
  for (const [peer, link] of [["hcp-b", "bc-finance"], ["hcp-a", "ac-media"]] as const) {
    const ca = (await h.mapi(peer, "GET", "/certificates/server")).body;
    const cc = (await h.mapi("hcp-c", "GET", "/certificates/server")).body;
    expect((await h.mapi("hcp-c", "PUT", "/certificates", { body: ca, contentType: "application/x-pem-file" })).status).toBe(200);
    await h.mapi(peer, "PUT", "/certificates", { body: cc, contentType: "application/x-pem-file" }); // 409 for the second link: already trusted
    expect((await h.action(peer, link, "restore")).status).toBe(200);
    expect(await h.link(peer, link)).toMatchObject({ statusMessage: "Pending remote reply" });
  }
  expect((await h.control<Array<{ link: string }>>("GET", "/_sim/systems/hcp-c/pending-requests")).map((p) => p.link).sort()).toEqual(["ac-media", "bc-finance"]);
  expect(await h.link("hcp-a", "ab-finance")).toMatchObject({ statusMessage: "Sending data" });
});
