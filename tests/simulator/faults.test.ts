import { Harness, errorMessage, httpsRequest } from "./helpers";

/** The control API: faults (down/up, 503s, latency), versions, time, counters, reset. */

let h: Harness;

beforeAll(async () => {
  h = await Harness.start({ timeSpeed: 0 });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

test("down refuses connections; up serves again on the same port", async () => {
  const endpoint = h.system("hcp-a").endpoint;
  await h.control("POST", "/_sim/systems/hcp-a/down");
  await expect(h.request("hcp-a", "/mapi/services/replication")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  const summary = await h.control<{ up: boolean; endpoint: string }>("GET", "/_sim/systems/hcp-a");
  expect(summary).toMatchObject({ up: false, endpoint });
  await h.control("POST", "/_sim/systems/hcp-a/up");
  expect((await h.request("hcp-a", "/mapi/services/replication")).status).toBe(200);
});

test("the next N MAPI requests answer 503 with a message; the data plane is not affected", async () => {
  await h.control("POST", "/_sim/systems/hcp-b/fail-next", { count: 2 });
  for (let i = 0; i < 2; i++) {
    const result = await h.mapi("hcp-b", "GET", "/links");
    expect(result.status).toBe(503);
    expect(errorMessage(result)).toContain("injected");
    expect(result.headers["x-hcp-softwareversion"]).toBe("9.2.27");
  }
  expect((await h.mapi("hcp-b", "GET", "/links")).status).toBe(200);
  await h.control("POST", "/_sim/systems/hcp-b/fail-next", { count: 1, status: 500 });
  expect((await h.request("hcp-b", "/data/finance")).status).toBe(200);
  expect((await h.mapi("hcp-b", "GET", "/links")).status).toBe(500);
});

test("latency delays responses", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/latency", { ms: 300 });
  const started = Date.now();
  expect((await h.mapi("hcp-a", "GET", "/links")).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
});

test("software version: header changes, and restore across releases leaves a pending request", async () => {
  await h.control("POST", "/_sim/systems/hcp-b/software-version", { version: "10.0.1" });
  expect((await h.mapi("hcp-b", "GET", "/links")).headers["x-hcp-softwareversion"]).toBe("10.0.1");
  // a replica rebuilt while replicating: the primary sees a broken link and restores it
  await h.control("POST", "/_sim/systems/hcp-b/rebuild");
  expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Broken link", status: "BAD" });
  const fromA = (await h.mapi("hcp-a", "GET", "/certificates/server")).body;
  const fromB = (await h.mapi("hcp-b", "GET", "/certificates/server")).body;
  expect((await h.mapi("hcp-b", "PUT", "/certificates", { body: fromA, contentType: "application/x-pem-file" })).status).toBe(200);
  expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: fromB, contentType: "application/x-pem-file" })).status).toBe(200);
  expect((await h.action("hcp-a", "link-ab", "restore")).status).toBe(200);
  expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Pending remote reply" });
  expect(await h.link("hcp-b", "link-ab")).toMatchObject({ statusMessage: "Pending", type: "INBOUND" });
  await h.control("POST", "/_sim/systems/hcp-b/pending-requests/link-ab/reject");
  expect(await h.link("hcp-b", "link-ab")).toBeUndefined();
  expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Broken link" });
});

test("time: speed, advance, and the Date header on the simulated clock", async () => {
  const before = await h.control<{ now: number; timeSpeed: number }>("GET", "/_sim/clock");
  expect(before.timeSpeed).toBe(0);
  const after = await h.control<{ now: number }>("POST", "/_sim/clock", { advanceMs: 86_400_000 });
  expect(after.now - before.now).toBeGreaterThanOrEqual(86_400_000);
  const response = await h.mapi("hcp-a", "GET", "/links");
  expect(Math.abs(Date.parse(String(response.headers["date"])) - after.now)).toBeLessThan(2_000);
  expect(await h.control("POST", "/_sim/clock", { timeSpeed: 600 })).toMatchObject({ timeSpeed: 600 });
});

test("request counters per system, total and per method and path template", async () => {
  await h.control("DELETE", "/_sim/requests");
  await h.mapi("hcp-a", "GET", "/links");
  await h.mapi("hcp-a", "GET", "/links/link-ab?verbose=true");
  await h.mapi("hcp-a", "GET", "/links/LINK-AB");
  await h.action("hcp-b", "link-ab", "suspend");
  await h.write("hcp-a", "finance", "k", "v");
  const a = await h.control<{ total: number; byRoute: Record<string, number> }>("GET", "/_sim/systems/hcp-a/requests");
  expect(a).toEqual({
    total: 4,
    byRoute: {
      "GET /mapi/services/replication/links": 1,
      "GET /mapi/services/replication/links/{link}": 2,
      "PUT /data/{tenant}/{key+}": 1,
    },
  });
  const b = await h.control<{ byRoute: Record<string, number> }>("GET", "/_sim/systems/hcp-b/requests");
  expect(b.byRoute).toEqual({ "POST /mapi/services/replication/links/{link}?suspend": 1 });
});

test("the control API also answers on each system's port (/_sim/self) and lists its routes", async () => {
  const self = await httpsRequest(`${h.system("hcp-b").endpoint}/_sim/self`, h.ca);
  expect(JSON.parse(self.body)).toMatchObject({ name: "hcp-b", up: true });
  const index = await h.control<{ routes: string[] }>("GET", "/_sim");
  expect(index.routes).toContain("POST /_sim/systems/{system}/down");
  const unknown = await httpsRequest(`${h.sim.controlEndpoint}/_sim/systems/hcp-z`, h.ca);
  expect(unknown.status).toBe(404);
  expect(errorMessage(unknown)).toContain("No simulated system named 'hcp-z'");
});

test("reset brings everything back to the configured state", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/down");
  await h.control("POST", "/_sim/network/cut", { systems: ["hcp-a", "hcp-b"] });
  await h.action("hcp-b", "link-ab", "failOver");
  await h.write("hcp-b", "finance", "x", "y");
  await h.control("POST", "/_sim/reset");
  expect(await h.side("hcp-a", "link-ab", "finance")).toEqual({ statusMessage: "Sending data", access: "read-write" });
  expect(await h.side("hcp-b", "link-ab", "finance")).toEqual({ statusMessage: "Receiving data", access: "read-only" });
  expect((await h.objects("hcp-b", "finance")).has("x")).toBe(false);
  expect(await h.control("GET", "/_sim/state")).toMatchObject({ cuts: [] });
});

test("events and objects can be read through the control API", async () => {
  await h.write("hcp-a", "media", "clip", "frames");
  const objects = await h.control<Record<string, Array<{ key: string; size: number }>>>("GET", "/_sim/systems/hcp-a/objects");
  expect(objects["media"]).toEqual([expect.objectContaining({ key: "clip", size: 6 })]);
  const content = await httpsRequest(`${h.system("hcp-a").controlUrl}/objects/media/clip`, h.ca);
  expect(content.body).toBe("frames");
  const events = await h.control<Array<{ seq: number; time: string; severity: string; message: string }>>("GET", "/_sim/systems/hcp-a/events");
  expect(events[0]).toMatchObject({ seq: 1, severity: "NOTICE", message: "System started (HCP 9.2.27)" });
});
