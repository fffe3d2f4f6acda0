import { XMLParser } from "fast-xml-parser";
import { Harness, errorMessage } from "./helpers";

/** Wire shapes (XML default, JSON on request), verbose-only fields, resource CRUD and status codes. */

let h: Harness;
const xml = new XMLParser({ parseTagValue: false });

beforeAll(async () => {
  h = await Harness.start({ timeSpeed: 0 });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

describe("link list and link", () => {
  test("list: XML by default, JSON on Accept", async () => {
    const asXml = await h.mapi("hcp-a", "GET", "/links");
    expect(asXml.status).toBe(200);
    expect(asXml.headers["content-type"]).toBe("application/xml");
    expect(asXml.body).toBe('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><links><name>link-ab</name></links>');
    const asJson = await h.mapi("hcp-a", "GET", "/links", { json: true });
    expect(asJson.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(asJson.body)).toEqual({ name: ["link-ab"] });
  });

  test("read-only fields only with verbose=true", async () => {
    const plain = JSON.parse((await h.mapi("hcp-a", "GET", "/links/link-ab", { json: true })).body) as Record<string, unknown>;
    expect(Object.keys(plain).sort()).toEqual(["compression", "connection", "description", "encryption", "failoverSettings", "name", "priority", "type"]);
    const verbose = (await h.link("hcp-a", "link-ab")) as Record<string, unknown>;
    expect(verbose).toMatchObject({ id: expect.any(String), status: "GOOD", statusMessage: "Sending data", suspended: false, type: "OUTBOUND" });
    expect(verbose["connection"]).toEqual({ remoteHost: "hcp-b.example.com", localHost: "hcp-a.example.com", remotePort: 5748, localPort: 5748 });
    expect(Object.keys(verbose["statistics"] as object).sort()).toEqual(
      [
        "bytesPending",
        "bytesPendingRemote",
        "bytesPerSecond",
        "bytesReplicated",
        "errors",
        "errorsPerSecond",
        "objectsPending",
        "objectsPendingRemote",
        "objectsReplicated",
        "objectsReplicatedAfterVerification", // 9.x (the default release)
        "objectsVerified",
        "operationsPerSecond",
        "upToDateAsOfMillis",
        "upToDateAsOfString",
      ].sort(),
    );
    const verboseXml = xml.parse((await h.mapi("hcp-b", "GET", "/links/link-ab?verbose=true")).body) as { link: Record<string, unknown> };
    expect(verboseXml.link).toMatchObject({ type: "INBOUND", statusMessage: "Receiving data", suspended: "false", status: "GOOD" });
    const plainXml = xml.parse((await h.mapi("hcp-b", "GET", "/links/link-ab")).body) as { link: Record<string, unknown> };
    expect(plainXml.link["statusMessage"]).toBeUndefined();
    expect(plainXml.link["id"]).toBeUndefined();
  });

  test("link names are case-insensitive; 404 and HEAD on unknown links", async () => {
    expect(await h.link("hcp-a", "LINK-AB")).toMatchObject({ name: "link-ab" });
    const missing = await h.mapi("hcp-a", "GET", "/links/nope");
    expect(missing.status).toBe(404);
    expect(errorMessage(missing)).toBe("Link 'nope' does not exist on hcp-a");
    expect(missing.headers["x-hcp-softwareversion"]).toBe("9.2.27");
    const head = await h.mapi("hcp-a", "HEAD", "/links/Link-AB");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    const headMissing = await h.mapi("hcp-a", "HEAD", "/links/nope");
    expect(headMissing.status).toBe(404);
    expect(errorMessage(headMissing)).toContain("does not exist");
  });

  test("create with XML: the primary sees OUTBOUND, the replica INBOUND; a duplicate is 409", async () => {
    const body =
      "<link><name>link-x</name><description>second</description><type>OUTBOUND</type>" +
      "<connection><remoteHost>hcp-b.example.com</remoteHost></connection><priority>FAIR</priority></link>";
    const created = await h.mapi("hcp-a", "PUT", "/links", { body, contentType: "application/xml" });
    expect(created.status).toBe(200);
    expect(created.body).toBe("");
    expect(await h.link("hcp-a", "link-x")).toMatchObject({ type: "OUTBOUND", priority: "FAIR", statusMessage: "Sending data" });
    expect(await h.link("hcp-b", "link-x")).toMatchObject({
      type: "INBOUND",
      description: "second",
      connection: { remoteHost: "hcp-a.example.com", localHost: "hcp-b.example.com" },
    });
    const again = await h.mapi("hcp-a", "PUT", "/links", { body, contentType: "application/xml" });
    expect(again.status).toBe(409);
    const onReplica = await h.mapi("hcp-b", "PUT", "/links", { body: body.replace("hcp-b.example.com", "hcp-a"), contentType: "application/xml" });
    expect(onReplica.status).toBe(409);
    // A link can be deleted only while it is suspended (hcp-workflows.md 3c).
    const refused = await h.mapi("hcp-a", "DELETE", "/links/LINK-X");
    expect(refused.status).toBe(400);
    expect(refused.headers["x-hcp-errormessage"]).toMatch(/it is not suspended/);
    expect((await h.action("hcp-a", "link-x", "suspend")).status).toBe(200);
    const deleted = await h.mapi("hcp-a", "DELETE", "/links/LINK-X");
    expect(deleted.status).toBe(200);
    expect((await h.mapi("hcp-b", "GET", "/links/link-x")).status).toBe(404);
  });

  test("create with JSON, then modify: only supplied fields change", async () => {
    const body = JSON.stringify({
      name: "link-j",
      type: "OUTBOUND",
      connection: { remoteHost: "hcp-b" },
      failoverSettings: { remote: { autoCompleteRecovery: true, autoCompleteRecoveryMinutes: 30 } },
    });
    expect((await h.mapi("hcp-a", "PUT", "/links", { body, contentType: "application/json; charset=utf-8" })).status).toBe(200);
    expect((await h.mapi("hcp-a", "POST", "/links/link-j", { body: '{"description":"changed"}', contentType: "application/json" })).status).toBe(200);
    const link = await h.link("hcp-a", "link-j");
    expect(link).toMatchObject({ description: "changed", priority: "OLDEST_FIRST", compression: false });
    expect((link?.["failoverSettings"] as Record<string, unknown>)["remote"]).toEqual({
      autoFailover: false,
      autoFailoverMinutes: 120,
      autoCompleteRecovery: true,
      autoCompleteRecoveryMinutes: 30,
    });
    // the replica's view has local and remote swapped
    expect(((await h.link("hcp-b", "link-j"))?.["failoverSettings"] as Record<string, unknown>)["local"]).toMatchObject({ autoCompleteRecovery: true });
  });

  test("bad bodies: 415 media type, 400 unknown or invalid property, 403 read-only property", async () => {
    const link = '{"name":"z","type":"OUTBOUND","connection":{"remoteHost":"hcp-b"}}';
    expect((await h.mapi("hcp-a", "PUT", "/links", { body: link, contentType: "text/plain" })).status).toBe(415);
    expect((await h.mapi("hcp-a", "PUT", "/links", { body: link })).status).toBe(415);
    const unknown = await h.mapi("hcp-a", "POST", "/links/link-ab", { body: "<link><bogus>1</bogus></link>", contentType: "application/xml" });
    expect(unknown.status).toBe(400);
    expect(errorMessage(unknown)).toContain("Invalid property: link.bogus");
    const invalid = await h.mapi("hcp-a", "POST", "/links/link-ab", { body: '{"compression":"yes"}', contentType: "application/json" });
    expect(invalid.status).toBe(400);
    expect(errorMessage(invalid)).toContain("link.compression");
    const readOnly = await h.mapi("hcp-a", "POST", "/links/link-ab", { body: '{"status":"GOOD"}', contentType: "application/json" });
    expect(readOnly.status).toBe(403);
    expect(errorMessage(readOnly)).toContain("read-only");
    const malformed = await h.mapi("hcp-a", "POST", "/links/link-ab", { body: "<link><name>", contentType: "application/xml" });
    expect(malformed.status).toBe(400);
    const retype = await h.mapi("hcp-a", "POST", "/links/link-ab", { body: '{"type":"INBOUND"}', contentType: "application/json" });
    expect(retype.status).toBe(400);
    const missing = await h.mapi("hcp-a", "PUT", "/links", { body: '{"name":"q","type":"OUTBOUND"}', contentType: "application/json" });
    expect(errorMessage(missing)).toBe("link.connection.remoteHost is required");
  });

  test("405 with Allow for a method a resource does not have; 404 for an unknown path", async () => {
    const result = await h.mapi("hcp-a", "DELETE", "/links");
    expect(result.status).toBe(405);
    expect(result.headers["allow"]).toBe("GET, HEAD, PUT");
    expect(errorMessage(result)).toContain("DELETE is not allowed");
    expect((await h.mapi("hcp-a", "GET", "/nothing")).status).toBe(404);
  });
});

describe("content, schedule, candidates", () => {
  test("content in XML and JSON; tenants and directories", async () => {
    expect((await h.mapi("hcp-a", "PUT", "/links/link-ab/content/defaultNamespaceDirectories/logs")).status).toBe(200);
    const asXml = await h.mapi("hcp-a", "GET", "/links/link-ab/content");
    expect(asXml.body).toContain(
      "<content><tenants><name>finance</name><name>media</name></tenants><defaultNamespaceDirectories><name>logs</name></defaultNamespaceDirectories><chainedLinks></chainedLinks></content>",
    );
    const asJson = JSON.parse((await h.mapi("hcp-b", "GET", "/links/link-ab/content", { json: true })).body);
    expect(asJson).toEqual({ tenants: { name: ["finance", "media"] }, defaultNamespaceDirectories: { name: ["logs"] }, chainedLinks: { name: [] } });
    expect((await h.mapi("hcp-a", "PUT", "/links/link-ab/content/tenants/finance")).status).toBe(409);
    expect((await h.mapi("hcp-a", "PUT", "/links/link-ab/content/tenants/unknown")).status).toBe(404);
    expect((await h.mapi("hcp-a", "DELETE", "/links/link-ab/content/tenants/media")).status).toBe(200);
    expect(await h.access("hcp-b", "media")).toBe("read-write"); // no longer on a link
    expect((await h.mapi("hcp-a", "DELETE", "/links/link-ab/content/defaultNamespaceDirectories/logs")).status).toBe(200);
    expect((await h.mapi("hcp-a", "DELETE", "/links/link-ab/content/defaultNamespaceDirectories/logs")).status).toBe(404);
  });

  test("tenant replication status, pause and resume", async () => {
    await h.write("hcp-a", "finance", "one", "1");
    const status = JSON.parse((await h.mapi("hcp-a", "GET", "/links/link-ab/content/tenants/finance", { json: true })).body);
    expect(status).toMatchObject({ name: "finance", status: "REPLICATING", objectsPending: 1, bytesPending: 1, objectsPendingRemote: 0 });
    expect(status.upToDateAsOfMillis).toEqual(expect.any(Number));
    expect((await h.mapi("hcp-a", "POST", "/links/link-ab/content/tenants/finance?pause")).status).toBe(200);
    const paused = xml.parse((await h.mapi("hcp-b", "GET", "/links/link-ab/content/tenants/finance")).body);
    // The …PendingRemote counters are always zero on an active/passive link (hcp-workflows.md 4b).
    expect(paused.tenantReplicationStatus).toMatchObject({ status: "PAUSED", objectsPendingRemote: "0" });
    await h.advance(60_000);
    expect((await h.objects("hcp-b", "finance")).has("one")).toBe(false);
    expect((await h.mapi("hcp-a", "POST", "/links/link-ab/content/tenants/finance?resume")).status).toBe(200);
    expect((await h.mapi("hcp-a", "POST", "/links/link-ab/content/tenants/finance?resume")).status).toBe(400);
    await h.advance(60_000);
    expect((await h.objects("hcp-b", "finance")).has("one")).toBe(true);
  });

  test("schedule GET and POST", async () => {
    const initial = JSON.parse((await h.mapi("hcp-a", "GET", "/links/link-ab/schedule", { json: true })).body);
    expect(initial).toEqual({ local: { scheduleOverride: "NONE", transition: [] }, remote: { scheduleOverride: "NONE", transition: [] } });
    const body = "<schedule><local><scheduleOverride>HIGH</scheduleOverride><transition><time>Mon:08</time><performanceLevel>LOW</performanceLevel></transition></local></schedule>";
    expect((await h.mapi("hcp-a", "POST", "/links/link-ab/schedule", { body, contentType: "application/xml" })).status).toBe(200);
    const after = JSON.parse((await h.mapi("hcp-b", "GET", "/links/link-ab/schedule", { json: true })).body);
    expect(after.remote).toEqual({ scheduleOverride: "HIGH", transition: [{ time: "Mon:08", performanceLevel: "LOW" }] });
    expect(after.local).toEqual({ scheduleOverride: "NONE", transition: [] });
  });

  test("local and remote candidates", async () => {
    await h.control("PUT", "/_sim/systems/hcp-a/tenants/archive");
    const local = JSON.parse((await h.mapi("hcp-a", "GET", "/links/link-ab/localCandidates", { json: true })).body);
    expect(local.tenants).toEqual({ name: ["archive"] });
    const remote = xml.parse((await h.mapi("hcp-b", "GET", "/links/link-ab/remoteCandidates")).body);
    expect(remote.remoteCandidates.tenants.name).toBe("archive");
  });
});

describe("service and certificates", () => {
  test("replicationService: verbose status, modify, shutDownAllLinks and reestablishAllLinks", async () => {
    const plain = JSON.parse((await h.mapi("hcp-a", "GET", "", { json: true })).body);
    expect(plain).toEqual({ allowTenantsToMonitorNamespaces: false, enableDNSFailover: false, network: "[hcp_system]", connectivityTimeoutSeconds: 120, verification: "OFF" });
    const verbose = xml.parse((await h.mapi("hcp-a", "GET", "?verbose=true")).body);
    expect(verbose.replicationService.status).toBe("ENABLED");
    expect((await h.mapi("hcp-a", "POST", "", { body: '{"verification":"ONCE"}', contentType: "application/json" })).status).toBe(200);
    expect(JSON.parse((await h.mapi("hcp-a", "GET", "", { json: true })).body).verification).toBe("ONCE");
    expect((await h.mapi("hcp-a", "POST", "", { body: '{"verification":"SOMETIMES"}', contentType: "application/json" })).status).toBe(400);
    expect((await h.mapi("hcp-a", "POST", "?shutDownAllLinks=maintenance")).status).toBe(200);
    expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Suspended by user", suspended: true });
    expect(await h.link("hcp-b", "link-ab")).toMatchObject({ statusMessage: "Stalled link", status: "BAD" });
    expect((await h.mapi("hcp-a", "POST", "?reestablishAllLinks")).status).toBe(200);
    expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Sending data", suspended: false });
  });

  test("certificate list shape; get and delete by id; a missing trust breaks the link", async () => {
    const list = xml.parse((await h.mapi("hcp-a", "GET", "/certificates")).body) as {
      certificates: { certificate: Array<{ id: string; subjectDN: string; validOn: string; expiresOn: string }> };
    };
    const [server, trusted] = list.certificates.certificate;
    expect(server).toMatchObject({ id: "server", subjectDN: "CN=hcp-a.example.com, OU=Replication hcp-a, O=HCP Simulator" });
    expect(trusted?.subjectDN).toBe("CN=hcp-b.example.com, OU=Replication hcp-b, O=HCP Simulator");
    expect(Number.isNaN(Date.parse(trusted?.expiresOn ?? ""))).toBe(false);
    const pem = await h.mapi("hcp-a", "GET", `/certificates/${trusted?.id}`);
    expect(pem.body).toBe((await h.mapi("hcp-b", "GET", "/certificates/server")).body);
    expect((await h.mapi("hcp-a", "DELETE", `/certificates/${trusted?.id}`)).status).toBe(200);
    expect((await h.mapi("hcp-a", "GET", `/certificates/${trusted?.id}`)).status).toBe(404);
    expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Broken link", status: "BAD" });
    expect((await h.mapi("hcp-a", "DELETE", "/certificates/server")).status).toBe(405);
    expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: "not a certificate", contentType: "text/plain" })).status).toBe(400);
    expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: pem.body, contentType: "application/json" })).status).toBe(415);
    expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: pem.body, contentType: "application/x-pem-file" })).status).toBe(200);
    expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Sending data" });
  });

  test("prettyprint formats XML", async () => {
    const pretty = await h.mapi("hcp-a", "GET", "/links?prettyprint");
    expect(pretty.body).toContain("<links>\n  <name>link-ab</name>\n</links>");
  });
});

describe("data plane", () => {
  test("put, get, list; read-only tenants refuse writes with 403 and a message", async () => {
    expect(await h.write("hcp-a", "finance", "dir/report.txt", "numbers")).toBe(201);
    expect(await h.write("hcp-a", "finance", "dir/report.txt", "more numbers")).toBe(200);
    const object = await h.request("hcp-a", "/data/finance/dir/report.txt");
    expect(object.body).toBe("more numbers");
    const list = JSON.parse((await h.request("hcp-a", "/data/finance")).body);
    expect(list).toMatchObject({ tenant: "finance", access: "read-write", objects: [{ key: "dir/report.txt", size: 12 }] });
    const refused = await h.request("hcp-b", "/data/finance/x", { method: "PUT", body: "x" });
    expect(refused.status).toBe(403);
    expect(errorMessage(refused)).toBe("Tenant 'finance' is read-only on hcp-b (link 'link-ab': Receiving data)");
    expect((await h.request("hcp-a", "/data/nope/x", { method: "PUT", body: "x" })).status).toBe(404);
  });
});
