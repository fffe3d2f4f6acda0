/**
 * Simulators for the fault suite: control calls the typed SimulatorClient lacks (reset, clock), connections
 * as a Pulumi program passes them, and a small pool so that independent cases can run side by side, each
 * on a simulator of its own.
 */
import * as fs from "fs";
import * as https from "https";
import { defaultConfig, startSimulator, type RunningSimulator, type SimulatorConfig } from "../../../simulator";
import { SimulatorClient, type SystemState } from "../../../simulator/controlClient";
import type { SystemConnection } from "../../../provider/resources/system";

export const PRIMARY = "hcp-a";
export const REPLICA = "hcp-b";
export const LINK = "link-ab";
export const TENANTS = ["finance", "media"] as const;

export interface Sim {
  sim: RunningSimulator;
  sc: SimulatorClient;
  ca: string;
  conn(name: string): SystemConnection;
  /** A control call (`/_sim/...`) on the control endpoint; rejects on an error status. */
  control<T = unknown>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: object): Promise<T>;
  /** Back to the configured state: systems up, link replicating, objects, events, counters and faults cleared. */
  reset(): Promise<void>;
  /** Jumps the simulated clock forward. */
  advanceClock(ms: number): Promise<void>;
  /** An object's bytes as stored on a system (control API, no access check), or undefined when absent. */
  objectBody(system: string, tenant: string, key: string): Promise<string | undefined>;
  link(system: string, link?: string): Promise<SystemState["links"][number] | undefined>;
  access(system: string, tenant: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function startSim(config: SimulatorConfig): Promise<Sim> {
  const sim = await startSimulator(config);
  const ca = fs.readFileSync(sim.caFile, "utf8");
  const sc = new SimulatorClient(sim);
  const agent = new https.Agent({ ca, keepAlive: false });
  const control = <T>(method: string, path: string, body?: object): Promise<T> =>
    new Promise((resolve, reject) => {
      const data = body ? JSON.stringify(body) : undefined;
      const req = https.request(
        `${sim.controlEndpoint}${path}`,
        { method, agent, headers: data ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if ((res.statusCode ?? 500) >= 300) reject(new Error(`simulator control ${method} ${path}: HTTP ${res.statusCode} ${res.headers["x-hcp-errormessage"] ?? text}`));
            else resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      req.on("error", reject);
      req.end(data);
    });
  return {
    sim,
    sc,
    ca,
    conn(name) {
      const s = sc.system(name);
      return { name: s.name, endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: ca };
    },
    control,
    reset: async () => void (await control("POST", "/_sim/reset")),
    objectBody: (system, tenant, key) =>
      new Promise((resolve, reject) => {
        const path = `/_sim/systems/${encodeURIComponent(system)}/objects/${encodeURIComponent(tenant)}/${key}`;
        https
          .get(`${sim.controlEndpoint}${path}`, { agent }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString("utf8") : undefined));
          })
          .on("error", reject);
      }),
    advanceClock: async (ms) => void (await control("POST", "/_sim/clock", { advanceMs: ms })),
    async link(system, link = LINK) {
      return (await sc.state(system)).links.find((l) => l.name.toLowerCase() === link.toLowerCase());
    },
    async access(system, tenant) {
      return (await sc.state(system)).tenants.find((t) => t.name === tenant)?.access;
    },
    stop: () => sim.stop(),
  };
}

/** Link actions a system accepted, over all its links (from its event log): `{ failOver: 1, … }`. */
export async function actionsTakenOn(sim: Sim, system: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of await sim.sc.events(system)) {
    const m = /^Link '[^']+': (\w+) (requested|run automatically) on /.exec(e.message);
    if (m) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  return counts;
}

/** Default two systems and link-ab, with the given overrides. */
export function simConfig(overrides: Partial<SimulatorConfig> = {}): SimulatorConfig {
  return { ...defaultConfig(), ...overrides };
}

/** A fixed number of simulators handed out one case at a time. */
export class SimPool {
  private readonly idle: Sim[] = [];
  private readonly waiting: Array<{ resolve: (sim: Sim) => void; reject: (err: Error) => void }> = [];
  private readonly all: Promise<Sim>[] = [];
  private failed: Error | undefined;

  constructor(size: number, config: SimulatorConfig) {
    for (let i = 0; i < size; i++) {
      const started = startSim(config);
      this.all.push(started);
      started.then(
        (s) => this.release(s),
        (err: Error) => {
          this.failed = new Error(`a pooled simulator did not start: ${err.message}`);
          this.waiting.splice(0).forEach((w) => w.reject(this.failed as Error));
        },
      );
    }
  }

  /** Waits for a free simulator, reset to its configured state. */
  async acquire(): Promise<Sim> {
    if (this.failed) throw this.failed;
    const sim = this.idle.pop() ?? (await new Promise<Sim>((resolve, reject) => this.waiting.push({ resolve, reject })));
    await sim.reset();
    return sim;
  }

  release(sim: Sim): void {
    const next = this.waiting.shift();
    if (next) next.resolve(sim);
    else this.idle.push(sim);
  }

  /** Runs `use` on a free simulator and gives it back afterwards. */
  async with<T>(use: (sim: Sim) => Promise<T>): Promise<T> {
    const sim = await this.acquire();
    try {
      return await use(sim);
    } finally {
      this.release(sim);
    }
  }

  async stop(): Promise<void> {
    const settled = await Promise.allSettled(this.all);
    await Promise.all(settled.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
  }
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
