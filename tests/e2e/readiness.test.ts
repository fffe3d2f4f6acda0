/**
 * Readiness and the documented rules through the real Pulumi CLI, with the demo program on one stack:
 * each preview prints a readiness line per link; what blocks the declared transition fails preview and
 * `up` with nothing sent; the plan follows what the systems report. Each scenario puts the systems back
 * before the next one.
 */
import { MapiClient } from "../../provider/mapi/client";
import { DEFAULT_SOFTWARE_VERSION } from "../../simulator";
import { defaultUsers } from "../../simulator/config";
import { Drill, startDrill } from "./helpers";

const MAPI = "/mapi/services/replication";
const FAIL_OVER = `POST ${MAPI}/links/{link}?failOver`;
const COMPLETE_RECOVERY = `POST ${MAPI}/links/{link}?completeRecovery`;
const SCHEDULE = `POST ${MAPI}/links/{link}/schedule`;
const MONITOR = { username: "monitor", password: "monitor-only-password" };

describe("readiness through the CLI", () => {
  let drill: Drill;
  const mapi = (name: string) => {
    const s = drill.sim.systems.find((x) => x.name === name);
    if (!s) throw new Error(`no system ${name}`);
    return new MapiClient({ endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: require("fs").readFileSync(s.caFile, "utf8"), retries: 0 });
  };
  const count = async (system: string, route: string) => (await drill.control.requestCounts(system)).byRoute[route] ?? 0;
  const preview = async () => (await drill.local.stack.preview({ onOutput: drill.onOutput })).stdout;
  /** What a failed CLI run printed (the error of the Automation API carries it). */
  const failure = (run: Promise<unknown>) =>
    run.then(
      () => {
        throw new Error("expected the CLI run to fail");
      },
      (err: unknown) => String(err instanceof Error ? err.message : err),
    );
  const setConfig = (values: Record<string, string>) => drill.local.stack.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])));

  beforeAll(async () => {
    drill = await startDrill("readiness", { users: [...defaultUsers(), { ...MONITOR, type: "local", roles: ["MONITOR"] }] }, { allowLinkDeletion: "true" });
    const created = await drill.local.stack.up({ onOutput: drill.onOutput });
    expect(created.summary.result).toBe("succeeded");
  }, 10 * 60 * 1000);
  afterAll(async () => drill?.stop());
  afterEach(async () => {
    await drill.control.reset();
    await setConfig({ state: "replicating" });
  });

  it("a healthy pair: every check passes, one line per link", async () => {
    expect(await preview()).toMatch(/ReplicationFailover link-ab: readiness: 14 pass, 0 warn, 0 fail/);
  });

  it("certificates: one expiring within 30 days is a warning naming it; an expired one fails", async () => {
    await drill.control.renewCertificate("hcp-b", 10);
    expect(await preview()).toMatch(/warn: certificate expiry on hcp-b \(the replication server certificate of hcp-b, "[^"]+", expires on \S+ \(in (9|10) days\)\)/);
    await drill.control.renewCertificate("hcp-b", -1);
    expect(await preview()).toMatch(/readiness: \d+ pass, \d+ warn, 1 fail;.*fail: certificate expiry on hcp-b \(the replication server certificate of hcp-b, "[^"]+", expired on /);
  });

  it("a MONITOR-only account fails a failover's preview and up, naming the role; nothing is sent", async () => {
    await drill.local.stack.setConfig("replicaUsername", { value: MONITOR.username });
    await drill.local.stack.setConfig("replicaPassword", { value: MONITOR.password, secret: true });
    await setConfig({ state: "failedOver" });
    try {
      expect(await failure(preview())).toMatch(/Readiness: role on hcp-b: the account has the monitor role only on hcp-b \(replica\)/);
      expect(await failure(drill.local.stack.up({ onOutput: drill.onOutput }))).toMatch(/administrator role/);
      expect(await count("hcp-b", FAIL_OVER)).toBe(0);
      expect(drill.output.join("")).not.toContain(MONITOR.password);
    } finally {
      const admin = drill.sim.systems.find((s) => s.name === "hcp-b");
      await drill.local.stack.setConfig("replicaUsername", { value: admin?.username ?? "" });
      await drill.local.stack.setConfig("replicaPassword", { value: admin?.password ?? "", secret: true });
    }
  });

  it("a shut-down replication service: refused naming reestablishAllLinks, nothing sent", async () => {
    await mapi("hcp-b").shutDownAllLinks("maintenance window");
    await setConfig({ state: "failedOver" });
    expect(await failure(preview())).toMatch(/SHUTDOWN[\s\S]*reestablishAllLinks/);
    expect(await failure(drill.local.stack.up({ onOutput: drill.onOutput }))).toContain("reestablishAllLinks");
    expect(await drill.control.changingRequests("hcp-b")).toBe(1); // the shutdown itself
    expect(await count("hcp-a", FAIL_OVER)).toBe(0);
  });

  it("DNS failover as the systems report it; a declared value that disagrees is a warning naming both", async () => {
    await mapi("hcp-a").modifyService({ enableDNSFailover: true });
    await mapi("hcp-b").modifyService({ enableDNSFailover: true });
    await setConfig({ dnsFailover: "false" });
    try {
      expect(await preview()).toMatch(/dnsFailover is declared false, but hcp-a \(primary\) enableDNSFailover true, hcp-b \(replica\) enableDNSFailover true: the plan follows the systems/);
    } finally {
      await drill.local.stack.removeConfig("dnsFailover");
    }
    await setConfig({ state: "failedOver" });
    const out = await preview();
    expect(out).toMatch(/readiness: 14 pass, 0 warn, 0 fail/);
    expect(out).not.toMatch(/DNS failover is off: direct clients/); // step 2 follows the systems: HCP redirects them
  });

  it("a partner on a release before 7.0: refused as without the replication MAPI, not as a link to restore", async () => {
    await drill.control.setSoftwareVersion("hcp-b", "6.1.2.4");
    await setConfig({ state: "failedOver" });
    const out = await failure(preview());
    expect(out).toMatch(/hcp-b \(replica\) runs HCP 6\.1\.2\.4, a release without the replication Management API/);
    expect(out).not.toMatch(/restore/i);
    await drill.control.setSoftwareVersion("hcp-b", DEFAULT_SOFTWARE_VERSION);
  });

  it("a primary that omits objectsPending: the zero-loss switchover refuses with the lag unknown and sends no failOver", async () => {
    await drill.control.setQuirks("hcp-a", { omitStatistics: ["objectsPending"] });
    await setConfig({ state: "failedOver" });
    expect(await failure(drill.local.stack.up({ onOutput: drill.onOutput }))).toMatch(/lag unknown|lag is unknown/i);
    expect(await count("hcp-b", FAIL_OVER)).toBe(0);
  });

  it("recovery at recoveryPerformanceLevel HIGH; a replica that omits objectsPending keeps it waiting, never completing; the schedule comes back", async () => {
    await setConfig({ state: "failedOver" });
    expect((await drill.local.stack.up({ onOutput: drill.onOutput })).summary.result).toBe("succeeded");
    await drill.control.setQuirks("hcp-b", { omitStatistics: ["objectsPending"] });
    await setConfig({ state: "replicating", recoveryPerformanceLevel: "HIGH", waitTimeoutSeconds: "4" });
    try {
      const waited = await failure(drill.local.stack.up({ onOutput: drill.onOutput }));
      expect(waited).toMatch(/Timed out after 4s \(waitTimeoutSeconds\) waiting for step 7/);
      expect(waited).toMatch(/unknown/);
      expect(await count("hcp-b", COMPLETE_RECOVERY)).toBe(0);
      expect((await mapi("hcp-b").getSchedule("link-ab")).remote?.scheduleOverride).toBe("HIGH");

      await drill.control.setQuirks("hcp-b", { omitStatistics: [] });
      await setConfig({ waitTimeoutSeconds: "300" });
      const done = await drill.local.stack.up({ onOutput: drill.onOutput });
      expect(done.outputs.phase.value).toBe("replicating");
      const titles = (done.outputs.executedSteps.value as Array<{ title: string; outcome: string }>).map((s) => `${s.title} [${s.outcome}]`);
      expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(/put back the schedule override of link link-ab found before data recovery \(NONE\) \[done\]$/)]));
      expect((await mapi("hcp-b").getSchedule("link-ab")).remote?.scheduleOverride).toBe("NONE");
      expect(await count("hcp-b", SCHEDULE)).toBe(2);
    } finally {
      await drill.local.stack.removeConfig("recoveryPerformanceLevel");
      await setConfig({ waitTimeoutSeconds: "300" });
    }
  });

  it("destroying the stack suspends the link before deleting it (a link can be deleted only while suspended)", async () => {
    await drill.local.stack.destroy({ onOutput: drill.onOutput });
    expect(await count("hcp-a", `POST ${MAPI}/links/{link}?suspend`)).toBe(1);
    expect(await count("hcp-a", `DELETE ${MAPI}/links/{link}`)).toBe(1);
    expect(await mapi("hcp-a").linkExists("link-ab")).toBe(false);
  });
});
