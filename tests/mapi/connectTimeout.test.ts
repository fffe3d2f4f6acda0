/**
 * The connect-and-handshake timeout (apart from the response timeout) and the reachability memo, against
 * the simulator's black-holed system (accepts TCP, never answers TLS), a refused one, and a host name that
 * does not resolve.
 */
import * as fs from "node:fs";
import { MapiClient, PROBE_CONNECT_TIMEOUT_MS, type MapiClientOptions } from "../../provider/mapi/client";
import { MapiConfigError, MapiConnectTimeoutError, MapiNotTriedError, MapiUnreachableError } from "../../provider/mapi/errors";
import { ReachabilityMemo } from "../../provider/mapi/reachability";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";

let sim: RunningSimulator;
let sc: SimulatorClient;
let ca: string;
const clients: MapiClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ timeSpeed: 0 });
  sc = new SimulatorClient(sim);
  ca = fs.readFileSync(sim.caFile, "utf8");
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sim.stop();
});
afterEach(async () => {
  await sc.bringUp("hcp-a");
});

function client(extra: Partial<MapiClientOptions> = {}, system = "hcp-a"): MapiClient {
  const s = sc.system(system);
  const c = new MapiClient({ endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: ca, ...extra });
  clients.push(c);
  return c;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await work();
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

test("a black-holed system fails after the connect timeout, not the response timeout, naming both phases", async () => {
  await sc.blackHole("hcp-a");
  const c = client({ connectTimeoutMs: 800, timeoutMs: 30000 });
  const { ms, error } = await timed(() => c.listLinks());
  expect(error).toBeInstanceOf(MapiConnectTimeoutError);
  expect(error).toBeInstanceOf(MapiUnreachableError);
  expect((error as Error).message).toMatch(/TCP connect and TLS handshake did not complete within 800 ms/);
  expect(ms).toBeGreaterThanOrEqual(750); // a lower bound: a slow machine only adds to it
  // It failed in the connect phase, with its own timeout (not the 30 s response timeout), and was not retried.
  expect(error).toMatchObject({ connectTimeoutMs: 800 });
  expect(c.requestCount).toBe(1);
});

test("a kept-alive client meets the black hole on its next request too", async () => {
  const c = client({ connectTimeoutMs: 800 });
  expect(await c.listLinks()).toContain("link-ab");
  await sc.blackHole("hcp-a"); // drops the kept-alive connection
  const { error } = await timed(() => c.listLinks());
  expect(error).toBeInstanceOf(MapiConnectTimeoutError);
  await sc.bringUp("hcp-a");
  expect(await c.listLinks()).toContain("link-ab");
});

test("the memo: after one connect timeout, every client sharing it fails at once until the backoff; then one short probe", async () => {
  let now = Date.now();
  const memo = new ReachabilityMemo({ firstBackoffMs: 5000, now: () => now });
  await sc.blackHole("hcp-a");
  const first = client({ connectTimeoutMs: 1000, reachability: memo });
  expect((await timed(() => first.getService())).error).toBeInstanceOf(MapiConnectTimeoutError);

  const other = client({ connectTimeoutMs: 1000, reachability: memo });
  const skipped = await timed(() => other.listLinks());
  expect(skipped.error).toBeInstanceOf(MapiNotTriedError);
  expect((skipped.error as Error).message).toMatch(/failed to connect \d+ s ago .*tried again from/);
  expect(other.requestCount).toBe(0); // failed at once: nothing was sent

  // After the backoff, one request probes (with a connect timeout of at most PROBE_CONNECT_TIMEOUT_MS).
  now += 6000;
  const probe = client({ connectTimeoutMs: 10000, reachability: memo });
  const probed = await timed(() => probe.listLinks());
  expect(probed.error).toBeInstanceOf(MapiConnectTimeoutError);
  // The probe waits the short probe timeout, not the client's own 10 s, and is one request.
  expect(probed.error).toMatchObject({ connectTimeoutMs: PROBE_CONNECT_TIMEOUT_MS });
  expect(probe.requestCount).toBe(1);
  // The backoff doubled: still skipped 6 s later.
  now += 6000;
  expect((await timed(() => other.listLinks())).error).toBeInstanceOf(MapiNotTriedError);

  // Back: the next probe connects and the memo forgets the failure.
  await sc.bringUp("hcp-a");
  now += 10000;
  expect(await other.listLinks()).toContain("link-ab");
  expect(memo.failingSince(sc.system("hcp-a").endpoint)).toBeUndefined();
  expect(await first.listLinks()).toContain("link-ab");
});

test("a refused connection is not remembered (it costs nothing and may be a restart)", async () => {
  const memo = new ReachabilityMemo();
  await sc.takeDown("hcp-a");
  const c = client({ reachability: memo });
  const { error } = await timed(() => c.listLinks());
  expect(error).toMatchObject({ code: "ECONNREFUSED" });
  expect(c.requestCount).toBe(1); // not retried: a refused connection costs no backoff
  expect(memo.failingSince(sc.system("hcp-a").endpoint)).toBeUndefined();
});

test("a host name that does not resolve: unreachable (ENOTFOUND), not retried, remembered", async () => {
  const memo = new ReachabilityMemo();
  const c = new MapiClient({ endpoint: "https://hcp-a.invalid:9090", username: "admin", password: "x", reachability: memo, connectTimeoutMs: 3000 });
  clients.push(c);
  const { error } = await timed(() => c.listLinks());
  expect(error).toBeInstanceOf(MapiUnreachableError);
  expect((error as MapiUnreachableError).code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  expect((error as Error).message).toContain("https://hcp-a.invalid:9090");
  expect(c.requestCount).toBe(1);
  expect(memo.failingSince("https://hcp-a.invalid:9090")).toBeDefined();
  expect((await timed(() => c.listLinks())).error).toBeInstanceOf(MapiNotTriedError);
});

test("a request without an answer is reported while it waits, with the default timeouts (1.5 s to connect, 30 s to answer)", async () => {
  await sc.setLatency("hcp-a", 1500);
  const lines: string[] = [];
  const c = client({ slowNoticeMs: 500, onSlowRequest: (line) => lines.push(line) });
  await c.listLinks();
  await sc.setLatency("hcp-a", 0);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(lines[0]).toMatch(/still waiting for https:\/\/127\.0\.0\.1:\d+ to answer GET \/mapi\/services\/replication\/links \(\d+ s so far; it gives up after 1\.5 s to connect and 30 s without an answer\)/);
});

test("connectTimeoutMs must be a positive number", () => {
  expect(() => client({ connectTimeoutMs: 0 })).toThrow(MapiConfigError);
  expect(() => client({ connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
});
