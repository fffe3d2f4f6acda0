/**
 * A typed client for a running simulator: its control API (`/_sim/...`, the faults and the console a
 * drill needs) and its data plane (`/data/<tenant>/<key>`, as an application would write objects).
 * Used by the demo and the end-to-end tests; it speaks HTTPS with the simulator's CA like any client.
 */
import * as fs from "fs";
import * as https from "https";
import axios, { AxiosInstance } from "axios";
import type { QuirksConfig } from "./config";
import type { RunningSimulator, SimulatedSystem } from "./index";

export interface SimEvent {
  time?: string;
  severity?: string;
  message: string;
}

export interface SystemState {
  name: string;
  up: boolean;
  /** "serving", "blackhole" (accepts, never answers) or "closed" (refused). */
  port?: "serving" | "blackhole" | "closed";
  /** Connections its black hole accepted since the start or the last reset. */
  heldConnections?: number;
  links: Array<{ name: string; phase: string; statusMessage: string; pending: string | null; splitBrain: boolean }>;
  tenants: Array<{ name: string; access: string; objects: number }>;
}

export class SimulatorClient {
  private readonly http: AxiosInstance;

  constructor(private readonly sim: RunningSimulator) {
    this.http = axios.create({
      httpsAgent: new https.Agent({ ca: fs.readFileSync(sim.caFile, "utf8") }),
      validateStatus: () => true,
      timeout: 15000,
    });
  }

  system(name: string): SimulatedSystem {
    const found = this.sim.systems.find((s) => s.name === name);
    if (!found) throw new Error(`no simulated system "${name}"; have ${this.sim.systems.map((s) => s.name).join(", ")}`);
    return found;
  }

  private async control(method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: object): Promise<unknown> {
    const res = await this.http.request({ method, url, data: body, headers: body ? { "Content-Type": "application/json" } : {} });
    if (res.status >= 300) throw new Error(`simulator control ${method} ${url}: HTTP ${res.status} ${res.headers["x-hcp-errormessage"] ?? JSON.stringify(res.data)}`);
    return res.data;
  }

  private systemUrl(name: string, suffix: string): string {
    return `${this.system(name).controlUrl}${suffix}`;
  }

  /** The configured state again (`POST /_sim/reset`). */
  reset() {
    if (!this.sim.controlEndpoint) throw new Error("the simulator has no control endpoint");
    return this.control("POST", `${this.sim.controlEndpoint}/_sim/reset`);
  }
  takeDown(name: string) {
    return this.control("POST", this.systemUrl(name, "/down"));
  }
  /** The system's port accepts connections and never answers, until bringUp. */
  blackHole(name: string) {
    return this.control("POST", this.systemUrl(name, "/blackhole"));
  }
  bringUp(name: string) {
    return this.control("POST", this.systemUrl(name, "/up"));
  }
  /** New replication server certificate, no links, no trusted certificates. */
  rebuild(name: string, keepObjects = true) {
    return this.control("POST", this.systemUrl(name, "/rebuild"), { keepObjects });
  }
  /** A new replication server certificate for the system, expiring in `expiresInDays` (negative: already expired). */
  renewCertificate(name: string, expiresInDays: number) {
    return this.control("POST", this.systemUrl(name, "/replication-certificate"), { expiresInDays });
  }
  setSoftwareVersion(name: string, version: string) {
    return this.control("POST", this.systemUrl(name, "/software-version"), { version });
  }
  pendingRequests(name: string) {
    return this.control("GET", this.systemUrl(name, "/pending-requests")) as Promise<Array<{ link: string; from: string }>>;
  }
  /** What an administrator does in the System Management Console for a cross-release link. */
  acceptPendingRequest(name: string, link: string) {
    return this.control("POST", this.systemUrl(name, `/pending-requests/${encodeURIComponent(link)}/accept`));
  }
  setLatency(name: string, ms: number) {
    return this.control("POST", this.systemUrl(name, "/latency"), { ms });
  }
  failNext(name: string, count: number, status = 503) {
    return this.control("POST", this.systemUrl(name, "/fail-next"), { count, status });
  }
  /** HCP's documented delays and quirks on one system (only the given fields change). */
  setQuirks(name: string, quirks: QuirksConfig) {
    return this.control("POST", this.systemUrl(name, "/quirks"), quirks);
  }
  /** HCP pauses a tenant of a link by itself (AUTO_PAUSED), e.g. the primary cannot reach Active Directory. */
  autoPauseTenant(name: string, link: string, tenant: string, cause?: string) {
    return this.control("POST", this.systemUrl(name, `/links/${encodeURIComponent(link)}/tenants/${encodeURIComponent(tenant)}/auto-pause`), cause ? { cause } : {});
  }
  /** The cause of an auto-pause is fixed; `resume` also resumes the tenant as the console would. */
  clearAutoPause(name: string, link: string, tenant: string, resume = false) {
    return this.control("POST", this.systemUrl(name, `/links/${encodeURIComponent(link)}/tenants/${encodeURIComponent(tenant)}/auto-pause/clear`), { resume });
  }
  events(name: string) {
    return this.control("GET", this.systemUrl(name, "/events")) as Promise<SimEvent[]>;
  }
  cutNetwork(a: string, b: string) {
    return this.control("POST", `${this.sim.controlEndpoint}/_sim/network/cut`, { systems: [a, b] });
  }
  healNetwork(a: string, b: string) {
    return this.control("POST", `${this.sim.controlEndpoint}/_sim/network/heal`, { systems: [a, b] });
  }
  setTimeSpeed(timeSpeed: number) {
    return this.control("POST", `${this.sim.controlEndpoint}/_sim/clock`, { timeSpeed });
  }
  requestCounts(name: string) {
    return this.control("GET", this.systemUrl(name, "/requests")) as Promise<{ total: number; byRoute: Record<string, number> }>;
  }
  /** MAPI requests that can change something (PUT, POST, DELETE) a system has answered so far. */
  async changingRequests(name: string): Promise<number> {
    const { byRoute } = await this.requestCounts(name);
    return Object.entries(byRoute)
      .filter(([route]) => /^(PUT|POST|DELETE) \/mapi/.test(route))
      .reduce((sum, [, n]) => sum + n, 0);
  }
  /** The simulator's view of one system: links with phase and statusMessage, tenants with access. */
  state(name: string) {
    return this.control("GET", this.system(name).controlUrl) as Promise<SystemState>;
  }

  // --- data plane, with the system's own credentials ---------------------------------------------

  private authHeader(name: string): string {
    const s = this.system(name);
    const crypto: typeof import("crypto") = require("crypto");
    return `HCP ${Buffer.from(s.username).toString("base64")}:${crypto.createHash("md5").update(s.password).digest("hex")}`;
  }

  /** Writes an object; resolves to the HTTP status (201/200 written, 403 read-only tenant). */
  async putObject(name: string, tenant: string, key: string, body: string): Promise<{ status: number; message?: string }> {
    const res = await this.http.put(`${this.system(name).endpoint}/data/${encodeURIComponent(tenant)}/${key}`, body, {
      headers: { Authorization: this.authHeader(name), "Content-Type": "text/plain" },
    });
    return { status: res.status, message: res.headers["x-hcp-errormessage"] as string | undefined };
  }

  /** Keys of the objects a tenant holds on a system, sorted. */
  async listObjects(name: string, tenant: string): Promise<string[]> {
    const res = await this.http.get(`${this.system(name).endpoint}/data/${encodeURIComponent(tenant)}`, {
      headers: { Authorization: this.authHeader(name), Accept: "application/json" },
    });
    if (res.status !== 200) throw new Error(`listing ${tenant} on ${name}: HTTP ${res.status} ${res.headers["x-hcp-errormessage"] ?? ""}`);
    const objects = (res.data as { objects: Array<{ key: string } | string> }).objects;
    return objects.map((o) => (typeof o === "string" ? o : o.key)).sort();
  }
}
