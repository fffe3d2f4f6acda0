import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import * as https from "node:https";
import { startSimulator, type RunningSimulator, type SimulatedSystem, type SimulatorConfig } from "../../simulator";

/**
 * Plain HTTPS against a started simulator (no MAPI client): one fresh connection per request, the
 * simulator's CA for verification, auth headers computed here from the documented schemes.
 */

export const REPLICATION = "/mapi/services/replication";

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** One HTTPS request, no keep-alive; rejects on connection errors (ECONNREFUSED while down). */
export function httpsRequest(url: string, ca: string, options: RequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? "GET", headers: options.headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** `HCP <base64(user)>:<md5hex(password)>`. */
export function hcpAuthorization(username: string, password: string): string {
  return `HCP ${Buffer.from(username, "utf8").toString("base64")}:${createHash("md5").update(password, "utf8").digest("hex")}`;
}

export type Access = "read-write" | "read-only";

/** What one side shows: statusMessage of the link and whether a write to the tenant goes through. */
export interface SideState {
  readonly statusMessage: string | "no link";
  readonly access: Access;
}

/** The simulator plus typed helpers for tests. */
export class Harness {
  private probeCount = 0;

  private constructor(
    readonly sim: RunningSimulator,
    readonly ca: string,
  ) {}

  static async start(config?: SimulatorConfig): Promise<Harness> {
    const sim = await startSimulator(config);
    return new Harness(sim, readFileSync(sim.caFile, "utf8"));
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }

  system(name: string): SimulatedSystem {
    const system = this.sim.systems.find((s) => s.name === name);
    if (!system) throw new Error(`no system ${name}`);
    return system;
  }

  auth(name: string): string {
    const system = this.system(name);
    return hcpAuthorization(system.username, system.password);
  }

  /** A request to a system's port with the admin's HCP credentials (unless headers override them). */
  request(name: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    return httpsRequest(`${this.system(name).endpoint}${path}`, this.ca, {
      ...options,
      headers: { Authorization: this.auth(name), ...options.headers },
    });
  }

  /** MAPI replication request (`path` relative to /mapi/services/replication). */
  mapi(name: string, method: string, path: string, options: { body?: string; contentType?: string; json?: boolean } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    if (options.contentType) headers["Content-Type"] = options.contentType;
    if (options.json) headers["Accept"] = "application/json";
    return this.request(name, `${REPLICATION}${path}`, { method, headers, body: options.body });
  }

  /** `POST links/<link>?<action>` with no body. */
  action(name: string, link: string, action: string): Promise<HttpResult> {
    return this.mapi(name, "POST", `/links/${link}?${action}`);
  }

  /** The verbose link as JSON, or undefined when the system has no such link. */
  async link(name: string, link: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.mapi(name, "GET", `/links/${link}?verbose=true`, { json: true });
    if (result.status === 404) return undefined;
    if (result.status !== 200) throw new Error(`GET link on ${name}: ${result.status} ${String(result.headers["x-hcp-errormessage"])}`);
    return JSON.parse(result.body) as Record<string, unknown>;
  }

  /** Writes an object through the data plane; returns the HTTP status. */
  async write(name: string, tenant: string, key: string, data: string): Promise<number> {
    const result = await this.request(name, `/data/${tenant}/${key}`, { method: "PUT", body: data, headers: { "Content-Type": "text/plain" } });
    return result.status;
  }

  /** Probes the access of a tenant with a write (the probe object stays, like any client write). */
  async access(name: string, tenant: string): Promise<Access> {
    const status = await this.write(name, tenant, `probe/${name}-${++this.probeCount}`, "probe");
    if (status === 200 || status === 201) return "read-write";
    if (status === 403) return "read-only";
    throw new Error(`unexpected write status ${status} on ${name}`);
  }

  /** statusMessage of the link and access of `tenant` on one system. */
  async side(name: string, link: string, tenant: string): Promise<SideState> {
    const record = await this.link(name, link);
    return { statusMessage: record ? String(record["statusMessage"]) : "no link", access: await this.access(name, tenant) };
  }

  /** Control API call on the control endpoint; throws on an error status. */
  async control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const result = await httpsRequest(`${this.sim.controlEndpoint}${path}`, this.ca, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (result.status >= 400) throw new Error(`${method} ${path}: ${result.status} ${String(result.headers["x-hcp-errormessage"])}`);
    return (result.body ? JSON.parse(result.body) : undefined) as T;
  }

  /** Freezes simulated time (deterministic steps), or sets its speed. */
  timeSpeed(speed: number): Promise<unknown> {
    return this.control("POST", "/_sim/clock", { timeSpeed: speed });
  }

  /** Jumps simulated time forward; the next request replicates what that time allows. */
  advance(ms: number): Promise<unknown> {
    return this.control("POST", "/_sim/clock", { advanceMs: ms });
  }

  async events(name: string): Promise<string[]> {
    const events = await this.control<Array<{ message: string }>>("GET", `/_sim/systems/${name}/events`);
    return events.map((e) => e.message);
  }

  /** Object keys -> versions of a tenant, read through the control API. */
  async objects(name: string, tenant: string): Promise<Map<string, string>> {
    const listing = await this.control<Record<string, Array<{ key: string; version: string }>>>("GET", `/_sim/systems/${name}/objects/${tenant}`);
    return new Map((listing[tenant] ?? []).map((o) => [o.key, o.version]));
  }

  /** Polls `check` until it returns true or the deadline passes. */
  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The error message header of a response. */
export function errorMessage(result: HttpResult): string {
  return String(result.headers["x-hcp-errormessage"] ?? "");
}
