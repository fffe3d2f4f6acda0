import { Harness, errorMessage, hcpAuthorization, httpsRequest } from "./helpers";

/**
 * HCP's documented delays and quirks, each switched on per system (hcp-workflows.md 3b, 3c, 5): beginRecovery
 * unavailable after a certificate upload, a tenant auto-paused, the two spellings of beginRecovery and the
 * unknown-parameter rule, the administrator role of certificates/server, ±hhmm dates, verification statistics.
 */

const LINK = "link-ab";
let h: Harness;

beforeAll(async () => {
  h = await Harness.start({
    timeSpeed: 0,
    systems: [
      { name: "hcp-a" },
      { name: "hcp-b", quirks: { beginRecoveryUnavailableSeconds: 900 } },
      { name: "hcp-c", softwareVersion: "7.3.1" },
    ],
    users: [
      { username: "admin", password: "secret-admin" },
      { username: "watcher", password: "secret-watch", roles: ["MONITOR"] },
    ],
    links: [
      { name: LINK, primary: "hcp-a", replica: "hcp-b", tenants: ["finance", "media"] },
      { name: "link-ac", primary: "hcp-a", replica: "hcp-c", tenants: ["legacy"] },
    ],
  });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

const upload = async (from: string, to: string) => {
  const pem = (await h.mapi(from, "GET", "/certificates/server")).body;
  return h.mapi(to, "PUT", "/certificates", { body: pem, contentType: "application/x-pem-file" });
};

describe("beginRecovery after new trusted certificates", () => {
  test("is refused with 400 and a reason for the configured simulated time after an upload, then accepted", async () => {
    expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
    const trusted = JSON.parse((await h.mapi("hcp-a", "GET", "/certificates", { json: true })).body).certificate[1].id as string;
    expect((await h.mapi("hcp-a", "DELETE", `/certificates/${trusted}`)).status).toBe(200);
    expect((await upload("hcp-b", "hcp-a")).status).toBe(200); // a trust change on the peer counts too

    const refused = await h.action("hcp-b", LINK, "beginRecovery");
    expect(refused.status).toBe(400);
    expect(errorMessage(refused)).toBe(
      "Begin recovery is not available yet for link 'link-ab' on hcp-b: new trusted replication certificates were uploaded 0 s ago; it becomes available in about 900 s",
    );
    await h.advance(600_000);
    expect(errorMessage(await h.action("hcp-b", LINK, "beginRecovery"))).toContain("available in about 300 s");
    expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Failed over" });
    await h.advance(300_000);
    expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
    expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Recovering data" });
    expect((await h.events("hcp-b")).filter((e) => e.includes("beginRecovery refused: Begin recovery is not available yet"))).toHaveLength(2);
  });

  test("the wrong phase is still refused for its own reason first; the delay is a control call away", async () => {
    expect((await upload("hcp-a", "hcp-b")).status).toBe(409); // already trusted: not a change
    await h.control("POST", "/_sim/systems/hcp-b/quirks", { beginRecoveryUnavailableSeconds: 0 });
    expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
    const trusted = JSON.parse((await h.mapi("hcp-b", "GET", "/certificates", { json: true })).body).certificate[1].id as string;
    await h.mapi("hcp-b", "DELETE", `/certificates/${trusted}`);
    expect((await upload("hcp-a", "hcp-b")).status).toBe(200);
    expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200); // delay 0: available at once
    const quirks = await h.control("GET", "/_sim/systems/hcp-b/quirks");
    expect(quirks).toEqual({ beginRecoveryUnavailableSeconds: 0, beginRecoverySpelling: "beginRecovery", unknownActionParameters: "reject", omitStatistics: [] });
    await expect(h.control("POST", "/_sim/systems/hcp-b/quirks", { beginRecoverySpelling: "beginRecoveri" })).rejects.toThrow(
      "quirks.beginRecoverySpelling: one of beginRecovery, beginRecover, both",
    );
  });
});

describe("tenant auto-pause", () => {
  const status = async (system: string, tenant: string) =>
    JSON.parse((await h.mapi(system, "GET", `/links/${LINK}/content/tenants/${tenant}`, { json: true })).body).status as string;

  test("AUTO_PAUSED on both systems; its objects wait; resume refused until the cause is fixed", async () => {
    expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
    expect(await h.write("hcp-b", "finance", "held", "x")).toBe(201);
    expect(await h.write("hcp-b", "media", "moves", "y")).toBe(201);
    await h.control("POST", `/_sim/systems/hcp-b/links/${LINK}/tenants/finance/auto-pause`, {});
    expect(await status("hcp-b", "finance")).toBe("AUTO_PAUSED");
    expect(await status("hcp-a", "finance")).toBe("AUTO_PAUSED");
    expect(await status("hcp-b", "media")).toBe("REPLICATING");
    expect(xmlStatus((await h.mapi("hcp-b", "GET", `/links/${LINK}/content/tenants/finance`)).body)).toBe("AUTO_PAUSED");
    expect((await h.events("hcp-a")).some((e) => e.includes("paused automatically: the primary system cannot reach Active Directory"))).toBe(true);

    expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
    await h.advance(3_600_000);
    expect([...(await h.objects("hcp-a", "media")).keys()]).toContain("moves");
    expect([...(await h.objects("hcp-a", "finance")).keys()]).not.toContain("held");
    expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Recovering data", statistics: { objectsPending: 1 } });

    const early = await h.mapi("hcp-b", "POST", `/links/${LINK}/content/tenants/finance?resume`);
    expect(early.status).toBe(400);
    expect(errorMessage(early)).toContain("HCP paused it automatically because the primary system cannot reach Active Directory");
    await h.control("POST", `/_sim/systems/hcp-b/links/${LINK}/tenants/finance/auto-pause/clear`, {});
    expect(await status("hcp-b", "finance")).toBe("AUTO_PAUSED"); // fixed, not yet resumed
    expect((await h.mapi("hcp-b", "POST", `/links/${LINK}/content/tenants/finance?resume`)).status).toBe(200);
    expect(await status("hcp-a", "finance")).toBe("REPLICATING");
    await h.advance(3_600_000);
    expect([...(await h.objects("hcp-a", "finance")).keys()]).toContain("held");
  });

  test("the control call names the cause and can resume as the console would", async () => {
    const paused = await h.control("POST", `/_sim/systems/hcp-a/links/${LINK}/tenants/media/auto-pause`, { cause: "tenant conflict" });
    expect(paused).toEqual({ link: LINK, tenant: "media", status: "AUTO_PAUSED", cause: "tenant conflict" });
    const state = await h.control<{ links: Array<{ name: string; tenantStatus: Record<string, string> }> }>("GET", "/_sim/systems/hcp-b");
    expect(state.links.find((l) => l.name === LINK)?.tenantStatus).toEqual({ finance: "REPLICATING", media: "AUTO_PAUSED" });
    expect(await h.control("POST", `/_sim/systems/hcp-a/links/${LINK}/tenants/media/auto-pause/clear`, { resume: true })).toMatchObject({ status: "REPLICATING" });
    await expect(h.control("POST", `/_sim/systems/hcp-a/links/${LINK}/tenants/media/auto-pause/clear`, {})).rejects.toThrow("is not paused automatically");
    await expect(h.control("POST", `/_sim/systems/hcp-a/links/${LINK}/tenants/nope/auto-pause`, {})).rejects.toThrow("404");
  });
});

const xmlStatus = (body: string) => /<status>([^<]+)<\/status>/.exec(body)?.[1];

describe("action spelling and unknown parameters", () => {
  test("a system honouring only beginRecover ignores beginRecovery in mode ignore: 200 and nothing happens", async () => {
    await h.control("POST", "/_sim/systems/hcp-b/quirks", { beginRecoveryUnavailableSeconds: 0, beginRecoverySpelling: "beginRecover", unknownActionParameters: "ignore" });
    expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
    const ignored = await h.action("hcp-b", LINK, "beginRecovery");
    expect(ignored.status).toBe(200);
    expect(ignored.body).toBe("");
    expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Failed over" });
    expect((await h.action("hcp-b", LINK, "noSuchAction")).status).toBe(200);
    // An ignored parameter leaves a plain POST, which modifies the link with its body.
    const modified = await h.mapi("hcp-b", "POST", `/links/${LINK}?noSuchAction`, { body: '{"description":"drill"}', contentType: "application/json" });
    expect(modified.status).toBe(200);
    expect(await h.link("hcp-b", LINK)).toMatchObject({ description: "drill", statusMessage: "Failed over" });
    expect((await h.action("hcp-b", LINK, "beginRecover")).status).toBe(200);
    expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Recovering data" });
  });

  test("in mode reject the other spelling is an unknown action; mode both honours either", async () => {
    await h.control("POST", "/_sim/systems/hcp-b/quirks", { beginRecoveryUnavailableSeconds: 0, beginRecoverySpelling: "beginRecover" });
    expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
    const unknown = await h.action("hcp-b", LINK, "beginRecovery");
    expect(unknown.status).toBe(400);
    expect(errorMessage(unknown)).toBe(
      "Unknown action 'beginRecovery' (actions: suspend, resume, failOver, failBack, beginRecover, completeRecovery, restore)",
    );
    await h.control("POST", "/_sim/systems/hcp-b/quirks", { beginRecoverySpelling: "both" });
    expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
    expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Recovering data" });
  });
});

describe("smaller details", () => {
  test("certificates/server needs the administrator role: a monitor-only account gets 403 naming it", async () => {
    const monitor = { Authorization: hcpAuthorization("watcher", "secret-watch") };
    const system = h.system("hcp-a");
    const denied = await httpsRequest(`${system.endpoint}/mapi/services/replication/certificates/server`, h.ca, { headers: monitor });
    expect(denied.status).toBe(403);
    expect(errorMessage(denied)).toBe("User watcher needs the administrator role for this request");
    const list = await httpsRequest(`${system.endpoint}/mapi/services/replication/certificates`, h.ca, { headers: monitor });
    expect(list.status).toBe(200);
  });

  test("MAPI dates are yyyy-MM-ddThh:mm:ss±hhmm", async () => {
    const list = JSON.parse((await h.mapi("hcp-a", "GET", "/certificates", { json: true })).body) as { certificate: Array<{ validOn: string; expiresOn: string }> };
    for (const c of list.certificate) {
      expect(c.validOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/);
      expect(c.expiresOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/);
    }
    const link = await h.link("hcp-a", LINK);
    expect((link?.["statistics"] as Record<string, unknown>)["upToDateAsOfString"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
  });

  test("verification statistics on 9.x systems only", async () => {
    expect(await h.write("hcp-a", "finance", "v", "x")).toBe(201);
    await h.advance(60_000);
    expect((await h.link("hcp-a", LINK))?.["statistics"]).toMatchObject({ objectsVerified: 0, objectsReplicatedAfterVerification: 0 });
    await h.mapi("hcp-a", "POST", "", { body: '{"verification":"ON"}', contentType: "application/json" });
    expect((await h.link("hcp-a", LINK))?.["statistics"]).toMatchObject({ objectsVerified: 1, objectsReplicatedAfterVerification: 0 });
    const old = (await h.link("hcp-c", "link-ac"))?.["statistics"] as Record<string, unknown>;
    expect(old).toHaveProperty("objectsReplicated");
    expect(old).not.toHaveProperty("objectsVerified");
  });
});
