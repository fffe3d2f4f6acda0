/**
 * The rules the documentation shows, as the simulator enforces them (docs/conformance.md lists each with
 * its source): the certificate upload as documented, deleting only a suspended link and not re-adding its
 * tenants to the same replica, node IP addresses as remoteHost, the schedule's sides, performance levels,
 * statistics a system leaves out, releases without the replication MAPI, and certificate expiry.
 */
import { XMLParser } from "fast-xml-parser";
import { defaultConfig } from "../../simulator";
import { NO_REPLICATION_MAPI_MESSAGE } from "../../simulator/model/assumptions";
import { Harness, errorMessage } from "./helpers";

let h: Harness;
const xml = new XMLParser({ parseTagValue: false });
const DAY_MS = 86_400_000;

beforeAll(async () => {
  const config = defaultConfig();
  h = await Harness.start({ ...config, timeSpeed: 0, systems: config.systems?.map((s) => (s.name === "hcp-b" ? { ...s, replicationCertificateExpiresInDays: 20 } : s)) });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

const serverExpiry = async (system: string) => {
  const list = JSON.parse((await h.mapi(system, "GET", "/certificates", { json: true })).body) as { certificate: Array<{ id: string; expiresOn: string }> };
  return Date.parse(list.certificate.find((c) => c.id === "server")?.expiresOn ?? "");
};

test("PUT certificates as the documented example sends it: Content-Type application/xml, the certificate text as the body", async () => {
  const fromB = (await h.mapi("hcp-b", "GET", "/certificates/server")).body;
  const list = xml.parse((await h.mapi("hcp-a", "GET", "/certificates")).body).certificates.certificate as Array<{ id: string }>;
  const trusted = list.find((c) => c.id !== "server");
  expect((await h.mapi("hcp-a", "DELETE", `/certificates/${trusted?.id}`)).status).toBe(200);
  expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: fromB, contentType: "application/xml" })).status).toBe(200);
  expect(await h.link("hcp-a", "link-ab")).toMatchObject({ statusMessage: "Sending data" });
  expect((await h.mapi("hcp-a", "PUT", "/certificates", { body: fromB, contentType: "application/xml" })).status).toBe(409);
});

test("a link is deleted once suspended, and its tenants cannot then go to the same replica on a new link", async () => {
  expect((await h.action("hcp-a", "link-ab", "suspend")).status).toBe(200);
  expect((await h.mapi("hcp-a", "DELETE", "/links/link-ab")).status).toBe(200);
  const link = (name: string, remoteHost: string) =>
    `<link><name>${name}</name><type>OUTBOUND</type><connection><remoteHost>${remoteHost}</remoteHost></connection></link>`;
  expect((await h.mapi("hcp-a", "PUT", "/links", { body: link("link-again", "hcp-b.example.com"), contentType: "application/xml" })).status).toBe(200);
  const refused = await h.mapi("hcp-a", "PUT", "/links/link-again/content/tenants/finance");
  expect(refused.status).toBe(400);
  expect(errorMessage(refused)).toBe("Cannot add tenant 'finance' to link 'link-again': it was replicated to hcp-b on a deleted link; delete it on hcp-b first");
});

test("remoteHost as the documented comma-separated list of the remote system's node IP addresses", async () => {
  const body = "<link><name>by-ip</name><type>OUTBOUND</type><connection><remoteHost>10.0.2.1, 10.0.2.2</remoteHost></connection></link>";
  expect((await h.mapi("hcp-a", "PUT", "/links", { body, contentType: "application/xml" })).status).toBe(200);
  expect(await h.link("hcp-b", "by-ip")).toMatchObject({ type: "INBOUND" });
  const nowhere = "<link><name>nowhere</name><type>OUTBOUND</type><connection><remoteHost>10.0.2.1,10.0.9.9</remoteHost></connection></link>";
  expect((await h.mapi("hcp-a", "PUT", "/links", { body: nowhere, contentType: "application/xml" })).status).toBeGreaterThanOrEqual(400);
});

test("schedule: local is refused on the inbound side, remote on the outbound side", async () => {
  const post = (system: string, side: "local" | "remote") =>
    h.mapi(system, "POST", "/links/link-ab/schedule", { body: `<schedule><${side}><scheduleOverride>HIGH</scheduleOverride></${side}></schedule>`, contentType: "application/xml" });
  const inboundLocal = await post("hcp-b", "local");
  expect(inboundLocal.status).toBe(400);
  expect(errorMessage(inboundLocal)).toContain("cannot be set on an inbound link");
  expect((await post("hcp-a", "remote")).status).toBe(400);
  expect((await post("hcp-b", "remote")).status).toBe(200);
  // The replica's remote is the primary's local: one schedule, seen from both sides.
  expect(JSON.parse((await h.mapi("hcp-a", "GET", "/links/link-ab/schedule", { json: true })).body).local.scheduleOverride).toBe("HIGH");
});

test("the performance level scales what is sent: HIGH moves four times what LOW moves in the same time", async () => {
  const copiedIn = async (level: string, prefix: string) => {
    const body = `<schedule><local><scheduleOverride>${level}</scheduleOverride></local></schedule>`;
    expect((await h.mapi("hcp-a", "POST", "/links/link-ab/schedule", { body, contentType: "application/xml" })).status).toBe(200);
    for (let i = 0; i < 100; i++) expect(await h.write("hcp-a", "finance", `${prefix}-${i}`, "x")).toBeLessThan(300);
    await h.advance(2_000);
    return [...(await h.objects("hcp-b", "finance")).keys()].filter((k) => k.startsWith(prefix)).length;
  };
  const low = await copiedIn("LOW", "low");
  await h.control("POST", "/_sim/reset");
  const high = await copiedIn("HIGH", "high");
  expect(low).toBeGreaterThan(0);
  expect(high).toBe(4 * low);
});

test("a system set to leave out statistics omits exactly those fields", async () => {
  await h.control("POST", "/_sim/systems/hcp-a/quirks", { omitStatistics: ["objectsPending", "bytesPending"] });
  const link = JSON.parse((await h.mapi("hcp-a", "GET", "/links/link-ab?verbose=true", { json: true })).body) as { statistics: Record<string, unknown> };
  expect(link.statistics).not.toHaveProperty("objectsPending");
  expect(link.statistics).not.toHaveProperty("bytesPending");
  expect(link.statistics).toHaveProperty("upToDateAsOfMillis");
  const other = JSON.parse((await h.mapi("hcp-b", "GET", "/links/link-ab?verbose=true", { json: true })).body) as { statistics: Record<string, unknown> };
  expect(other.statistics).toHaveProperty("objectsPending");
});

test("a release before 7.0 has no replication MAPI: 404 with the reason, still naming its version", async () => {
  await h.control("POST", "/_sim/systems/hcp-b/software-version", { version: "6.1.0.12" });
  const res = await h.mapi("hcp-b", "GET", "/links");
  expect(res.status).toBe(404);
  expect(errorMessage(res)).toBe(NO_REPLICATION_MAPI_MESSAGE);
  expect(res.headers["x-hcp-softwareversion"]).toBe("6.1.0.12");
});

test("replication certificates last as configured, and a renewed one carries the new expiry (expiresOn)", async () => {
  const now = Date.now();
  expect(((await serverExpiry("hcp-b")) - now) / DAY_MS).toBeCloseTo(20, 0);
  expect((await serverExpiry("hcp-a")) - now).toBeGreaterThan(300 * DAY_MS);
  await h.control("POST", "/_sim/systems/hcp-a/replication-certificate", { expiresInDays: -1 });
  expect(await serverExpiry("hcp-a")).toBeLessThan(Date.now());
  // The renewed certificate is a new one: the partner no longer trusts it, and says so.
  expect(await h.link("hcp-b", "link-ab")).toMatchObject({ status: "BAD" });
});
