import { createServer as createNetServer, type AddressInfo } from "node:net";
import { inspect } from "node:util";
import { MapiClient, type MapiClientOptions } from "../../provider/mapi/client";
import {
  MapiConfigError,
  MapiError,
  MapiHttpError,
  MapiResponseError,
  MapiTimeoutError,
  MapiTlsError,
  MapiUnreachableError,
} from "../../provider/mapi/errors";
import { makeCa, makeSelfSigned, makeServerCert, type Issued } from "./helpers/certs";
import { hcpError, json, startServer, VERSION, xml, type TestServer } from "./helpers/server";

const USER = "lgreen";
const PASSWORD = "p4ssw0rd";
const AUTH = "HCP bGdyZWVu:2a9d119df47ff993b662a8ef36f9ea20";
const MD5 = "2a9d119df47ff993b662a8ef36f9ea20";
const BASE = "/mapi/services/replication";

const LINK = {
  name: "l1",
  type: "INBOUND",
  connection: { remoteHost: "10.0.0.1" },
  compression: false,
  encryption: false,
  priority: "OLDEST_FIRST",
  failoverSettings: {},
  statusMessage: "Receiving data",
  suspended: false,
};

let ca: Issued;
let otherCa: Issued;
let server: TestServer;
const clients: MapiClient[] = [];

function client(extra: Partial<MapiClientOptions> = {}): MapiClient {
  const c = new MapiClient({
    endpoint: server.endpoint,
    username: USER,
    password: PASSWORD,
    caCertificate: ca.certPem,
    retryDelayMs: 5,
    timeoutMs: 5000,
    ...extra,
  });
  clients.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<MapiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MapiError);
    return err as MapiError;
  }
  throw new Error("expected a rejection");
}

/** Every way an error could be shown: none may carry a secret. */
function assertNoSecrets(err: unknown): void {
  const e = err as Error;
  const views = [e.message, String(e), e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), JSON.stringify((e as { cause?: unknown }).cause ?? null)];
  for (const view of views) {
    expect(view).not.toContain(PASSWORD);
    expect(view).not.toContain(AUTH);
    expect(view).not.toContain(MD5);
    expect(view).not.toContain("Authorization");
    expect(view).not.toContain("httpsAgent");
  }
}

beforeAll(async () => {
  ca = makeCa("HCP test CA");
  otherCa = makeCa("Some other CA");
  const leaf = makeServerCert(ca);
  server = await startServer({ key: leaf.keyPem, cert: leaf.certPem });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
  server.handle(() => json(LINK));
});

describe("beforeChange (an orphaned provider sends nothing)", () => {
  it("is awaited before every changing request, not before a read, and a rejection keeps the request from going out", async () => {
    const asked: string[] = [];
    let allow = true;
    const c = client({
      beforeChange: async (request) => {
        asked.push(request);
        if (!allow) throw new Error("the engine is gone");
      },
    });
    await c.getLink("l1");
    server.handle(() => ({ status: 200 }));
    await c.runLinkAction("l1", "failOver");
    expect(asked).toEqual([`POST ${BASE}/links/l1?failOver to ${server.endpoint}`]);
    allow = false;
    const sent = server.requests.length;
    await expect(c.runLinkAction("l1", "beginRecovery")).rejects.toThrow("the engine is gone");
    expect(server.requests.length).toBe(sent);
  });
});

describe("requests", () => {
  it("sends the auth header, asks for JSON and reads a verbose link", async () => {
    const c = client();
    const link = await c.getLink("l1", { verbose: true });
    expect(link).toMatchObject({ name: "l1", type: "INBOUND", statusMessage: "Receiving data", suspended: false });
    expect(server.requests[0]).toMatchObject({ method: "GET", url: `${BASE}/links/l1?verbose=true` });
    expect(server.requests[0].headers.authorization).toBe(AUTH);
    expect(server.requests[0].headers.accept).toBe("application/json");
    expect(c.requestCount).toBe(1);
    expect(c.lastSoftwareVersion).toBe(VERSION);
  });

  it("speaks XML when asked to, and decodes XML even when JSON was requested", async () => {
    server.handle(() => xml(`<link><name>l1</name><type>OUTBOUND</type><connection><remoteHost>h</remoteHost></connection><suspended>true</suspended></link>`));
    const x = client({ format: "xml" });
    expect(await x.getLink("l1", { verbose: false })).toMatchObject({ name: "l1", type: "OUTBOUND", suspended: true });
    expect(server.requests[0].headers.accept).toBe("application/xml");
    expect(server.requests[0].url).toBe(`${BASE}/links/l1`);
    expect(await client().getLink("l1")).toMatchObject({ suspended: true });
  });

  it("sends AD credentials as AD user@domain:password", async () => {
    await client({ username: "lgreen@corp.example.com", authType: "ad" }).listLinks();
    expect(server.requests[0].headers.authorization).toBe(`AD lgreen@corp.example.com:${PASSWORD}`);
  });

  it("getLink is null on 404; linkExists is false on 404 and 302", async () => {
    const c = client();
    server.script(hcpError(404, "Link not found"), { status: 200 }, { status: 404 }, { status: 302, headers: { Location: "/x" } });
    expect(await c.getLink("nope")).toBeNull();
    expect(await c.linkExists("l1")).toBe(true);
    expect(await c.linkExists("nope")).toBe(false);
    expect(await c.linkExists("nope")).toBe(false);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "HEAD", "HEAD", "HEAD"]);
  });

  it("runs each link action as POST links/<l>?<action> with no body and no Content-Type", async () => {
    const c = client();
    server.handle(() => ({ status: 200 }));
    for (const action of ["suspend", "resume", "failOver", "failBack", "beginRecovery", "completeRecovery", "restore"] as const) {
      await c.runLinkAction("link ab", action);
    }
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(
      ["suspend", "resume", "failOver", "failBack", "beginRecovery", "completeRecovery", "restore"].map((a) => `POST ${BASE}/links/link%20ab?${a}`),
    );
    for (const r of server.requests) {
      expect(r.body).toBe("");
      expect(r.headers["content-type"]).toBeUndefined();
    }
    await expect(c.runLinkAction("l1", "explode" as never)).rejects.toThrow(MapiConfigError);
    expect(server.requests).toHaveLength(7);
  });

  it("creates and modifies links with JSON or XML bodies", async () => {
    server.handle(() => ({ status: 200 }));
    await client().createLink({ name: "l1", type: "OUTBOUND", connection: { remoteHost: "10.0.0.2" }, compression: true });
    await client().modifyLink("l1", { priority: "FAIR" });
    await client({ format: "xml" }).modifyLink("l1", { encryption: true });
    await client().deleteLink("l1");
    const [create, modify, modifyXml, del] = server.requests;
    expect(create).toMatchObject({ method: "PUT", url: `${BASE}/links` });
    expect(create.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(create.body)).toEqual({ name: "l1", type: "OUTBOUND", connection: { remoteHost: "10.0.0.2" }, compression: true });
    expect(modify).toMatchObject({ method: "POST", url: `${BASE}/links/l1` });
    expect(JSON.parse(modify.body)).toEqual({ priority: "FAIR" });
    expect(modifyXml.headers["content-type"]).toBe("application/xml");
    expect(modifyXml.body).toBe('<?xml version="1.0" encoding="UTF-8"?><link><encryption>true</encryption></link>');
    expect(del).toMatchObject({ method: "DELETE", url: `${BASE}/links/l1` });
  });

  it("reads and changes link content", async () => {
    const c = client();
    server.script(
      json({ tenants: { name: ["t1"] }, defaultNamespaceDirectories: { name: ["d1"] }, chainedLinks: { name: [] } }),
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
      json({ status: "REPLICATING", objectsPending: 0 }),
    );
    expect(await c.getLinkContent("l1")).toEqual({ tenants: ["t1"], defaultNamespaceDirectories: ["d1"], chainedLinks: [] });
    await c.addTenant("l1", "t2");
    await c.removeTenant("l1", "t2");
    await c.addDirectory("l1", "dir one");
    await c.removeDirectory("l1", "dir one");
    expect(await c.getTenantStatus("l1", "t1")).toEqual({ status: "REPLICATING", objectsPending: 0 });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${BASE}/links/l1/content`,
      `PUT ${BASE}/links/l1/content/tenants/t2`,
      `DELETE ${BASE}/links/l1/content/tenants/t2`,
      `PUT ${BASE}/links/l1/content/defaultNamespaceDirectories/dir%20one`,
      `DELETE ${BASE}/links/l1/content/defaultNamespaceDirectories/dir%20one`,
      `GET ${BASE}/links/l1/content/tenants/t1`,
    ]);
    expect(server.requests[1].headers["content-type"]).toBeUndefined();
  });

  it("reads a link's local candidates in XML and JSON", async () => {
    server.script(
      xml(`<localCandidates><tenants><name>t1</name><name>t2</name></tenants><defaultNamespaceDirectories><name>d1</name></defaultNamespaceDirectories></localCandidates>`),
      json({ tenants: { name: "t1" }, defaultNamespaceDirectories: { name: [] } }),
      xml(`<localCandidates><tenants/></localCandidates>`),
      xml(`<content><tenants/></content>`),
    );
    expect(await client({ format: "xml" }).getLocalCandidates("l 1")).toEqual({ tenants: ["t1", "t2"], defaultNamespaceDirectories: ["d1"] });
    expect(await client().getLocalCandidates("l1")).toEqual({ tenants: ["t1"], defaultNamespaceDirectories: [] });
    expect(await client().getLocalCandidates("l1")).toEqual({ tenants: [], defaultNamespaceDirectories: [] });
    const wrongRoot = await rejection(client().getLocalCandidates("l1"));
    expect(wrongRoot).toBeInstanceOf(MapiResponseError);
    expect(wrongRoot.message).toContain("expected XML root <localCandidates>, found <content>");
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${BASE}/links/l%201/localCandidates`,
      ...Array(3).fill(`GET ${BASE}/links/l1/localCandidates`),
    ]);
  });

  it("handles certificates: server PEM, list, one PEM, upload (409 twice), delete", async () => {
    const replication = makeSelfSigned("hcp-a replication");
    const c = client();
    server.script(
      { status: 200, headers: { "Content-Type": "application/x-pem-file" }, body: replication.certPem },
      json({ certificate: [{ id: "server", subjectDN: "CN=hcp-a", validOn: "2025-01-01T00:00:00Z", expiresOn: "2026-01-01T00:00:00Z" }] }),
      { status: 200, headers: { "Content-Type": "application/x-pem-file" }, body: replication.certPem },
      { status: 200 },
      hcpError(409, "Certificate already exists"),
      { status: 200 },
    );
    expect(await c.getServerCertificate()).toBe(replication.certPem.replace(/\r\n/g, "\n").trimEnd() + "\n");
    expect(await c.listCertificates()).toEqual([{ id: "server", subjectDN: "CN=hcp-a", validOn: "2025-01-01T00:00:00Z", expiresOn: "2026-01-01T00:00:00Z" }]);
    expect(await c.getCertificate("ab/12")).toContain("BEGIN CERTIFICATE");
    await c.uploadCertificate(replication.certPem);
    const dup = await rejection(c.uploadCertificate(replication.certPem));
    expect(dup).toBeInstanceOf(MapiHttpError);
    expect((dup as MapiHttpError).status).toBe(409);
    await c.deleteCertificate("ab12");
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${BASE}/certificates/server`,
      `GET ${BASE}/certificates`,
      `GET ${BASE}/certificates/ab%2F12`,
      `PUT ${BASE}/certificates`,
      `PUT ${BASE}/certificates`,
      `DELETE ${BASE}/certificates/ab12`,
    ]);
    expect(server.requests[3].headers["content-type"]).toBe("application/xml"); // as the documented upload example
    expect(server.requests[3].body).toBe(replication.certPem);
  });

  it("reports the software version from the last response, or reads it with one cheap GET", async () => {
    server.handle(() => ({ status: 200, headers: { "X-HCP-SoftwareVersion": "7.3.1", "Content-Type": "application/json" }, body: "{}" }));
    const c = client();
    expect(c.lastSoftwareVersion).toBeUndefined();
    expect(await c.softwareVersion()).toBe("7.3.1");
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${BASE}`]);
    expect(await c.softwareVersion()).toBe("7.3.1");
    expect(c.requestCount).toBe(1);
    expect(await c.getService()).toEqual({});
  });

  it("raises MapiResponseError naming the field for a malformed answer", async () => {
    server.handle(() => json({ name: "l1", connection: { remoteHost: "x" } }));
    const err = await rejection(client().getLink("l1"));
    expect(err).toBeInstanceOf(MapiResponseError);
    expect((err as MapiResponseError).field).toBe("link.type");
    expect(err.message).toBe(`Malformed response from GET ${server.endpoint}${BASE}/links/l1?verbose=true: missing field link.type`);
    server.handle(() => ({ status: 200, headers: { "Content-Type": "application/xml" }, body: "<link><name>" }));
    expect((await rejection(client().getLink("l1"))).message).toContain("not well-formed XML");
  });
});

describe("errors", () => {
  it.each([
    [400, "POST", "Link l1 is not failed over: beginRecovery needs a failed-over link"],
    [403, "GET", "Authentication failed"],
    [404, "DELETE", "Link l9 does not exist"],
    [409, "PUT", "Link l1 already exists"],
    [503, "POST", "Service unavailable"],
  ])("maps %i with X-HCP-ErrorMessage to MapiHttpError", async (status, method, message) => {
    server.handle(() => hcpError(status, message));
    const c = client({ retries: 0 });
    const call =
      method === "POST" ? c.runLinkAction("l1", "beginRecovery") : method === "GET" ? c.listLinks() : method === "DELETE" ? c.deleteLink("l9") : c.createLink({ name: "l1", type: "OUTBOUND", connection: { remoteHost: "h" } });
    const err = (await rejection(call)) as MapiHttpError;
    expect(err).toBeInstanceOf(MapiHttpError);
    expect(err.name).toBe("MapiHttpError");
    expect(err.status).toBe(status);
    expect(err.method).toBe(method);
    expect(err.hcpErrorMessage).toBe(message);
    expect(err.softwareVersion).toBe(VERSION);
    const path = server.requests[0].url;
    expect(err.path).toBe(path);
    expect(err.url).toBe(`${server.endpoint}${path}`);
    expect(err.message).toBe(`HTTP ${status} from ${method} ${server.endpoint}${path}: ${message}`);
    assertNoSecrets(err);
  });

  it("the reference example message", async () => {
    server.handle(() => hcpError(400, "Invalid action for link state"));
    const err = await rejection(client().runLinkAction("l1", "beginRecovery"));
    expect(err.message).toBe(`HTTP 400 from POST ${server.endpoint}/mapi/services/replication/links/l1?beginRecovery: Invalid action for link state`);
  });

  it("without X-HCP-ErrorMessage, the status text stands in", async () => {
    server.handle(() => ({ status: 500 }));
    const err = await rejection(client().deleteLink("l1"));
    expect(err.message).toBe(`HTTP 500 from DELETE ${server.endpoint}${BASE}/links/l1: Internal Server Error`);
  });
});

describe("retries", () => {
  it("retries a read on 503 with backoff, then succeeds", async () => {
    server.script(hcpError(503, "busy"), hcpError(503, "busy"), json({ name: ["l1"] }));
    const c = client({ retries: 3 });
    expect(await c.listLinks()).toEqual(["l1"]);
    expect(server.requests).toHaveLength(3);
    expect(c.requestCount).toBe(3);
  });

  it("gives up on a read after the configured retries", async () => {
    server.handle(() => hcpError(503, "busy"));
    const c = client({ retries: 2 });
    const err = (await rejection(c.getLink("l1"))) as MapiHttpError;
    expect(err.status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it("retries HEAD too", async () => {
    server.script(hcpError(503, "busy"), { status: 200 });
    expect(await client().linkExists("l1")).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("sends a POST exactly once after a 503", async () => {
    server.handle(() => hcpError(503, "busy"));
    const c = client({ retries: 5 });
    const err = (await rejection(c.runLinkAction("l1", "failOver"))) as MapiHttpError;
    expect(err.status).toBe(503);
    expect(server.requests).toHaveLength(1);
    expect(c.requestCount).toBe(1);
  });

  it("never retries PUT, POST or DELETE after a connection reset, but retries GET", async () => {
    server.handle(() => "destroy");
    const c = client({ retries: 2 });
    for (const call of [() => c.createLink({ name: "l1", type: "OUTBOUND", connection: { remoteHost: "h" } }), () => c.modifyLink("l1", { priority: "FAIR" }), () => c.deleteLink("l1")]) {
      server.requests.length = 0;
      const err = await rejection(call());
      expect(err).toBeInstanceOf(MapiUnreachableError);
      expect(server.requests).toHaveLength(1);
    }
    server.requests.length = 0;
    server.script("destroy", json({ name: [] }));
    expect(await c.listLinks()).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });
});

describe("reachability", () => {
  async function closedPort(): Promise<number> {
    const s = createNetServer();
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  }

  it("a closed port is MapiUnreachableError with the cause code only", async () => {
    const port = await closedPort();
    const c = client({ endpoint: `https://127.0.0.1:${port}`, retries: 1 });
    const err = (await rejection(c.getLink("l1"))) as MapiUnreachableError;
    expect(err).toBeInstanceOf(MapiUnreachableError);
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.cause).toEqual({ code: "ECONNREFUSED", message: expect.stringContaining("ECONNREFUSED") });
    expect(err.message).toMatch(new RegExp(`^Cannot reach https://127\\.0\\.0\\.1:${port}${BASE}/links/l1\\?verbose=true \\(GET\\): connect ECONNREFUSED`));
    expect(c.requestCount).toBe(1); // a refused connection is not retried, even for a read
    assertNoSecrets(err);
  });

  it("no answer within timeoutMs is MapiTimeoutError (a MapiUnreachableError)", async () => {
    server.handle(() => "hang");
    const c = client({ timeoutMs: 300, retries: 0 });
    const err = (await rejection(c.getLink("l1"))) as MapiTimeoutError;
    expect(err).toBeInstanceOf(MapiTimeoutError);
    expect(err.timeoutMs).toBe(300); // it gave up at its own timeout, once
    expect(c.requestCount).toBe(1);
    expect(err).toBeInstanceOf(MapiUnreachableError);
    expect(err.timeoutMs).toBe(300);
    expect(err.message).toBe(`No answer from GET ${server.endpoint}${BASE}/links/l1?verbose=true within 300 ms (timeoutMs)`);
    assertNoSecrets(err);
  });

  it("a timed-out read is not retried either (it already waited timeoutMs)", async () => {
    server.handle(() => "hang");
    const c = client({ timeoutMs: 200, retries: 3 });
    expect(await rejection(c.listLinks())).toBeInstanceOf(MapiTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("a timed-out POST is not resent", async () => {
    server.handle(() => "hang");
    const c = client({ timeoutMs: 200, retries: 3 });
    await rejection(c.runLinkAction("l1", "completeRecovery"));
    expect(server.requests).toHaveLength(1);
  });
});

describe("TLS", () => {
  it("fails closed against a certificate from another CA, without sending the request", async () => {
    const c = client({ caCertificate: otherCa.certPem });
    const err = await rejection(c.getLink("l1"));
    expect(err).toBeInstanceOf(MapiTlsError);
    expect(err.message).toContain("TLS verification failed");
    expect(err.message).toContain("caCertificate");
    expect(server.requests).toHaveLength(0);
    expect(c.requestCount).toBe(1); // TLS failures are not retried
    assertNoSecrets(err);
  });

  it("fails closed with only the public roots", async () => {
    const c = new MapiClient({ endpoint: server.endpoint, username: USER, password: PASSWORD, retries: 0 });
    clients.push(c);
    expect(await rejection(c.listLinks())).toBeInstanceOf(MapiTlsError);
    expect(server.requests).toHaveLength(0);
  });

  it("accepts the private CA given as caCertificate", async () => {
    expect(await client({ caCertificate: ca.certPem }).getLink("l1")).toMatchObject({ name: "l1" });
  });

  it("skips verification only on explicit opt-in, with a warning", async () => {
    const warnings: string[] = [];
    const c = client({ caCertificate: undefined, insecureSkipTlsVerify: true, onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`TLS certificate verification is OFF for ${server.endpoint}`);
    expect(warnings[0]).toContain("insecureSkipTlsVerify");
    expect(warnings[0]).not.toContain(PASSWORD);
    expect(await c.getLink("l1")).toMatchObject({ name: "l1" });
    client();
    expect(warnings).toHaveLength(1);
  });
});

describe("secrets and options", () => {
  it("never shows credentials in the client or any error", async () => {
    const c = client();
    for (const view of [JSON.stringify(c), inspect(c, { depth: 10, showHidden: true }), String(c)]) {
      expect(view).not.toContain(PASSWORD);
      expect(view).not.toContain(MD5);
    }
    const errors: unknown[] = [];
    server.handle(() => hcpError(403, "Authentication failed"));
    errors.push(await rejection(c.listLinks()));
    server.handle(() => json({ nonsense: true }));
    errors.push(await rejection(c.getLink("l1")));
    server.handle(() => "destroy");
    errors.push(await rejection(c.runLinkAction("l1", "failOver")));
    errors.push(await rejection(client({ caCertificate: otherCa.certPem }).listLinks()));
    for (const err of errors) assertNoSecrets(err);
  });

  it("validates options by name before any request", () => {
    const make = (o: Partial<MapiClientOptions>) => () => new MapiClient({ endpoint: "https://h:9090", username: "u", password: "secret-pw", ...o });
    expect(make({ endpoint: "http://h:9090" })).toThrow('Invalid MAPI client option "endpoint": must use https (MAPI is HTTPS only), got http');
    expect(make({ endpoint: "not a url" })).toThrow('"endpoint"');
    expect(make({ endpoint: "https://u:secret-pw@h:9090" })).toThrow('Invalid MAPI client option "endpoint": must not contain credentials');
    try {
      make({ endpoint: "https://u:secret-pw@h:9090" })();
    } catch (err) {
      expect(String(err)).not.toContain("secret-pw");
    }
    expect(make({ timeoutMs: -1 })).toThrow('"timeoutMs"');
    expect(make({ retries: 1.5 })).toThrow('"retries"');
    expect(make({ caCertificate: "not pem" })).toThrow('"caCertificate"');
    expect(make({ format: "yaml" as never })).toThrow('"format"');
  });
});
