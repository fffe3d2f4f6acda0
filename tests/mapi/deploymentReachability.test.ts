/**
 * Connect verdicts shared by the processes of one deployment: the program's early handshake to each
 * system, what the provider's memo and connection attempts make of it, and how a deployment is named
 * (the nearest `pulumi` ancestor in /proc). Against the simulator's black-holed, refused and serving systems.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MapiClient } from "../../provider/mapi/client";
import { deploymentKey, sharedFailure, startDeploymentProbe, type DeploymentScope } from "../../provider/mapi/deploymentReachability";
import { MapiConnectTimeoutError, MapiNotTriedError } from "../../provider/mapi/errors";
import { ReachabilityMemo } from "../../provider/mapi/reachability";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";

let sim: RunningSimulator;
let sc: SimulatorClient;
let ca: string;
let root: string;
let n = 0;
const clients: MapiClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ timeSpeed: 0 });
  sc = new SimulatorClient(sim);
  ca = fs.readFileSync(sim.caFile, "utf8");
  root = fs.mkdtempSync(path.join(os.tmpdir(), "deployment-reach-"));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sim.stop();
  fs.rmSync(root, { recursive: true, force: true });
});
afterEach(async () => {
  await sc.bringUp("hcp-a");
});

/** A deployment of its own per test (what the CLI's pid and start time give in real runs). */
function scope(): DeploymentScope {
  return { key: `test-${++n}`, dir: root };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function record(s: DeploymentScope): Record<string, unknown> | undefined {
  const dir = path.join(s.dir, s.key);
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
  return files.length === 1 ? JSON.parse(fs.readFileSync(path.join(dir, files[0] as string), "utf8")) : undefined;
}

function client(memo: ReachabilityMemo, connectTimeoutMs: number): MapiClient {
  const s = sc.system("hcp-a");
  const c = new MapiClient({ endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: ca, reachability: memo, connectTimeoutMs });
  clients.push(c);
  return c;
}

test("the program's handshake to a black-holed system records a failure; the provider's first request then fails at once, saying who found it", async () => {
  await sc.blackHole("hcp-a");
  const s = scope();
  const endpoint = `${sc.system("hcp-a").endpoint}/`; // as a program may write it: the record uses the origin
  startDeploymentProbe(endpoint, 500, s);
  expect(record(s)).toMatchObject({ outcome: "pending", connectTimeoutMs: 500 });
  const failed = await until("the probe to give up", () => sharedFailure(new URL(endpoint).origin, s));
  expect(failed.reason).toMatch(/did not complete within 500 ms/);

  const memo = new ReachabilityMemo({ shared: (e) => sharedFailure(e, s) });
  const c = client(memo, 30_000);
  const error = await c.listLinks().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MapiNotTriedError);
  expect(String((error as Error).message)).toMatch(/found by this deployment's program/);
  expect(c.requestCount).toBe(0); // failed at once: no connection was tried, so none of its own 30 s
});

test("a connection attempt already waiting on a black-holed system ends once the program's handshake gives up", async () => {
  await sc.blackHole("hcp-a");
  const s = scope();
  const memo = new ReachabilityMemo({ shared: (e) => sharedFailure(e, s) });
  const c = client(memo, 30_000);
  const started = Date.now();
  const pending = c.listLinks().catch((e: unknown) => e);
  // The request is connecting (the black hole holds its connection) when the program's probe starts.
  for (let held = 0; held < 1; held = (await sc.state("hcp-a")).heldConnections ?? 0) await new Promise((r) => setTimeout(r, 20));
  startDeploymentProbe(sc.system("hcp-a").endpoint, 500, s);
  const error = await pending;
  expect(error).toBeInstanceOf(MapiConnectTimeoutError);
  expect(c.requestCount).toBe(1);
  // The one thing timed here is the point: it ended with the probe (after 0.5 s), not at its own 30 s
  // connect timeout; 20 s is far from both, so a slow machine cannot make it flake.
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(memo.failingSince(sc.system("hcp-a").endpoint)).toBeDefined();
});

test("a serving or refusing system shares nothing: the provider connects (or is refused) by itself", async () => {
  const serving = scope();
  startDeploymentProbe(sc.system("hcp-a").endpoint, 2_000, serving);
  expect(await until("the probe to connect", () => (record(serving)?.outcome === "connected" ? true : undefined))).toBe(true);
  expect(sharedFailure(sc.system("hcp-a").endpoint, serving)).toBeUndefined();
  const links = await client(new ReachabilityMemo({ shared: (e) => sharedFailure(e, serving) }), 2_000).listLinks();
  expect(links.length).toBeGreaterThan(0);

  await sc.takeDown("hcp-a");
  const refused = scope();
  startDeploymentProbe(sc.system("hcp-a").endpoint, 2_000, refused);
  expect(await until("the probe to be refused", () => (record(refused)?.outcome === "refused" ? true : undefined))).toBe(true);
  expect(sharedFailure(sc.system("hcp-a").endpoint, refused)).toBeUndefined();
});

test("once the system answered this process, an older failure of the deployment no longer counts", async () => {
  await sc.blackHole("hcp-a");
  const s = scope();
  startDeploymentProbe(sc.system("hcp-a").endpoint, 300, s);
  await until("the probe to give up", () => sharedFailure(sc.system("hcp-a").endpoint, s));
  await sc.bringUp("hcp-a");
  let now = Date.now();
  const memo = new ReachabilityMemo({ shared: (e) => sharedFailure(e, s), now: () => now });
  const c = client(memo, 2_000);
  await expect(c.listLinks()).rejects.toBeInstanceOf(MapiNotTriedError);
  now += 6_000; // past the first backoff: the next request goes out as the probe, and connects
  await expect(c.listLinks()).resolves.toBeDefined();
  await expect(c.listLinks()).resolves.toBeDefined();
});

test("one probe per system and deployment, and a bad endpoint starts none", async () => {
  await sc.blackHole("hcp-a");
  const s = scope();
  const heldBefore = (await sc.state("hcp-a")).heldConnections ?? 0;
  startDeploymentProbe(sc.system("hcp-a").endpoint, 300, s);
  startDeploymentProbe(sc.system("hcp-a").endpoint, 300, s);
  await until("the probe to give up", () => sharedFailure(sc.system("hcp-a").endpoint, s));
  expect(((await sc.state("hcp-a")).heldConnections ?? 0) - heldBefore).toBe(1);
  const other = scope();
  startDeploymentProbe("http://hcp-a.example.com:9090", 300, other);
  startDeploymentProbe("not a url", 300, other);
  expect(fs.existsSync(path.join(other.dir, other.key))).toBe(false);
});

test("a deployment is named by the nearest ancestor process called pulumi (pid and start time)", () => {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), "proc-"));
  const stat = (pid: number, comm: string, ppid: number, start: number) => {
    fs.mkdirSync(path.join(proc, String(pid)));
    const fields = ["S", String(ppid), ...Array.from({ length: 17 }, () => "0"), String(start)];
    fs.writeFileSync(path.join(proc, String(pid), "stat"), `${pid} (${comm}) ${fields.join(" ")}\n`);
  };
  stat(40, "bash", 1, 100);
  stat(50, "pulumi", 40, 12345);
  stat(60, "pulumi-language", 50, 12400); // comm is cut to 15 characters
  stat(70, "node (program)", 60, 12500);
  stat(80, "node", 40, 200);
  try {
    expect(deploymentKey(proc, 70)).toBe("50-12345");
    expect(deploymentKey(proc, 80)).toBeUndefined(); // not under the CLI
    expect(deploymentKey(proc, 99)).toBeUndefined(); // no such process
  } finally {
    fs.rmSync(proc, { recursive: true, force: true });
  }
});
