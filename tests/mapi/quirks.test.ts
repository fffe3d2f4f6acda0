/**
 * The MAPI details of HCP's quirks: ±hhmm dates, the 9.x verification statistics, the administrator role
 * of certificates/server, and the two documented spellings of beginRecovery.
 */
import { MapiClient } from "../../provider/mapi/client";
import { parseMapiDate } from "../../provider/mapi/dates";
import { MapiConfigError, MapiHttpError, MapiPermissionError } from "../../provider/mapi/errors";
import { sameInstant } from "../../provider/mapi/pem";
import { decodeCertificateList, decodeLink, parseBody } from "../../provider/mapi/wire";
import { makeCa, makeServerCert } from "./helpers/certs";
import { hcpError, startServer, type TestServer } from "./helpers/server";

const ctx = { method: "GET", url: "https://hcp:9090/mapi/services/replication/links/l1?verbose=true", path: "/mapi/services/replication/links/l1?verbose=true" };

describe("MAPI dates", () => {
  it.each([
    ["2026-12-01T22:16:00+0000", "2026-12-01T22:16:00.000Z"],
    ["2026-12-01T23:16:00+0100", "2026-12-01T22:16:00.000Z"],
    ["2026-12-01T16:46:00-0530", "2026-12-01T22:16:00.000Z"],
    ["2026-12-01T23:16:00+01:00", "2026-12-01T22:16:00.000Z"],
    ["2026-12-01T22:16:00.250Z", "2026-12-01T22:16:00.250Z"],
    ["2026-12-01T22:16:00", "2026-12-01T22:16:00.000Z"], // no zone: UTC (assumed)
  ])("%s is %s", (text, iso) => {
    expect(new Date(parseMapiDate(text) as number).toISOString()).toBe(iso);
  });

  it.each(["", "tomorrow", "2026-02-30T00:00:00+0000", "2026-12-01T25:00:00+0000", "2026-12-01T22:16+0000", "2026-12-01T22:16:00+1"])("%j is not a date", (text) => {
    expect(parseMapiDate(text)).toBeUndefined();
  });

  it("the certificate list keeps HCP's form, and it compares equal to the certificate's own ISO date", () => {
    const body = `<certificates><certificate><id>server</id><subjectDN>CN=hcp-a</subjectDN><validOn>2025-06-01T14:00:00+0200</validOn><expiresOn>2027-06-01T12:00:00+0000</expiresOn></certificate></certificates>`;
    const [entry] = decodeCertificateList(parseBody(body, "application/xml", ctx), ctx);
    expect(entry).toEqual({ id: "server", subjectDN: "CN=hcp-a", validOn: "2025-06-01T14:00:00+0200", expiresOn: "2027-06-01T12:00:00+0000" });
    expect(sameInstant(entry.validOn, "2025-06-01T12:00:00.000Z")).toBe(true);
    expect(sameInstant(entry.expiresOn, "2027-06-01T12:00:01.000Z")).toBe(false);
  });
});

describe("9.x verification statistics", () => {
  it("objectsVerified and objectsReplicatedAfterVerification are read as numbers, XML and JSON", () => {
    const xml = `<link><name>l1</name><type>INBOUND</type><connection><remoteHost>h</remoteHost></connection><statistics><objectsReplicated>9</objectsReplicated><objectsVerified>120</objectsVerified><objectsReplicatedAfterVerification>2</objectsReplicatedAfterVerification><upToDateAsOfString>2026-12-01T22:16:00+0000</upToDateAsOfString></statistics></link>`;
    expect(decodeLink(parseBody(xml, "application/xml", ctx), ctx).statistics).toEqual({
      objectsReplicated: 9,
      objectsVerified: 120,
      objectsReplicatedAfterVerification: 2,
      upToDateAsOfString: "2026-12-01T22:16:00+0000",
    });
    const json = JSON.stringify({ name: "l1", type: "INBOUND", connection: { remoteHost: "h" }, statistics: { objectsVerified: 0 } });
    expect(decodeLink(parseBody(json, "application/json", ctx), ctx).statistics).toEqual({ objectsVerified: 0 });
    const bad = JSON.stringify({ name: "l1", type: "INBOUND", connection: { remoteHost: "h" }, statistics: { objectsVerified: "many" } });
    expect(() => decodeLink(parseBody(bad, "application/json", ctx), ctx)).toThrow("link.statistics.objectsVerified: expected a number");
  });
});

describe("requests", () => {
  let server: TestServer;
  let client: MapiClient;
  beforeAll(async () => {
    const ca = makeCa("HCP test CA");
    const leaf = makeServerCert(ca);
    server = await startServer({ key: leaf.keyPem, cert: leaf.certPem });
    client = new MapiClient({ endpoint: server.endpoint, username: "watcher", password: "pw-monitor", caCertificate: ca.certPem, retries: 0 });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("a 403 on certificates/server names the administrator role; other 403s stay plain", async () => {
    server.handle(() => hcpError(403, "Access denied"));
    const err = await client.getServerCertificate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MapiPermissionError);
    expect(err).toBeInstanceOf(MapiHttpError);
    expect((err as MapiPermissionError).requiredRole).toBe("administrator");
    expect((err as Error).message).toMatch(
      /^HTTP 403 from GET https:\/\/127\.0\.0\.1:\d+\/mapi\/services\/replication\/certificates\/server: Access denied\. Downloading the replication server certificate \(GET certificates\/server\) needs a system-level account with the administrator role; a monitor-only account gets 403 here\./,
    );
    expect((err as Error).message).not.toContain("pw-monitor");
    const list = await client.listCertificates().catch((e: unknown) => e);
    expect(list).toBeInstanceOf(MapiHttpError);
    expect(list).not.toBeInstanceOf(MapiPermissionError);
  });

  it("beginRecovery can be sent as the 9.x reference spells it; no other spelling is sent", async () => {
    server.handle(() => ({ status: 200 }));
    await client.runLinkAction("l1", "beginRecovery");
    await client.runLinkAction("l1", "beginRecovery", "beginRecover");
    await expect(client.runLinkAction("l1", "beginRecovery", "beginrecovery")).rejects.toThrow(MapiConfigError);
    await expect(client.runLinkAction("l1", "failOver", "beginRecover")).rejects.toThrow("failOver is spelt failOver");
    expect(server.requests.map((r) => r.url)).toEqual(["/mapi/services/replication/links/l1?beginRecovery", "/mapi/services/replication/links/l1?beginRecover"]);
  });
});
