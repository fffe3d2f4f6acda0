/**
 * A man-in-the-middle HTTPS proxy in front of one simulated system, with a TLS certificate of its own CA:
 * it forwards every request and can replace chosen responses (malformed bodies, missing fields, unknown
 * status messages, swallowed actions) to see how the provider copes with a system that answers nonsense.
 */
import * as https from "https";
import type { IncomingHttpHeaders } from "http";
import type { AddressInfo } from "net";
import { makeCa, makeServerCert } from "../../mapi/helpers/certs";

export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/mapi/services/replication/links/link-ab?verbose=true`. */
  url: string;
}

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Replacement {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Decides a response: undefined passes the system's answer through; a replacement is sent instead. A
 * request for which `intercept` is true never reaches the system (the proxy answers it on its own).
 */
export type Mutation = {
  intercept?: (req: ProxiedRequest) => boolean;
  respond: (req: ProxiedRequest, upstream: Upstream | undefined) => Replacement | undefined;
};

export interface MitmProxy {
  endpoint: string;
  /** PEM of the CA that signed the proxy's certificate (the connection's caCertificate). */
  ca: string;
  /** Requests seen, in order. */
  seen: ProxiedRequest[];
  /** Replaces responses from now on (undefined: pass everything through). */
  mutate(mutation: Mutation | undefined): void;
  close(): Promise<void>;
}

let proxyCa: ReturnType<typeof makeCa> | undefined;
let proxyCert: ReturnType<typeof makeServerCert> | undefined;

export async function startProxy(target: string, targetCa: string): Promise<MitmProxy> {
  proxyCa ??= makeCa("Fault-suite proxy CA");
  proxyCert ??= makeServerCert(proxyCa);
  const agent = new https.Agent({ ca: targetCa, keepAlive: true });
  let mutation: Mutation | undefined;
  const seen: ProxiedRequest[] = [];
  const server = https.createServer({ key: proxyCert.keyPem, cert: proxyCert.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/" };
      seen.push(request);
      const current = mutation;
      const send = (upstream: Upstream | undefined) => {
        const replacement = current?.respond(request, upstream);
        if (replacement) {
          const body = replacement.body ?? "";
          res.writeHead(replacement.status ?? 200, { ...(upstream ? pickHeaders(upstream.headers) : {}), ...replacement.headers, "Content-Length": String(Buffer.byteLength(body)) });
          res.end(request.method === "HEAD" ? undefined : body);
        } else if (upstream) {
          res.writeHead(upstream.status, { ...pickHeaders(upstream.headers), ...(upstream.headers["content-type"] ? { "Content-Type": String(upstream.headers["content-type"]) } : {}), "Content-Length": String(Buffer.byteLength(upstream.body)) });
          res.end(request.method === "HEAD" ? undefined : upstream.body);
        } else {
          res.writeHead(502, { "X-HCP-ErrorMessage": "proxy: no upstream answer" });
          res.end();
        }
      };
      if (current?.intercept?.(request)) {
        send(undefined);
        return;
      }
      const headers = { ...req.headers };
      delete headers.host;
      const upstreamReq = https.request(`${target}${request.url}`, { method: request.method, headers, agent }, (up) => {
        const body: Buffer[] = [];
        up.on("data", (c: Buffer) => body.push(c));
        up.on("end", () => send({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(body).toString("utf8") }));
      });
      upstreamReq.on("error", () => req.socket.destroy());
      upstreamReq.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca: proxyCa.certPem,
    seen,
    mutate(m) {
      mutation = m;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The HCP headers worth passing on (not hop-by-hop or length headers). */
function pickHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["x-hcp-softwareversion", "x-hcp-errormessage", "date"]) {
    const v = headers[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}
