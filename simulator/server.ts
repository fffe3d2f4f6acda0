import type { IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { authenticate, requireRole } from "./auth";
import type { KeyAndCertificate } from "./certs";
import { handleControl, type ControlOps } from "./control";
import { DATA_ROUTES, type DataHandler } from "./dataplane";
import { SimError, forbidden, notFound } from "./errors";
import { operationParams, type MapiHandler } from "./mapi/context";
import { MAPI_ROUTES } from "./mapi/routes";
import { ADMINISTRATOR_ONLY_READS } from "./model/assumptions";
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

/** One HTTPS server socket that can be closed (connections refused) and opened again on the same port. */
export class Listener {
  private server: https.Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly tls: KeyAndCertificate,
    private readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void,
    /** 0 until the first start picks an ephemeral port, then fixed. */
    public port: number,
  ) {}

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens on 127.0.0.1; resolves with the port. */
  async start(): Promise<number> {
    if (this.server) return this.port;
    const server = https.createServer({ key: this.tls.keyPem, cert: this.tls.certPem }, this.onRequest);
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === "object") this.port = address.port;
    this.server = server;
    return this.port;
  }

  /** Closes the server socket and every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
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
