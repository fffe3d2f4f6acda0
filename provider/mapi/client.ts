/**
 * MAPI client for HCP replication (`/mapi/services/replication`) over HTTPS with axios.
 *
 * - TLS verification is on by default; `caCertificate` adds a private CA; `insecureSkipTlsVerify`
 *   turns verification off and reports a warning through `onWarning`.
 * - Safe reads (GET/HEAD) are retried with exponential backoff on 503 and connection errors (not on a
 *   timeout, which already waited `timeoutMs`, nor on a TLS failure). Changing
 *   requests (PUT/POST/DELETE) are sent exactly once: the caller re-reads state before trying again.
 * - Credentials live only in a private field; no error, property or log line carries them.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { createSecureContext, rootCertificates, type SecureContext, type TLSSocket } from "node:tls";
import { Agent } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import { ACTION_SPELLINGS, CERTIFICATE_UPLOAD_CONTENT_TYPE, HEAD_ABSENT_STATUSES, LIVE_SYSTEM_CONNECT_MS, SERVER_CERTIFICATE_ID } from "./assumptions";
import { authorizationHeader } from "./auth";
import { CONNECT_FAILURE_CODES, connectTimeoutMessage } from "./connectFailures";
import {
  MapiConfigError,
  MapiConnectTimeoutError,
  MapiError,
  MapiHttpError,
  MapiNotTriedError,
  MapiPermissionError,
  MapiResponseError,
  MapiTimeoutError,
  MapiTlsError,
  MapiUnreachableError,
} from "./errors";
import type { ReachabilityMemo } from "./reachability";
import type {
  AuthType,
  CertificateInfo,
  LinkAction,
  LinkCandidates,
  LinkContent,
  LinkModification,
  LinkSpec,
  LinkView,
  ReplicationService,
  TenantReplicationStatus,
  WireFormat,
} from "./types";
import { LINK_ACTIONS } from "./types";
import {
  decodeCertificateList,
  decodeLink,
  decodeLinkCandidates,
  decodeLinkContent,
  decodeLinkList,
  decodeService,
  decodeTenantStatus,
  encodeLinkModification,
  encodeLinkSpec,
  extractPem,
  parseBody,
  type WireContext,
} from "./wire";

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
}

export const MAPI_REPLICATION_PATH = "/mapi/services/replication";

type Method = "GET" | "HEAD" | "PUT" | "POST" | "DELETE";

interface RawResponse {
  status: number;
  statusText: string;
  body: string;
  contentType?: string;
  hcpErrorMessage?: string;
  softwareVersion?: string;
  ctx: WireContext;
}

interface SendOptions {
  body?: string;
  contentType?: string;
  accept?: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
  "ECONNABORTED",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ERR_NETWORK",
  "EPROTO",
]);

const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "ERR_SOCKET_CONNECTION_TIMEOUT"]);

function isTlsCode(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (/CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/.test(code) && code !== "EPROTO")
  );
}

/** Connect timeout of a probe of a system that failed to connect before. */
export const PROBE_CONNECT_TIMEOUT_MS = 2000;


/** Marks the error an agent raises when a connection's TCP connect and TLS handshake took too long. */
const CONNECT_TIMEOUT = Symbol("connectTimeout");

function connectTimeoutError(ms: number): Error {
  return Object.assign(new Error(connectTimeoutMessage(ms)), { code: "ETIMEDOUT", [CONNECT_TIMEOUT]: ms });
}

/** How often a connection attempt looks whether another process of the deployment gave up on the system. */
const SHARED_FAILURE_POLL_MS = 50;

/**
 * An HTTPS agent whose new connections must complete the TCP connect and the TLS handshake within
 * `connectTimeoutMs`: a socket that connects but never gets a server hello is caught too. An attempt also
 * ends early once `sharedFailure` reports that this deployment's program gave up on the system.
 */
class ConnectTimeoutAgent extends Agent {
  constructor(
    options: ConstructorParameters<typeof Agent>[0],
    private readonly connectTimeoutMs: number,
    private readonly sharedFailure: () => unknown = () => undefined,
  ) {
    super(options);
  }

  override createConnection(...args: unknown[]): TLSSocket {
    const create = (Agent.prototype as unknown as { createConnection: (...a: unknown[]) => TLSSocket }).createConnection;
    const socket = create.apply(this, args);
    const ms = this.connectTimeoutMs;
    let secure = false;
    // Decided one turn of the event loop later: when the process was busy, the handshake that arrived in
    // the meantime is read first, so a slow process does not mistake a live system for a dead one.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!secure && !socket.destroyed) socket.destroy(connectTimeoutError(ms));
        }),
      ms,
    );
    const shared = setInterval(() => {
      if (!secure && !socket.destroyed && this.sharedFailure()) socket.destroy(connectTimeoutError(ms));
    }, SHARED_FAILURE_POLL_MS);
    shared.unref();
    const done = () => {
      secure = true;
      clearTimeout(timer);
      clearInterval(shared);
    };
    socket.once("secureConnect", done);
    socket.once("close", done);
    return socket;
  }
}

const PEM_ACCEPT = "application/x-pem-file, text/plain;q=0.9, */*;q=0.8";

/** Milliseconds as seconds for a message: "1.5", "5", "30". */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

/** Client for one HCP system's replication MAPI. */
export class MapiClient {
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
  readonly #slowNoticeMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  #requestCount = 0;
  #softwareVersion: string | undefined;
  /** The system's clock minus ours, from the last response's `Date` header. */
  #clockOffsetMs: number | undefined;

  constructor(options: MapiClientOptions) {
    if (!options || typeof options !== "object") throw new MapiConfigError("options", "must be an object");
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.#auth = authorizationHeader(options.username, options.password, options.authType ?? "local");
    this.format = options.format ?? "json";
    if (this.format !== "json" && this.format !== "xml") {
      throw new MapiConfigError("format", `must be "json" or "xml" (got ${JSON.stringify(options.format)})`);
    }
    this.#timeoutMs = positiveNumber("timeoutMs", options.timeoutMs, 30000);
    this.#connectTimeoutMs = positiveNumber("connectTimeoutMs", options.connectTimeoutMs, LIVE_SYSTEM_CONNECT_MS);
    this.#slowNoticeMs = positiveNumber("slowNoticeMs", options.slowNoticeMs, 8000);
    this.#reachability = options.reachability;
    this.#onSlowRequest = options.onSlowRequest;
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
      maxRedirects: 0,
      timeout: this.#timeoutMs,
      responseType: "text",
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

  /** Closes kept-alive connections. The client can still be used afterwards (it reconnects). */
  close(): void {
    this.#agent.destroy();
    this.#probeAgent.destroy();
  }

  /** Hides everything but the endpoint from `JSON.stringify` and logs. */
  toJSON(): { endpoint: string } {
    return { endpoint: this.endpoint };
  }

  // ---- service ------------------------------------------------------------------------------------

  /** `GET /mapi/services/replication` (verbose). */
  async getService(): Promise<ReplicationService> {
    const res = await this.#ok("GET", "?verbose=true");
    return decodeService(this.#parse(res), res.ctx);
  }

  /** The system's software version (`X-HCP-SoftwareVersion`) from the last response, or a cheap GET. */
  async softwareVersion(): Promise<string> {
    if (this.#softwareVersion === undefined) {
      const res = await this.#ok("GET", "");
      if (this.#softwareVersion === undefined) {
        throw new MapiResponseError({ ...res.ctx, field: "X-HCP-SoftwareVersion", problem: "missing header X-HCP-SoftwareVersion" });
      }
    }
    return this.#softwareVersion;
  }

  // ---- certificates -------------------------------------------------------------------------------

  /** This system's own replication server certificate (PEM). Needs the administrator role (documented). */
  async getServerCertificate(): Promise<string> {
    try {
      const res = await this.#ok("GET", `/certificates/${SERVER_CERTIFICATE_ID}`, { accept: PEM_ACCEPT });
      return extractPem(res.body, res.ctx);
    } catch (err) {
      if (!(err instanceof MapiHttpError) || err.status !== 403) throw err;
      const details = { status: err.status, method: err.method, url: err.url, path: err.path, ...(err.hcpErrorMessage !== undefined ? { hcpErrorMessage: err.hcpErrorMessage } : {}) };
      throw new MapiPermissionError(details, "administrator", "Downloading the replication server certificate (GET certificates/server)");
    }
  }

  /** The certificate list (trusted certificates; may include the local `server` entry). */
  async listCertificates(): Promise<CertificateInfo[]> {
    const res = await this.#ok("GET", "/certificates");
    return decodeCertificateList(this.#parse(res), res.ctx);
  }

  /** One certificate's PEM text by its opaque id. */
  async getCertificate(id: string): Promise<string> {
    const res = await this.#ok("GET", `/certificates/${seg(id)}`, { accept: PEM_ACCEPT });
    return extractPem(res.body, res.ctx);
  }

  /** Uploads a certificate to trust (`PUT certificates`, PEM body). 409 when already trusted. */
  async uploadCertificate(pem: string): Promise<void> {
    await this.#ok("PUT", "/certificates", { body: pem, contentType: CERTIFICATE_UPLOAD_CONTENT_TYPE });
  }

  /** Removes a trusted certificate. */
  async deleteCertificate(id: string): Promise<void> {
    await this.#ok("DELETE", `/certificates/${seg(id)}`);
  }

  // ---- links --------------------------------------------------------------------------------------

  /** Names of the links on this system. */
  async listLinks(): Promise<string[]> {
    const res = await this.#ok("GET", "/links");
    return decodeLinkList(this.#parse(res), res.ctx);
  }

  /** One link (verbose by default, to see id, status, statusMessage, suspended, statistics); null if absent. */
  async getLink(name: string, options: { verbose?: boolean } = {}): Promise<LinkView | null> {
    const verbose = options.verbose ?? true;
    const res = await this.#send("GET", `/links/${seg(name)}${verbose ? "?verbose=true" : ""}`);
    if (res.status === 404) return null;
    this.#expectOk(res);
    return decodeLink(this.#parse(res), res.ctx);
  }

  /** HEAD: whether the link exists (404 and 302 both mean absent). */
  async linkExists(name: string): Promise<boolean> {
    const res = await this.#send("HEAD", `/links/${seg(name)}`);
    if (HEAD_ABSENT_STATUSES.includes(res.status)) return false;
    this.#expectOk(res);
    return true;
  }

  /** Creates a link (`PUT links`); 409 if it exists. */
  async createLink(spec: LinkSpec): Promise<void> {
    const { body, contentType } = encodeLinkSpec(spec, this.format);
    await this.#ok("PUT", "/links", { body, contentType });
  }

  /** Modifies a link: only the supplied fields change. */
  async modifyLink(name: string, change: LinkModification): Promise<void> {
    const { body, contentType } = encodeLinkModification(change, this.format);
    await this.#ok("POST", `/links/${seg(name)}`, { body, contentType });
  }

  /** Deletes a link. */
  async deleteLink(name: string): Promise<void> {
    await this.#ok("DELETE", `/links/${seg(name)}`);
  }

  /** Tenants, default-namespace directories and chained links of a link. */
  async getLinkContent(name: string): Promise<LinkContent> {
    const res = await this.#ok("GET", `/links/${seg(name)}/content`);
    return decodeLinkContent(this.#parse(res), res.ctx);
  }

  /** Tenants and directories on this system that could still be added to a link (`localCandidates`). */
  async getLocalCandidates(name: string): Promise<LinkCandidates> {
    const res = await this.#ok("GET", `/links/${seg(name)}/localCandidates`);
    return decodeLinkCandidates(this.#parse(res), res.ctx);
  }

  /** Adds a tenant to a link (PUT, no body). */
  async addTenant(link: string, tenant: string): Promise<void> {
    await this.#ok("PUT", `/links/${seg(link)}/content/tenants/${seg(tenant)}`);
  }

  /** Removes a tenant from a link. */
  async removeTenant(link: string, tenant: string): Promise<void> {
    await this.#ok("DELETE", `/links/${seg(link)}/content/tenants/${seg(tenant)}`);
  }

  /** Adds a default-namespace directory to a link (PUT, no body). */
  async addDirectory(link: string, directory: string): Promise<void> {
    await this.#ok("PUT", `/links/${seg(link)}/content/defaultNamespaceDirectories/${seg(directory)}`);
  }

  /** Removes a default-namespace directory from a link. */
  async removeDirectory(link: string, directory: string): Promise<void> {
    await this.#ok("DELETE", `/links/${seg(link)}/content/defaultNamespaceDirectories/${seg(directory)}`);
  }

  /** Replication status of one tenant on a link. */
  async getTenantStatus(link: string, tenant: string): Promise<TenantReplicationStatus> {
    const res = await this.#ok("GET", `/links/${seg(link)}/content/tenants/${seg(tenant)}`);
    return decodeTenantStatus(this.#parse(res), res.ctx);
  }

  /**
   * Pauses (`?pause`) or resumes (`?resume`) the replication of one tenant on a link: `POST
   * links/<link>/content/tenants/<tenant>?pause|resume`, no body (hcp-workflows.md 3c). Sent exactly once.
   */
  async setTenantPaused(link: string, tenant: string, paused: boolean): Promise<void> {
    await this.#ok("POST", `/links/${seg(link)}/content/tenants/${seg(tenant)}?${paused ? "pause" : "resume"}`);
  }

  /**
   * Runs a link action: `POST links/<link>?<action>`, no body, no Content-Type. Sent exactly once.
   * `spelling`: another documented query parameter for the same action (ACTION_SPELLINGS, e.g. `beginRecover`).
   */
  async runLinkAction(name: string, action: LinkAction, spelling?: string): Promise<void> {
    if (!LINK_ACTIONS.includes(action)) {
      throw new MapiConfigError("action", `must be one of ${LINK_ACTIONS.join(", ")} (got ${JSON.stringify(action)})`);
    }
    const parameter = spelling ?? action;
    if (!ACTION_SPELLINGS[action].includes(parameter)) {
      throw new MapiConfigError("spelling", `${action} is spelt ${ACTION_SPELLINGS[action].join(" or ")} (got ${JSON.stringify(spelling)})`);
    }
    await this.#ok("POST", `/links/${seg(name)}?${parameter}`);
  }

  // ---- transport ----------------------------------------------------------------------------------

  #parse(res: RawResponse) {
    return parseBody(res.body, res.contentType, res.ctx);
  }

  async #ok(method: Method, path: string, options: SendOptions = {}): Promise<RawResponse> {
    const res = await this.#send(method, path, options);
    this.#expectOk(res);
    return res;
  }

  #expectOk(res: RawResponse): void {
    if (res.status >= 200 && res.status < 300) return;
    throw new MapiHttpError({
      status: res.status,
      method: res.ctx.method,
      url: res.ctx.url,
      path: res.ctx.path,
      statusText: res.statusText,
      ...(res.hcpErrorMessage !== undefined ? { hcpErrorMessage: res.hcpErrorMessage } : {}),
      ...(res.softwareVersion !== undefined ? { softwareVersion: res.softwareVersion } : {}),
    });
  }

  async #send(method: Method, path: string, options: SendOptions = {}): Promise<RawResponse> {
    const url = `${this.endpoint}${MAPI_REPLICATION_PATH}${path}`;
    const ctx: WireContext = { method, url, path: `${MAPI_REPLICATION_PATH}${path}` };
    const safe = method === "GET" || method === "HEAD";
    const attempts = 1 + (safe ? this.#retries : 0);
    const headers: Record<string, string | false> = {
      Authorization: this.#auth,
      Accept: options.accept ?? (this.format === "json" ? "application/json" : "application/xml"),
      "User-Agent": "pulumi-hcp-replication",
      // No Content-Type without a body (axios would otherwise add a form type to POST/PUT).
      "Content-Type": options.body !== undefined ? (options.contentType ?? "application/json") : false,
    };
    for (let attempt = 1; ; attempt++) {
      const admission = this.#reachability?.admit(this.endpoint) ?? { kind: "send" };
      if (admission.kind === "skip") {
        throw new MapiNotTriedError({ ...ctx, causeMessage: admission.reason, failedAgoMs: admission.failedAgoMs, retryAt: admission.retryAt });
      }
      this.#requestCount++;
      let response: AxiosResponse<unknown>;
      const slow = this.#noticeWhileSlow(ctx, admission.kind === "probe");
      try {
        response = await this.#http.request({
          method,
          url,
          headers,
          data: options.body,
          ...(admission.kind === "probe" ? { httpsAgent: this.#probeAgent } : {}),
        });
      } catch (err) {
        const mapped = mapTransportError(err, ctx, this.#timeoutMs);
        const connectFailed = mapped instanceof MapiConnectTimeoutError || (mapped instanceof MapiUnreachableError && CONNECT_FAILURE_CODES.has(mapped.code ?? ""));
        if (connectFailed) this.#reachability?.failed(this.endpoint, mapped.message);
        else this.#reachability?.connected(this.endpoint);
        // A timeout already waited and a TLS failure will not heal: neither is retried. Nor is a refused
        // connection or one that failed to start: a system that is down (the core failover case) would
        // cost every read seconds.
        const retryable =
          mapped instanceof MapiUnreachableError &&
          !(mapped instanceof MapiTlsError) &&
          !(mapped instanceof MapiTimeoutError) &&
          !connectFailed &&
          mapped.code !== "ECONNREFUSED";
        if (safe && retryable && attempt < attempts) {
          await delay(this.#backoff(attempt));
          continue;
        }
        throw mapped;
      } finally {
        slow.stop();
      }
      this.#reachability?.connected(this.endpoint);
      const res = toRaw(response, ctx);
      if (res.softwareVersion !== undefined) this.#softwareVersion = res.softwareVersion;
      const serverDate = Date.parse(header(response, "date") ?? "");
      if (Number.isFinite(serverDate)) this.#clockOffsetMs = serverDate - Date.now();
      if (safe && res.status === 503 && attempt < attempts) {
        await delay(this.#backoff(attempt));
        continue;
      }
      return res;
    }
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

/**
 * One TLS context per private CA, shared by every client: building it parses the public roots plus the
 * CA, which would otherwise happen again for each client and each connection.
 */
const secureContexts = new Map<string, SecureContext>();

function secureContextTrusting(caCertificate: string): SecureContext {
  let context = secureContexts.get(caCertificate);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, caCertificate] });
    secureContexts.set(caCertificate, context);
  }
  return context;
}

function header(response: AxiosResponse<unknown>, name: string): string | undefined {
  const value = (response.headers as Record<string, unknown>)[name.toLowerCase()];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function toRaw(response: AxiosResponse<unknown>, ctx: WireContext): RawResponse {
  const data = response.data;
  return {
    status: response.status,
    statusText: response.statusText ?? "",
    body: typeof data === "string" ? data : data === undefined || data === null ? "" : String(data),
    contentType: header(response, "content-type"),
    hcpErrorMessage: header(response, "x-hcp-errormessage"),
    softwareVersion: header(response, "x-hcp-softwareversion"),
    ctx,
  };
}

/** Maps an axios/network failure to a MAPI error, copying only its code and message. */
function mapTransportError(err: unknown, ctx: WireContext, timeoutMs: number): MapiError {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; cause?: unknown; [CONNECT_TIMEOUT]?: number };
  const code = typeof e.code === "string" ? e.code : undefined;
  const causeMessage = typeof e.message === "string" && e.message ? e.message : "request failed";
  const details = { method: ctx.method, url: ctx.url, path: ctx.path, ...(code ? { code } : {}), causeMessage };
  const connectTimeoutMs = e[CONNECT_TIMEOUT] ?? (e.cause as { [CONNECT_TIMEOUT]?: number } | undefined)?.[CONNECT_TIMEOUT];
  if (connectTimeoutMs !== undefined) return new MapiConnectTimeoutError({ ...details, connectTimeoutMs });
  if (
    (code && TIMEOUT_CODES.has(code)) ||
    (code === "ECONNABORTED" && /timeout/i.test(causeMessage))
  ) {
    return new MapiTimeoutError({ ...details, timeoutMs });
  }
  if (isTlsCode(code)) return new MapiTlsError(details);
  if ((code && NETWORK_CODES.has(code)) || /socket hang up|network/i.test(causeMessage)) {
    return new MapiUnreachableError(details);
  }
  return new MapiError(`${ctx.method} ${ctx.url} failed: ${causeMessage}`, { ...(code ? { code } : {}), message: causeMessage });
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
