/**
 * Hostile and broken systems on real HTTPS: an endless body, a trickle of bytes, a redirect to another
 * host, a body that is not UTF-8. Each ends in a clear error naming the request, within the client's
 * bounds, with the memory bounded, and no credential in any view of the error.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { MapiClient } from "../../provider/mapi/client";
import { MapiError, MapiHttpError, MapiResponseError, MapiTimeoutError } from "../../provider/mapi/errors";
import { MAX_RESPONSE_BYTES } from "../../provider/mapi/transport";
import { makeCa, makeServerCert, type Issued } from "./helpers/certs";

const USER = "lgreen";
const PASSWORD = "p4ssw0rd-hostile";
const LINK = "/mapi/services/replication/links/link-ab";

let ca: Issued;
let leaf: Issued;
const servers: Server[] = [];
const clients: MapiClient[] = [];

beforeAll(() => {
  ca = makeCa("Hostile test CA");
  leaf = makeServerCert(ca);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ endpoint: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer({ key: leaf.keyPem, cert: leaf.certPem }, (req, res) => {
    requests.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function client(endpoint: string, extra: { timeoutMs?: number; connectTimeoutMs?: number } = {}): MapiClient {
  const c = new MapiClient({ endpoint, username: USER, password: PASSWORD, caCertificate: ca.certPem, retries: 0, timeoutMs: 5000, ...extra });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<MapiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MapiError);
  const e = err as MapiError;
  for (const view of [e.message, String(e), e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })]) {
    expect(view).not.toContain(PASSWORD);
    expect(view).not.toContain("Authorization");
  }
  return e;
}

test("an endless body ends in an error past the cap, and the memory stays bounded", async () => {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let written = 0;
  const { endpoint } = await serve((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write("{");
    const pump = () => {
      while (written < 64 * MAX_RESPONSE_BYTES && res.write(chunk)) written += chunk.length;
      if (written < 64 * MAX_RESPONSE_BYTES && !res.destroyed) res.once("drain", pump);
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  });
  global.gc?.();
  const before = process.memoryUsage().rss;
  const e = await failure(client(endpoint).getLink("link-ab"));
  const grew = process.memoryUsage().rss - before;
  expect(e).toBeInstanceOf(MapiResponseError);
  expect(e.message).toMatch(new RegExp(`^Malformed response from GET ${endpoint}${LINK.replace(/\//g, "\\/")}.*: the answer is longer than ${MAX_RESPONSE_BYTES} bytes`));
  expect(written).toBeLessThan(64 * MAX_RESPONSE_BYTES); // the client stopped reading
  expect(grew).toBeLessThan(16 * MAX_RESPONSE_BYTES);
});

test("a system that keeps the connection open and trickles bytes is bounded by the client's timeouts", async () => {
  const { endpoint } = await serve((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    const timer = setInterval(() => res.write(" "), 100); // each byte restarts an idle timeout
    res.on("close", () => clearInterval(timer));
  });
  const started = Date.now();
  const e = await failure(client(endpoint, { timeoutMs: 800, connectTimeoutMs: 400 }).getLink("link-ab"));
  const took = Date.now() - started;
  expect(e).toBeInstanceOf(MapiTimeoutError);
  expect(e.message).toContain(`GET ${endpoint}${LINK}`);
  expect(took).toBeGreaterThanOrEqual(1000);
  expect(took).toBeLessThan(5000);
});

test.each(["GET", "POST"] as const)("a redirect is never followed (%s): the other host receives nothing, the credentials stay home", async (method) => {
  const elsewhere = await serve((_req, res) => res.end("{}"));
  const { endpoint } = await serve((req, res) => {
    res.writeHead(method === "GET" ? 302 : 307, { Location: `${elsewhere.endpoint}${req.url}` });
    res.end();
  });
  const c = client(endpoint);
  const e = await failure(method === "GET" ? c.getLink("link-ab") : c.runLinkAction("link-ab", "failOver"));
  expect(e).toBeInstanceOf(MapiHttpError);
  expect(e.message).toMatch(/30[27]/);
  expect(elsewhere.requests).toHaveLength(0);
});

test("an answer that is not UTF-8 is refused naming the request, not read with replacement characters", async () => {
  const { endpoint } = await serve((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    // "Sending data" with one byte that cannot start a UTF-8 sequence.
    res.end(Buffer.concat([Buffer.from('{"name":"link-ab","type":"OUTBOUND","connection":{"remoteHost":"h"},"statusMessage":"Sending '), Buffer.from([0xff]), Buffer.from('data"}')]));
  });
  const e = await failure(client(endpoint).getLink("link-ab", { verbose: true }));
  expect(e).toBeInstanceOf(MapiResponseError);
  expect(e.message).toMatch(new RegExp(`GET ${endpoint}.*: the body is not valid UTF-8`));
});
