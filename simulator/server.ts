import type { IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import type { Socket } from "node:net";
import { authenticate, requireRole } from "./auth";
import type { KeyAndCertificate } from "./certs";
import { handleControl, type ControlOps } from "./control";
import { DATA_ROUTES, type DataHandler } from "./dataplane";
import { SimError, forbidden, notFound } from "./errors";
import { operationParams, type MapiHandler } from "./mapi/context";
import { MAPI_ROUTES } from "./mapi/routes";
import { ADMINISTRATOR_ONLY_READS, NO_REPLICATION_MAPI_MESSAGE, REPLICATION_MAPI_FROM_MAJOR, majorVersion } from "./model/assumptions";
import { advance } from "./model/replication";
import type { SystemModel } from "./model/system";
import type { World } from "./model/world";
import { handlerFor, matchRoute, type RouteMatch } from "./router";
import { encode, responseFormat, type Format, type Reply } from "./wire";

/**
 * HTTPS listeners and the request pipeline. Each system's port serves MAPI (`/mapi/...`), the data
 * plane (`/data/...`) and the control API (`/_sim/...`); the control endpoint serves `/_sim/` only.
 * Pipeline for a system request: count, latency, injected failure, body, auth, route, role, advance
 * the replication engine, handler, reply. Errors carry `X-HCP-ErrorMessage`.
 */

const MAX_URL_LENGTH = 4096;
const MAPI_BODY_LIMIT = 1024 * 1024;
const DATA_BODY_LIMIT = 64 * 1024 * 1024;

/** How a listener treats a connection: served, or held open and never answered (a black hole). */
export type ListenerMode = "serving" | "blackhole";

/**
 * One port that can be closed (connections refused), opened again on the same port, or made to
 * black-hole: accept TCP and never answer, neither the TLS handshake nor HTTP, as a site whose network
 * died often looks. A plain TCP server owns the port and hands each connection to the HTTPS server,
 * unless black-holed; held connections are destroyed when the mode changes or the port closes.
 */
export class Listener {
  private front: net.Server | undefined;
  private readonly https: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<Socket>();
  mode: ListenerMode = "serving";
  /** Connections accepted and held by black holes since the listener was made (or counters were cleared). */
  heldTotal = 0;

  constructor(
    tls: KeyAndCertificate,
    onRequest: (req: IncomingMessage, res: ServerResponse) => void,
    /** 0 until the first start picks an ephemeral port, then fixed. */
    public port: number,
  ) {
    this.https = https.createServer({ key: tls.keyPem, cert: tls.certPem }, onRequest);
  }

  get listening(): boolean {
    return this.front !== undefined;
  }

  /** Listens on 127.0.0.1 and serves; resolves with the port. */
  async start(): Promise<number> {
    this.setMode("serving");
    if (this.front) return this.port;
    const front = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      front.once("error", reject);
      front.listen(this.port, "127.0.0.1", () => {
        front.off("error", reject);
        resolve();
      });
    });
    const address = front.address();
    if (address && typeof address === "object") this.port = address.port;
    this.front = front;
    return this.port;
  }

  /** Keeps accepting connections but answers none; `start` serves again. Listens if closed. */
  async blackHole(): Promise<void> {
    await this.start();
    this.setMode("blackhole");
  }

  /** Closes the port and every open or held connection. */
  async stop(): Promise<void> {
    this.dropAll();
    const front = this.front;
    if (!front) return;
    this.front = undefined;
    await new Promise<void>((resolve) => front.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.mode === "blackhole") {
      // Read nothing: the client's TLS hello waits in the kernel and no byte ever comes back.
      socket.pause();
      this.held.add(socket);
      this.heldTotal += 1;
      socket.on("error", () => undefined);
      socket.on("close", () => this.held.delete(socket));
      return;
    }
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    this.https.emit("connection", socket);
  }

  private setMode(mode: ListenerMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    // A mode change drops every connection: served ones (so kept-alive clients meet the new mode) and held ones.
    this.dropAll();
  }

  private dropAll(): void {
    for (const socket of [...this.sockets, ...this.held]) socket.destroy();
    this.sockets.clear();
    this.held.clear();
  }
}

/** The request listener for a system's port (`systemName`) or for the control endpoint (undefined). */
export function requestHandler(ops: ControlOps, systemName: string | undefined): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ops, systemName, req, res).catch((error: unknown) => sendError(res, error));
  };
}

async function handle(ops: ControlOps, systemName: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const world = ops.world;
  const system = systemName ? world.system(systemName) : undefined;
  if (system) res.setHeader("X-HCP-SoftwareVersion", system.softwareVersion);
  res.setHeader("Date", new Date(world.clock.now()).toUTCString());
  const rawUrl = req.url ?? "/";
  if (rawUrl.length > MAX_URL_LENGTH) throw new SimError(414, "Request-URI too long");
  const url = new URL(rawUrl, "https://127.0.0.1");
  const method = req.method ?? "GET";
  if (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/")) {
    if (!isLoopback(req.socket.remoteAddress)) throw forbidden("The control API answers loopback clients only");
    const body = await readBody(req, MAPI_BODY_LIMIT);
    advance(world);
    const path = system ? url.pathname.replace(/^\/_sim\/self(?=\/|$)/, `/_sim/systems/${encodeURIComponent(system.name)}`) : url.pathname;
    send(res, await handleControl(ops, method, path, url.searchParams, body), method === "HEAD", "json", false);
    return;
  }
  if (!system) throw notFound("This is the control endpoint: MAPI and /data are on each system's own port");
  await serveSystem(world, system, method, url, req, res);
}

/** A path matched in MAPI or in the data plane. */
type Routed = { readonly area: "mapi"; readonly match: RouteMatch<MapiHandler> } | { readonly area: "data"; readonly match: RouteMatch<DataHandler> };

function routeOf(path: string): Routed | undefined {
  if (path === "/mapi" || path.startsWith("/mapi/")) {
    const match = matchRoute(MAPI_ROUTES, path);
    return match && { area: "mapi", match };
  }
  if (path === "/data" || path.startsWith("/data/")) {
    const match = matchRoute(DATA_ROUTES, path);
    return match && { area: "data", match };
  }
  return undefined;
}

async function serveSystem(world: World, system: SystemModel, method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const routed = routeOf(url.pathname);
  countRequest(system, method, routed?.match.route.template, url.searchParams);
  if (system.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, system.faults.latencyMs));
  if (url.pathname.startsWith("/mapi") && system.faults.failNext > 0) {
    system.faults.failNext -= 1;
    throw new SimError(system.faults.failStatus, "Service unavailable (failure injected by the simulator)");
  }
  const body = await readBody(req, routed?.area === "data" ? DATA_BODY_LIMIT : MAPI_BODY_LIMIT);
  const user = authenticate(headerValue(req.headers.authorization), system.users);
  if (!routed) throw notFound(`No such resource: ${url.pathname}`);
  // A release before the replication MAPI (REPLICATION_MAPI_FROM_MAJOR) does not have these resources.
  if (routed.area === "mapi" && url.pathname.startsWith("/mapi/services/replication") && majorVersion(system.softwareVersion) < REPLICATION_MAPI_FROM_MAJOR) {
    throw notFound(NO_REPLICATION_MAPI_MESSAGE);
  }
  const contentType = headerValue(req.headers["content-type"]);
  const params = routed.match.params;
  let reply: Reply;
  if (routed.area === "mapi") {
    const handler = handlerFor(routed.match.route, method);
    requireRole(user, (method !== "GET" && method !== "HEAD") || ADMINISTRATOR_ONLY_READS.includes(routed.match.route.template));
    advance(world);
    reply = handler({ world, system, params, query: url.searchParams, body, contentType, verbose: url.searchParams.get("verbose") === "true" });
  } else {
    const handler = handlerFor(routed.match.route, method);
    requireRole(user, false);
    advance(world);
    reply = handler({ world, system, params, body, contentType });
  }
  send(res, reply, method === "HEAD", responseFormat(headerValue(req.headers.accept)), url.searchParams.has("prettyprint"));
}

/** Counts a request under "METHOD template" plus its operation parameters ("POST …/links/{link}?failOver"). */
function countRequest(system: SystemModel, method: string, template: string | undefined, query: URLSearchParams): void {
  const operations = operationParams(query);
  const key = `${method} ${template ?? "(no route)"}${operations.length > 0 ? `?${operations.join("&")}` : ""}`;
  system.requests.total += 1;
  system.requests.byRoute.set(key, (system.requests.byRoute.get(key) ?? 0) + 1);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new SimError(413, `Request body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply, head: boolean, format: Format, pretty: boolean): void {
  let contentType: string | undefined;
  let body: string | Buffer = "";
  if (reply.doc) ({ contentType, body } = encode(reply.doc, format, pretty));
  else if (reply.raw) ({ contentType, body } = reply.raw);
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (contentType) res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(head ? undefined : body);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const simError =
    error instanceof SimError ? error : new SimError(500, `Internal simulator error: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof SimError)) console.error("hcp-simulator: internal error:", error instanceof Error ? error.stack : error);
  res.statusCode = simError.status;
  res.setHeader("X-HCP-ErrorMessage", headerSafe(simError.message));
  for (const [name, value] of Object.entries(simError.headers)) res.setHeader(name, value);
  res.setHeader("Content-Length", 0);
  res.end();
}

/** Header values must be printable ASCII. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 2000);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}
