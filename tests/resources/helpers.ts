/**
 * Integration harness for the three dynamic providers: a simulator over real HTTPS, connections built
 * from its systems, and a driver that calls a provider the way the Pulumi engine does
 * (check -> diff -> create/update, outputs kept as the next olds; values pass a JSON round trip, as they
 * would through the engine's wire format).
 */
import { readFileSync } from "node:fs";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { startSimulator, defaultConfig, type RunningSimulator, type SimulatorConfig } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";
import { MapiClient } from "../../provider/mapi/client";
import type { SystemConnection } from "../../provider/resources/system";
import type { FailoverInputs } from "../../provider/resources/replicationFailover";
import { processReachability } from "../../provider/mapi/reachability";
import { resetCancellation } from "../../provider/resources/cancellation";
import { clearReadAhead } from "../../provider/engine/readAhead";
import { clearSystemFacts } from "../../provider/engine/systemFacts";
import { forgetProviderCertificates } from "../../provider/resources/providerCertificates";

export const LINK = "link-ab";
export const PRIMARY = "hcp-a";
export const REPLICA = "hcp-b";
export const MAPI = "/mapi/services/replication";
/** Request-counter key of a link action on the simulator. */
export const actionRoute = (action: string): string => `POST ${MAPI}/links/{link}?${action}`;

/** The simulator configuration of these tests: default systems and link, time 600x, slow enough recovery. */
export function testConfig(overrides: Partial<SimulatorConfig> = {}): SimulatorConfig {
  return {
    ...defaultConfig(),
    timeSpeed: 600,
    // 600 simulated s per real s at 0.01 object/s: about 6 objects per real second.
    replicationRate: { objectsPerSecond: 0.01 },
    tickMs: 50,
    ...overrides,
  };
}

export interface Env {
  sim: RunningSimulator;
  sc: SimulatorClient;
  ca: string;
  /** Connections as a Pulumi program passes them (resolved). */
  a: SystemConnection;
  b: SystemConnection;
  conn(name: string): SystemConnection;
  /** A MAPI client outside any provider (out-of-band changes, inspection). */
  mapi(name: string): MapiClient;
  /** Back to the configured state (systems up, link replicating, faults and counters cleared). */
  reset(): Promise<void>;
  /** Jumps simulated time forward (e.g. so that data written just now is long behind). */
  advanceClock(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startEnv(overrides: Partial<SimulatorConfig> = {}): Promise<Env> {
  const sim = await startSimulator(testConfig(overrides));
  const sc = new SimulatorClient(sim);
  const ca = readFileSync(sim.caFile, "utf8");
  const clients: MapiClient[] = [];
  const conn = (name: string): SystemConnection => {
    const s = sc.system(name);
    return { name: s.name, endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: ca };
  };
  const env: Env = {
    sim,
    sc,
    ca,
    a: conn(PRIMARY),
    b: conn(REPLICA),
    conn,
    mapi(name) {
      const c = conn(name);
      const client = new MapiClient({ endpoint: c.endpoint, username: c.username, password: c.password, caCertificate: ca, retries: 0 });
      clients.push(client);
      return client;
    },
    async reset() {
      const res = await fetchControl(sim, ca, "POST", "/_sim/reset");
      if (res >= 300) throw new Error(`simulator reset: HTTP ${res}`);
    },
    async advanceClock(ms) {
      const res = await fetchControl(sim, ca, "POST", "/_sim/clock", { advanceMs: ms });
      if (res >= 300) throw new Error(`simulator clock: HTTP ${res}`);
    },
    async stop() {
      clients.forEach((c) => c.close());
      await sim.stop();
    },
  };
  return env;
}

async function fetchControl(sim: RunningSimulator, ca: string, method: string, path: string, body?: object): Promise<number> {
  const https: typeof import("node:https") = require("node:https");
  return new Promise((resolve, reject) => {
    const headers = body ? { "Content-Type": "application/json" } : undefined;
    const req = https.request(`${sim.controlEndpoint}${path}`, { method, ca, agent: false, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Everything the providers print (progressLog falls back to console/stderr without an engine). */
export interface LogCapture {
  lines: string[];
  text(): string;
  clear(): void;
  restore(): void;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const record = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
  const spies = [
    jest.spyOn(console, "log").mockImplementation(record),
    jest.spyOn(console, "info").mockImplementation(record),
    jest.spyOn(console, "warn").mockImplementation(record),
    jest.spyOn(console, "error").mockImplementation(record),
  ];
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk).replace(/\n$/, ""));
    return true;
  });
  return {
    lines,
    text: () => lines.join("\n"),
    clear: () => void lines.splice(0, lines.length),
    restore: () => {
      spies.forEach((s) => s.mockRestore());
      stderr.mockRestore();
    },
  };
}

/** JSON round trip: what survives the engine's wire (no undefined, no functions, no class instances). */
export function wire<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export type CheckOutcome<I> = { inputs?: I; failures?: dynamic.CheckFailure[] };

export interface UpResult<I, O> {
  checked: I;
  diff?: dynamic.DiffResult;
  /** "create", "update" or "same" (diff reported no changes). */
  operation: "create" | "update" | "same";
  outs: O;
}

/**
 * One resource driven like the Pulumi engine drives a dynamic provider. `inputs`/`outputs` are what the
 * engine would keep in its state after the last successful step.
 */
export class Driver<I extends object, O extends object> {
  id: string | undefined;
  /** The inputs of the last successful up (check's olds). */
  inputs: I | undefined;
  /** The outputs of the last successful up, or the properties of a partial-state failure (diff's olds). */
  outputs: O | undefined;

  constructor(readonly provider: dynamic.ResourceProvider<I, O>) {}

  /** check(olds, news) as preview and up call it; throws when the provider reports failures. */
  async check(news: I): Promise<I> {
    const result = await this.checkRaw(news);
    if (result.failures && result.failures.length > 0) {
      throw new Error(`check failures: ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    return wire(result.inputs as I);
  }

  async checkRaw(news: I): Promise<CheckOutcome<I>> {
    return (await this.provider.check!(wire(this.inputs ?? ({} as I)), wire(news))) as CheckOutcome<I>;
  }

  /** preview: check and (for an existing resource) diff; nothing else. */
  async preview(news: I): Promise<{ checked: I; diff?: dynamic.DiffResult }> {
    const checked = await this.check(news);
    if (this.id === undefined) return { checked };
    const diff = await this.provider.diff!(this.id, wire(this.outputs as O), checked);
    return { checked, diff };
  }

  /** up: check -> diff -> create or update. A partial-state failure records its properties, as the engine does. */
  async up(news: I): Promise<UpResult<I, O>> {
    const { checked, diff } = await this.preview(news);
    if (this.id === undefined) {
      const result = await this.guard(() => this.provider.create(checked));
      this.id = result.id;
      this.inputs = checked;
      this.outputs = wire(result.outs as O);
      return { checked, operation: "create", outs: this.outputs };
    }
    if (diff && diff.changes === false) return { checked, diff, operation: "same", outs: this.outputs as O };
    const result = await this.guard(() => this.provider.update!(this.id as string, wire(this.outputs as O), checked));
    this.inputs = checked;
    this.outputs = wire(result.outs as O);
    return { checked, diff, operation: "update", outs: this.outputs };
  }

  /** refresh: read(id, olds); the engine keeps the returned props and inputs. */
  async refresh(): Promise<dynamic.ReadResult<O>> {
    const result = await this.provider.read!(this.id as string, wire(this.outputs as O));
    this.outputs = wire(result.props as O);
    if (result.inputs) this.inputs = wire(result.inputs as unknown as I);
    return wire(result);
  }

  async destroy(): Promise<void> {
    await this.provider.delete!(this.id as string, wire(this.outputs as O));
    this.id = undefined;
    this.inputs = undefined;
    this.outputs = undefined;
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const e = err as { id?: string; properties?: O };
      // Pulumi's partial-state error: the engine records id and properties as the resource's state.
      if (e && typeof e.id === "string" && e.properties) {
        this.id = e.id;
        this.outputs = wire(e.properties);
      }
      throw err;
    }
  }
}

/** Polls until `check` passes or `timeoutMs` elapses. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Number of requests of one route a system answered since the last reset (0 when none). */
export async function routeCount(sc: SimulatorClient, system: string, route: string): Promise<number> {
  return (await sc.requestCounts(system)).byRoute[route] ?? 0;
}

/** Writes `count` objects into a tenant on a system; expects every write to succeed. */
export async function writeObjects(sc: SimulatorClient, system: string, tenant: string, prefix: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${prefix}-${String(i).padStart(3, "0")}`;
    const res = await sc.putObject(system, tenant, key, `${prefix} object ${i}`);
    if (res.status !== 200 && res.status !== 201) throw new Error(`write ${tenant}/${key} on ${system}: HTTP ${res.status} ${res.message ?? ""}`);
    keys.push(key);
  }
  return keys.sort();
}

/** The plan lines for link-ab, hcp-a primary, hcp-b replica, default options, numbered as the 7.x table. */
export const STEP_7X = {
  1: "1. On hcp-b (replica), fail over link link-ab",
  2: "2. DNS failover is off: direct clients to write only to hcp-b (replica)",
  3: "3. Check that hcp-a (primary) and hcp-b (replica) trust each other's replication server certificates (ensured by ReplicationCertificateTrust resources)",
  4: "4. Check the configuration of link link-ab on hcp-b (replica) (applied by the ReplicationLink resource)",
  5: "5. On hcp-b (replica), restore link link-ab (it is missing on hcp-a (primary))",
  6: "6. In the System Management Console of hcp-a (primary), accept the pending request for link link-ab (cross-release link; a person must do this)",
  7: "7. On hcp-b (replica), begin data recovery on link link-ab",
  8: "8. Wait until data recovery on link link-ab is within 300 s of up to date",
  9: "9. On hcp-b (replica), complete data recovery on link link-ab",
  10: "10. Wait for data recovery on link link-ab to finish (hcp-a read-write, hcp-b read-only, replication hcp-a -> hcp-b restarted)",
  11: '11. DNS failover is off: once the system log shows "Replication data recovery completed", direct clients to write only to hcp-a (primary)',
} as const;

/** The same steps numbered as the 9.x table (no acceptance step; begin data recovery is step 6). */
export const STEP_9X = {
  1: STEP_7X[1],
  2: STEP_7X[2],
  3: STEP_7X[3],
  4: STEP_7X[4],
  5: STEP_7X[5],
  6: STEP_7X[7].replace(/^7\./, "6."),
  7: STEP_7X[8].replace(/^8\./, "7."),
  8: STEP_7X[9].replace(/^9\./, "8."),
  9: STEP_7X[10].replace(/^10\./, "9."),
  10: STEP_7X[11].replace(/^11\./, "10."),
} as const;

export const DOCUMENT_9X = "HCP System Management Help 9.x, Primary system failure workflow:";
export const DOCUMENT_7X = "HCP System Management Help 7.x, Primary system failure workflow:";

/** Plan lines of 9.x steps, without the document line. */
export const steps = (...numbers: (keyof typeof STEP_9X)[]): string[] => numbers.map((n) => STEP_9X[n]);

/** A whole plan between 9.x systems: the document, then the steps. */
export const plan9 = (...numbers: (keyof typeof STEP_9X)[]): string[] => [DOCUMENT_9X, ...steps(...numbers)];

/** A whole plan numbered as the 7.x table (a system on 7.x or older). */
export const plan7 = (...numbers: (keyof typeof STEP_7X)[]): string[] => [DOCUMENT_7X, ...numbers.map((n) => STEP_7X[n])];

/** `[number, outcome]` of each executed step, for compact assertions. */
export const executed = (outs: { executedSteps?: Array<{ number?: number; outcome: string }> }): Array<[number | undefined, string]> =>
  (outs.executedSteps ?? []).map((s) => [s.number, s.outcome]);

/** A rejection in Pulumi's partial-state shape. */
export interface PartialStateError<P> extends Error {
  id: string;
  properties: P;
  reasons: string[];
}

/** Runs `run`, expects it to reject in the partial-state shape, and returns the error. */
export async function expectPartialState<P>(run: () => Promise<unknown>): Promise<PartialStateError<P>> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error("expected a rejection, but it resolved");
  const e = caught as PartialStateError<P>;
  expect(e).toBeInstanceOf(Error);
  expect(typeof e.id).toBe("string");
  expect(e.id.length).toBeGreaterThan(0);
  expect(e.properties).toEqual(expect.any(Object));
  expect(e.reasons).toEqual([expect.any(String)]);
  return e;
}

/** Total MAPI requests each system answered since the last reset. */
export async function totals(sc: SimulatorClient): Promise<Record<string, number>> {
  return { [PRIMARY]: (await sc.requestCounts(PRIMARY)).total, [REPLICA]: (await sc.requestCounts(REPLICA)).total };
}

/** Changing MAPI requests (PUT/POST/DELETE) of both systems since the last reset. */
export async function changing(sc: SimulatorClient): Promise<Record<string, number>> {
  return { [PRIMARY]: await sc.changingRequests(PRIMARY), [REPLICA]: await sc.changingRequests(REPLICA) };
}

/** A test file's shared setup: the simulator and, per test, the providers' captured log output. */
export interface ProviderSuite {
  env: Env;
  logs: LogCapture;
}

/**
 * Registers the hooks every provider suite uses: one simulator for the file, reset before each test,
 * each test's log captured, and after it a check that nothing printed the password.
 */
export function useProviderSuite(overrides: () => Partial<SimulatorConfig> = () => ({})): ProviderSuite {
  const suite = {} as ProviderSuite;
  beforeAll(async () => {
    suite.env = await startEnv(overrides());
  });
  afterAll(async () => {
    await suite.env?.stop();
  });
  beforeEach(async () => {
    await suite.env.reset();
    // Each test is a new provider process: nothing learnt of reachability or Ctrl-C carries over.
    processReachability.forget();
    clearReadAhead();
    clearSystemFacts();
    forgetProviderCertificates();
    resetCancellation();
    suite.logs = captureLogs();
  });
  afterEach(() => {
    suite.logs.restore();
    expect(suite.logs.text()).not.toContain(suite.env.a.password);
  });
  return suite;
}

/**
 * ReplicationFailover declarations on the suite's two systems: link LINK, polls every second, then
 * `base()` (read when called: the systems exist only once the suite has started), then `extra`.
 */
export function failoverDeclarer(suite: ProviderSuite, base: () => Partial<FailoverInputs> = () => ({})) {
  return (state: FailoverInputs["state"], extra: Partial<FailoverInputs> = {}): FailoverInputs => ({
    link: LINK,
    primary: suite.env.a,
    replica: suite.env.b,
    state,
    pollIntervalSeconds: 1,
    ...base(),
    ...extra,
  });
}
