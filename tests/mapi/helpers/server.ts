/** A scripted HTTPS server on 127.0.0.1:0 for MAPI client tests (real TLS). */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  /** Path and query, e.g. `/mapi/services/replication/links/l1?verbose=true`. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A reply, or: "hang" (never answer), "destroy" (reset the connection). */
export type Outcome = Reply | "hang" | "destroy";
export type Handler = (req: Recorded) => Outcome | Promise<Outcome>;

export interface TestServer {
  /** `https://127.0.0.1:<port>`. */
  endpoint: string;
  port: number;
  requests: Recorded[];
  /** Replace the handler. */
  handle(handler: Handler): void;
  /** Answer the next requests in order (then 500 "script exhausted"). */
  script(...outcomes: Outcome[]): void;
  close(): Promise<void>;
}

export const VERSION = "9.2.27";

export async function startServer(tls: { key: string; cert: string }, handler?: Handler): Promise<TestServer> {
  let current: Handler = handler ?? (() => ({ status: 200 }));
  const requests: Recorded[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: Recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(rec);
      Promise.resolve(current(rec)).then((outcome) => {
        if (outcome === "hang") {
          hanging.push(res);
          return;
        }
        if (outcome === "destroy") {
          req.socket.destroy();
          return;
        }
        const headers = { "X-HCP-SoftwareVersion": VERSION, ...(outcome.headers ?? {}) };
        res.writeHead(outcome.status ?? 200, headers);
        res.end(rec.method === "HEAD" ? undefined : (outcome.body ?? ""));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    port,
    requests,
    handle(h) {
      current = h;
    },
    script(...outcomes) {
      const queue = [...outcomes];
      current = () => queue.shift() ?? { status: 500, headers: { "X-HCP-ErrorMessage": "script exhausted" } };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const json = (value: unknown, status = 200): Reply => ({
  status,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(value),
});

export const xml = (text: string, status = 200): Reply => ({
  status,
  headers: { "Content-Type": "application/xml" },
  body: `<?xml version="1.0" encoding="UTF-8"?>${text}`,
});

export const hcpError = (status: number, message: string): Reply => ({
  status,
  headers: { "X-HCP-ErrorMessage": message },
});
