/**
 * MAPI client for HCP replication (`/mapi/services/replication`): the endpoint methods, each a request
 * and its decoding, over the transport (transport.ts: TLS, connect and response timeouts, admission,
 * retries of safe reads, notices). Changing requests (PUT/POST/DELETE) are sent exactly once: the caller
 * re-reads state before trying again. No error, property or log line carries the credentials.
 */
import { ACTION_SPELLINGS, CERTIFICATE_UPLOAD_CONTENT_TYPE, HEAD_ABSENT_STATUSES, SERVER_CERTIFICATE_ID } from "./assumptions";
import { MapiConfigError, MapiHttpError, MapiPermissionError, MapiResponseError } from "./errors";
import { MapiTransport, type MapiClientOptions, type Method, type RawResponse, type SendOptions } from "./transport";
import type {
  CertificateInfo,
  LinkAction,
  LinkCandidates,
  LinkContent,
  LinkModification,
  LinkScheduleView,
  LinkSpec,
  LinkView,
  ReplicationService,
  ScheduleOverride,
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
  decodeSchedule,
  decodeService,
  decodeTenantStatus,
  encodeBody,
  encodeLinkModification,
  encodeLinkSpec,
  extractPem,
  parseBody,
} from "./wire";

export { MAPI_REPLICATION_PATH, PROBE_CONNECT_TIMEOUT_MS, type MapiClientOptions } from "./transport";

const PEM_ACCEPT = "application/x-pem-file, text/plain;q=0.9, */*;q=0.8";

function seg(value: string): string {
  return encodeURIComponent(value);
}

/** Client for one HCP system's replication MAPI. */
export class MapiClient {
  readonly #transport: MapiTransport;

  constructor(options: MapiClientOptions) {
    this.#transport = new MapiTransport(options);
  }

  /** `https://host:port` of the system. */
  get endpoint(): string {
    return this.#transport.endpoint;
  }

  /** The account the requests are sent as. */
  get account(): string {
    return this.#transport.account;
  }

  /** Body format requested and sent. */
  get format(): WireFormat {
    return this.#transport.format;
  }

  /** Requests sent so far (each retry counts). */
  get requestCount(): number {
    return this.#transport.requestCount;
  }

  /** `X-HCP-SoftwareVersion` of the last response, if any response arrived yet. */
  get lastSoftwareVersion(): string | undefined {
    return this.#transport.lastSoftwareVersion;
  }

  /**
   * The system's current time (ms since the epoch) estimated from the `Date` header of the last response,
   * or undefined before any response. Link statistics (`upToDateAsOfMillis`) are on the system's clock.
   */
  serverNow(): number | undefined {
    return this.#transport.serverNow();
  }

  /** Closes kept-alive connections. The client can still be used afterwards (it reconnects). */
  close(): void {
    this.#transport.close();
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

  /** Changes replication service settings (`POST /mapi/services/replication` with a body: only the given fields change). */
  async modifyService(change: Pick<ReplicationService, "enableDNSFailover" | "connectivityTimeoutSeconds" | "verification">): Promise<void> {
    const { body, contentType } = encodeBody("replicationService", change, this.format);
    await this.#ok("POST", "", { body, contentType });
  }

  /**
   * Stops every link of this system (`POST …/replication?shutDownAllLinks=<reason>`, no body; hcp-workflows.md 3d):
   * no replication or recovery until {@link reestablishAllLinks}. `reason`: 1 to 1024 characters.
   */
  async shutDownAllLinks(reason: string): Promise<void> {
    if (typeof reason !== "string" || reason.length < 1 || reason.length > 1024) throw new MapiConfigError("reason", "must be 1 to 1024 characters");
    await this.#ok("POST", `?shutDownAllLinks=${encodeURIComponent(reason)}`);
  }

  /** Returns each link to its state before the shutdown (`POST …/replication?reestablishAllLinks`, no body). */
  async reestablishAllLinks(): Promise<void> {
    await this.#ok("POST", "?reestablishAllLinks");
  }

  /** The system's software version (`X-HCP-SoftwareVersion`) from the last response, or a cheap GET. */
  async softwareVersion(): Promise<string> {
    const known = this.lastSoftwareVersion;
    if (known !== undefined) return known;
    const res = await this.#ok("GET", "");
    if (res.softwareVersion === undefined) {
      throw new MapiResponseError({ ...res.ctx, field: "X-HCP-SoftwareVersion", problem: "missing header X-HCP-SoftwareVersion" });
    }
    return res.softwareVersion;
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

  /** A link's schedule overrides (`GET links/<l>/schedule`). */
  async getSchedule(link: string): Promise<LinkScheduleView> {
    const res = await this.#ok("GET", `/links/${seg(link)}/schedule`);
    return decodeSchedule(this.#parse(res), res.ctx);
  }

  /**
   * Sets one side's performance level override (`POST links/<l>/schedule`, only that side changes;
   * hcp-workflows.md 5: `local` is invalid for an inbound link, `remote` for an outbound one).
   */
  async setScheduleOverride(link: string, side: "local" | "remote", override: ScheduleOverride): Promise<void> {
    const { body, contentType } = encodeBody("schedule", { [side]: { scheduleOverride: override } }, this.format);
    await this.#ok("POST", `/links/${seg(link)}/schedule`, { body, contentType });
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

  // ---- requests -----------------------------------------------------------------------------------

  #send(method: Method, path: string, options: SendOptions = {}): Promise<RawResponse> {
    return this.#transport.send(method, path, options);
  }

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
}
