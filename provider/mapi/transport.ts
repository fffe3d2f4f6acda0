/**
 * The transport of the MAPI client: one system's HTTPS connection (TLS verified by default, a private CA
 * trusted through a shared TLS context, a connect timeout apart from the response timeout), admission
 * through the shared reachability memo (a system that failed to connect a moment ago is not tried), the
 * retry of safe reads ({@link shouldRetry}), notices of a request left without an answer, and what every
 * answer tells of the system (software version, clock). Credentials live only in a private field.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { Agent } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import { LIVE_SYSTEM_CONNECT_MS } from "./assumptions";
import { authorizationHeader } from "./auth";
import { CONNECT_FAILURE_CODES } from "./connectFailures";
import { ConnectTimeoutAgent } from "./connectTimeoutAgent";
import { MapiConfigError, MapiConnectTimeoutError, MapiNotTriedError, MapiResponseError, MapiTimeoutError, MapiUnreachableError } from "./errors";
import type { ReachabilityMemo } from "./reachability";
import { shouldRetry, type Method } from "./retry";
import { secureContextTrusting } from "./tlsContexts";
import { mapTransportError } from "./transportErrors";
import type { AuthType, WireFormat } from "./types";
import type { WireContext } from "./wire";

export type { Method } from "./retry";

export interface MapiClientOptions {
  /** Admin endpoint of the system, e.g. `https://admin.hcp-a.example.com:9090` (https only; path ignored). */
  endpoint: string;
  /** System-level account: monitor role to read, administrator to change. For `ad`, `user@domain`. */
  username: string;
  /** Secret: kept only inside the client, never in errors or logs. */
  password: string;
  /** Default `local`. */
  authType?: AuthType;
  /** PEM of a private CA to trust in addition to the public roots. */
  caCertificate?: string;
  /** Turns TLS verification off (reported through `onWarning`). Default false. */
  insecureSkipTlsVerify?: boolean;
  /** Per-request timeout: no answer for this long once connected. Default 30000. */
  timeoutMs?: number;
  /**
   * Time allowed for a new connection's TCP connect and TLS handshake, apart from `timeoutMs`: a system
   * that accepts nothing or answers nothing (a dead site) costs this, not `timeoutMs`. Default
   * {@link LIVE_SYSTEM_CONNECT_MS} (1500).
   */
  connectTimeoutMs?: number;
  /**
   * Shared knowledge of which systems failed to connect: while it says this endpoint failed a moment ago,
   * requests fail at once ({@link MapiNotTriedError}); after its backoff, one goes out as a probe with a
   * connect timeout of at most {@link PROBE_CONNECT_TIMEOUT_MS}. Default: none (every request connects).
   */
  reachability?: ReachabilityMemo;
  /** Told, every `slowNoticeMs`, about a request still without an answer. Default: nothing is told. */
  onSlowRequest?: (line: string) => void;
  /** Default 8000 (so that no wait is silent for 10 s). */
  slowNoticeMs?: number;
  /** Extra attempts for safe reads (GET/HEAD) on 503 or connection errors (not timeouts). Default 3. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 250. */
  retryDelayMs?: number;
  /** Body format to request and send. Default `json`; `xml` is HCP's native format. */
  format?: WireFormat;
  /** Receives warnings (e.g. TLS verification off). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /**
   * Awaited before every request that changes something (any method but GET and HEAD), with what it is
   * about to send; it may throw, or end the process, to keep the request from going out. Default: none.
   */
  beforeChange?: (request: string) => Promise<void>;
}

export const MAPI_REPLICATION_PATH = "/mapi/services/replication";

/**
 * Longest answer read: a replication answer is a few kilobytes (a link list of a large site, a PEM), so a
 * body past this is a broken or hostile system, refused without reading it all (memory stays bounded).
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Connect timeout of a probe of a system that failed to connect before. */
export const PROBE_CONNECT_TIMEOUT_MS = 2000;

export interface RawResponse {
  status: number;
  statusText: string;
  body: string;
  contentType?: string;
  hcpErrorMessage?: string;
  softwareVersion?: string;
  ctx: WireContext;
}

export interface SendOptions {
  body?: string;
  contentType?: string;
  accept?: string;
}

/** Milliseconds as seconds for a message: "1.5", "5", "30". */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

export class MapiTransport {
  /** `https://host:port` of the system. */
  readonly endpoint: string;
  /** Body format requested and sent. */
  readonly format: WireFormat;

  readonly #auth: string;
  readonly #http: AxiosInstance;
  readonly #agent: Agent;
  /** For probes of a system that failed to connect: a short connect timeout, no kept-alive socket. */
  readonly #probeAgent: Agent;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #reachability: ReachabilityMemo | undefined;
  readonly #onSlowRequest: ((line: string) => void) | undefined;
  readonly #beforeChange: ((request: string) => Promise<void>) | undefined;
  readonly #slowNoticeMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  #requestCount = 0;
  #softwareVersion: string | undefined;
  /** The system's clock minus ours, from the last response's `Date` header. */
  #clockOffsetMs: number | undefined;

  /** The account the requests are sent as (not secret: it names, it does not authenticate). */
  readonly account: string;

  constructor(options: MapiClientOptions) {
    if (!options || typeof options !== "object") throw new MapiConfigError("options", "must be an object");
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.#auth = authorizationHeader(options.username, options.password, options.authType ?? "local");
    this.account = options.username;
    this.format = options.format ?? "json";
    if (this.format !== "json" && this.format !== "xml") {
      throw new MapiConfigError("format", `must be "json" or "xml" (got ${JSON.stringify(options.format)})`);
    }
    this.#timeoutMs = positiveNumber("timeoutMs", options.timeoutMs, 30000);
    this.#connectTimeoutMs = positiveNumber("connectTimeoutMs", options.connectTimeoutMs, LIVE_SYSTEM_CONNECT_MS);
    this.#slowNoticeMs = positiveNumber("slowNoticeMs", options.slowNoticeMs, 8000);
    this.#reachability = options.reachability;
    this.#onSlowRequest = options.onSlowRequest;
    this.#beforeChange = options.beforeChange;
    this.#retries = wholeNumber("retries", options.retries, 3);
    this.#retryDelayMs = wholeNumber("retryDelayMs", options.retryDelayMs, 250);

    const skip = options.insecureSkipTlsVerify === true;
    if (options.caCertificate !== undefined && !/-----BEGIN CERTIFICATE-----/.test(options.caCertificate)) {
      throw new MapiConfigError("caCertificate", "must be PEM text (-----BEGIN CERTIFICATE----- …)");
    }
    if (skip) {
      const warn = options.onWarning ?? ((m: string) => process.emitWarning(m, "InsecureTlsWarning"));
      warn(
        `TLS certificate verification is OFF for ${this.endpoint} (insecureSkipTlsVerify: true): ` +
          `anyone on the network path can impersonate this HCP system and read its credentials. ` +
          `Set caCertificate to the PEM of the CA that signed its certificate instead.`,
      );
    }
    const tlsOptions = {
      rejectUnauthorized: !skip,
      ...(options.caCertificate ? { secureContext: secureContextTrusting(options.caCertificate) } : {}),
    };
    const sharedFailure = () => this.#reachability?.sharedFailure(this.endpoint);
    this.#agent = new ConnectTimeoutAgent({ keepAlive: true, ...tlsOptions }, this.#connectTimeoutMs, sharedFailure);
    this.#probeAgent = new ConnectTimeoutAgent({ keepAlive: false, ...tlsOptions }, Math.min(this.#connectTimeoutMs, PROBE_CONNECT_TIMEOUT_MS));
    this.#http = axios.create({
      adapter: "http",
      httpsAgent: this.#agent,
      proxy: false,
      // A redirect is never followed: the credentials go only to the endpoint configured.
      maxRedirects: 0,
      timeout: this.#timeoutMs,
      maxContentLength: MAX_RESPONSE_BYTES,
      // Bytes, decoded here: a body that is not UTF-8 is refused, not patched with replacement characters.
      responseType: "arraybuffer",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** Requests sent so far (each retry counts). */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** `X-HCP-SoftwareVersion` of the last response, if any response arrived yet. */
  get lastSoftwareVersion(): string | undefined {
    return this.#softwareVersion;
  }

  /**
   * The system's current time (ms since the epoch) estimated from the `Date` header of the last response,
   * or undefined before any response. Link statistics (`upToDateAsOfMillis`) are on the system's clock.
   */
  serverNow(): number | undefined {
    return this.#clockOffsetMs === undefined ? undefined : Date.now() + this.#clockOffsetMs;
  }

  /** Closes kept-alive connections. The transport can still be used afterwards (it reconnects). */
  close(): void {
    this.#agent.destroy();
    this.#probeAgent.destroy();
  }

  /** Sends one request (retrying a safe read as {@link shouldRetry} says) and returns the answer, whatever its status. */
  async send(method: Method, path: string, options: SendOptions = {}): Promise<RawResponse> {
    const url = `${this.endpoint}${MAPI_REPLICATION_PATH}${path}`;
    const ctx: WireContext = { method, url, path: `${MAPI_REPLICATION_PATH}${path}` };
    const attempts = 1 + this.#retries;
    const headers = this.#headers(options);
    if (method !== "GET" && method !== "HEAD") await this.#beforeChange?.(`${method} ${ctx.path} to ${this.endpoint}`);
    for (let attempt = 1; ; attempt++) {
      const admission = this.#reachability?.admit(this.endpoint) ?? { kind: "send" };
      if (admission.kind === "skip") {
        throw new MapiNotTriedError({ ...ctx, causeMessage: admission.reason, failedAgoMs: admission.failedAgoMs, retryAt: admission.retryAt });
      }
      this.#requestCount++;
      const slow = this.#noticeWhileSlow(ctx, admission.kind === "probe");
      let response: AxiosResponse<unknown>;
      // `timeout` is an idle timeout (each byte restarts it): a system that trickles its answer is bounded
      // by this deadline for the whole exchange, connect included.
      const deadline = new AbortController();
      const deadlineTimer = setTimeout(() => deadline.abort(), this.#timeoutMs + this.#connectTimeoutMs);
      try {
        response = await this.#http.request({ method, url, headers, data: options.body, signal: deadline.signal, ...(admission.kind === "probe" ? { httpsAgent: this.#probeAgent } : {}) });
      } catch (err) {
        const error = deadline.signal.aborted ? new MapiTimeoutError({ ...ctx, timeoutMs: this.#timeoutMs + this.#connectTimeoutMs, causeMessage: "the answer did not complete in time" }) : mapTransportError(err, ctx, this.#timeoutMs);
        const connectFailed = error instanceof MapiConnectTimeoutError || (error instanceof MapiUnreachableError && CONNECT_FAILURE_CODES.has(error.code ?? ""));
        if (connectFailed) this.#reachability?.failed(this.endpoint, error.message);
        else this.#reachability?.connected(this.endpoint);
        if (!shouldRetry(method, attempt, attempts, { error, connectFailed })) throw error;
        await delay(this.#backoff(attempt));
        continue;
      } finally {
        clearTimeout(deadlineTimer);
        slow.stop();
      }
      this.#reachability?.connected(this.endpoint);
      const res = this.#answered(response, ctx);
      if (!shouldRetry(method, attempt, attempts, { status: res.status })) return res;
      await delay(this.#backoff(attempt));
    }
  }

  #headers(options: SendOptions): Record<string, string | false> {
    return {
      Authorization: this.#auth,
      Accept: options.accept ?? (this.format === "json" ? "application/json" : "application/xml"),
      "User-Agent": "pulumi-hcp-replication",
      // No Content-Type without a body (axios would otherwise add a form type to POST/PUT).
      "Content-Type": options.body !== undefined ? (options.contentType ?? "application/json") : false,
    };
  }

  /** The answer, and what it tells of the system: its software version and its clock. */
  #answered(response: AxiosResponse<unknown>, ctx: WireContext): RawResponse {
    const res = toRaw(response, ctx);
    if (res.softwareVersion !== undefined) this.#softwareVersion = res.softwareVersion;
    const serverDate = Date.parse(header(response, "date") ?? "");
    if (Number.isFinite(serverDate)) this.#clockOffsetMs = serverDate - Date.now();
    return res;
  }

  /** Tells `onSlowRequest` every `slowNoticeMs` that a request is still without an answer, and for how long it may wait. */
  #noticeWhileSlow(ctx: WireContext, probe: boolean): { stop(): void } {
    const notify = this.#onSlowRequest;
    if (!notify) return { stop: () => undefined };
    const started = Date.now();
    const connectMs = probe ? Math.min(this.#connectTimeoutMs, PROBE_CONNECT_TIMEOUT_MS) : this.#connectTimeoutMs;
    const timer = setInterval(() => {
      const waited = Math.round((Date.now() - started) / 1000);
      notify(
        `still waiting for ${this.endpoint} to answer ${ctx.method} ${ctx.path} (${waited} s so far; it gives up after ` +
          `${seconds(connectMs)} s to connect and ${seconds(this.#timeoutMs)} s without an answer)`,
      );
    }, this.#slowNoticeMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  #backoff(attempt: number): number {
    return this.#retryDelayMs * 2 ** (attempt - 1);
  }
}

function header(response: AxiosResponse<unknown>, name: string): string | undefined {
  const value = (response.headers as Record<string, unknown>)[name.toLowerCase()];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text. An answer with data (2xx) must be UTF-8; an error page is read leniently. */
function bodyText(data: unknown, status: number, ctx: WireContext): string {
  if (data === undefined || data === null) return "";
  if (typeof data === "string") return data;
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
  try {
    return UTF8.decode(bytes);
  } catch {
    if (status >= 200 && status < 300) throw new MapiResponseError({ ...ctx, problem: "the body is not valid UTF-8" });
    return bytes.toString("utf8");
  }
}

function toRaw(response: AxiosResponse<unknown>, ctx: WireContext): RawResponse {
  return {
    status: response.status,
    statusText: response.statusText ?? "",
    body: bodyText(response.data, response.status, ctx),
    contentType: header(response, "content-type"),
    hcpErrorMessage: header(response, "x-hcp-errormessage"),
    softwareVersion: header(response, "x-hcp-softwareversion"),
    ctx,
  };
}

function normalizeEndpoint(endpoint: unknown): string {
  if (typeof endpoint !== "string" || endpoint.trim() === "") {
    throw new MapiConfigError("endpoint", "must be an https:// URL such as https://admin.hcp-a.example.com:9090");
  }
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new MapiConfigError("endpoint", "must be an https:// URL such as https://admin.hcp-a.example.com:9090");
  }
  if (url.username || url.password) {
    throw new MapiConfigError("endpoint", "must not contain credentials; give username and password separately");
  }
  if (url.protocol !== "https:") {
    throw new MapiConfigError("endpoint", `must use https (MAPI is HTTPS only), got ${url.protocol.replace(":", "")}`);
  }
  return url.origin;
}

function positiveNumber(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new MapiConfigError(option, `must be a positive number (got ${JSON.stringify(value)})`);
  }
  return value;
}

function wholeNumber(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new MapiConfigError(option, `must be a whole number >= 0 (got ${JSON.stringify(value)})`);
  }
  return value;
}
