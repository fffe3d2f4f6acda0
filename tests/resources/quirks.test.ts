/**
 * ReplicationFailover against the simulator over HTTPS meeting two of HCP's documented delays: beginRecovery
 * unavailable for a while after new trusted certificates were uploaded, and a tenant whose recovery HCP paused
 * by itself (AUTO_PAUSED) during the wait of step 7.
 */
import { defaultConfig, defaultUsers } from "../../simulator/config";
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import { actionRoute, Driver, eventually, executed, LINK, PRIMARY, REPLICA, routeCount, useProviderSuite, writeObjects } from "./helpers";
import { failoverDeclarer } from "./helpers";

// hcp-b refuses beginRecovery for 20 simulated minutes (2 real seconds at 600x) after a trusted certificate upload.
// Both systems also have a monitor-only account.
const t = useProviderSuite(() => ({
  systems: [{ name: PRIMARY }, { name: REPLICA, quirks: { beginRecoveryUnavailableSeconds: 1200 } }],
  links: defaultConfig().links,
  users: [...defaultUsers(), { username: "watcher", password: "watcher-password", roles: ["MONITOR"] }],
}));

const declare = failoverDeclarer(t, () => ({ waitTimeoutSeconds: 60 }));

test("beginRecovery refused after a certificate upload: the failover retries with progress, then recovers", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  // hcp-a lost its trust in hcp-b's certificate; the trust resource uploads it again (a trust change).
  const mapiA = t.env.mapi(PRIMARY);
  const stale = (await mapiA.listCertificates()).find((c) => c.id !== "server");
  await mapiA.deleteCertificate(stale?.id as string);
  const aTrustsB = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  await aTrustsB.up({ certificateOf: t.env.b, trustedBy: t.env.a });

  const result = await failover.up(declare("recovering"));
  expect(result.outs.phase).toBe("recovering");
  expect(executed(result.outs)).toEqual([[3, "done"], [4, "done"], [6, "done"]]);
  const attempts = await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"));
  expect(attempts).toBeGreaterThan(1);
  expect(result.outs.executedSteps.find((s) => s.number === 6)?.note).toMatch(
    new RegExp(`^beginRecovery was refused as not available yet ${attempts - 1} time\\(s\\) over \\d+s before it was accepted$`),
  );
  const progress = t.logs.lines.filter((l) => l.includes("Step 6: hcp-b (replica) refused beginRecovery as not available yet"));
  expect(progress).toHaveLength(attempts - 1);
  expect(progress[0]).toContain("new trusted replication certificates were uploaded");
  expect(progress[0]).toMatch(/trying again in \ds, until \d{4}-\d\d-\d\dT[\d:.]+Z \((\d+m )?(\d+s)? ?left of waitTimeoutSeconds\)/);
});

test("a tenant auto-paused during recovery: step 7 reports tenant, cause and way forward, and goes on once it is resumed", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  const held = await writeObjects(t.env.sc, REPLICA, "finance", "held", 3);
  await writeObjects(t.env.sc, REPLICA, "media", "moving", 3);
  await t.env.advanceClock(3_600_000); // written an hour ago: step 7 is in the plan
  await t.env.sc.autoPauseTenant(REPLICA, LINK, "finance");

  const up = failover.up(declare("replicating"));
  const reported = () => t.logs.lines.some((l) => l.includes("Step 7 ACTION REQUIRED: data recovery of tenant finance on link link-ab is AUTO_PAUSED on hcp-b (replica)"));
  await Promise.race([eventually("the auto-pause report", async () => reported(), 20_000), up]);
  expect(reported()).toBe(true);
  const text = t.logs.text();
  expect(text).toContain("Cause: MAPI does not report it; during data recovery the documented one is that during data recovery, the primary cannot reach Active Directory");
  expect(text).toContain("resume tenant finance on hcp-b (replica): POST /mapi/services/replication/links/link-ab/content/tenants/finance?resume");
  expect((await t.env.sc.events(REPLICA)).some((e) => e.message.includes("Tenant 'finance' on link 'link-ab' paused automatically"))).toBe(true);
  // Tenant statuses were read only once the recovery stopped moving: a handful of requests, not one per poll and tenant.
  const tenantReads = await routeCount(t.env.sc, REPLICA, "GET /mapi/services/replication/links/{link}/content/tenants/{tenant}");
  expect(tenantReads).toBeGreaterThan(0);
  expect(tenantReads).toBeLessThanOrEqual(3);

  await t.env.sc.clearAutoPause(REPLICA, LINK, "finance", true); // AD is back; resumed in the console
  const result = await up;
  expect(result.outs.phase).toBe("replicating");
  expect(executed(result.outs).map(([n]) => n)).toEqual([3, 4, 6, 7, 8, 9, 10]);
  expect((await t.env.mapi(REPLICA).getTenantStatus(LINK, "finance")).status).toBe("REPLICATING");
  const onPrimary = await t.env.sc.listObjects(PRIMARY, "finance");
  for (const key of held) expect(onPrimary).toContain(key);
});

test("a system that knows only beginRecover and ignores unknown parameters: the failover sends it after ?beginRecovery had no effect", async () => {
  await t.env.sc.setQuirks(REPLICA, { beginRecoveryUnavailableSeconds: 0, beginRecoverySpelling: "beginRecover", unknownActionParameters: "ignore" });
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  const result = await failover.up(declare("recovering", { waitTimeoutSeconds: 3 })); // the effect window shrinks with it
  expect(result.outs.phase).toBe("recovering");
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecover"))).toBe(1);
  expect(result.outs.executedSteps.find((s) => s.number === 6)?.note).toBe("sent as ?beginRecover: ?beginRecovery was accepted (HTTP 200) without effect");
});

test("a monitor-only account cannot download a server certificate: the trust's error names the administrator role", async () => {
  const trust = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  const monitor = { ...t.env.a, username: "watcher", password: "watcher-password" };
  const err = await trust.up({ certificateOf: monitor, trustedBy: t.env.b }).catch((e: unknown) => e as Error);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toContain("cannot read the replication server certificate of hcp-a");
  expect((err as Error).message).toContain("User watcher needs the administrator role for this request");
  expect((err as Error).message).toContain("needs a system-level account with the administrator role");
  expect((err as Error).message).not.toContain("watcher-password");
});
