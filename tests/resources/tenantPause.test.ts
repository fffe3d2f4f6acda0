/**
 * pausedTenants of ReplicationFailover against the simulator over HTTPS: the tenant pause table pauses the
 * declared tenants and resumes the others on the system that serves, and resumes a tenant HCP paused by
 * itself once its cause is fixed (HCP refuses the resume before that, and the step waits within its deadline).
 */
import type { MapiClient } from "../../provider/mapi/client";
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import { Driver, eventually, failoverDeclarer, LINK, PRIMARY, useProviderSuite } from "./helpers";

const t = useProviderSuite();
const declare = failoverDeclarer(t);

async function statuses(client: MapiClient): Promise<Record<string, string>> {
  const { tenants } = await client.getLinkContent(LINK);
  return Object.fromEntries(await Promise.all(tenants.map(async (n) => [n, (await client.getTenantStatus(LINK, n)).status])));
}

test("pausedTenants pauses the declared tenants and resumes them when no longer declared; a second up changes nothing", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));

  const preview = await failover.preview({ ...declare("replicating"), pausedTenants: ["media"] });
  expect(preview.checked.plannedSteps).toEqual([
    "HCP System Management Help 9.x, Pausing and resuming replication or recovery of a tenant:",
    "1. On hcp-a (primary), pause replication of tenant media on link link-ab",
  ]);
  expect(await statuses(t.env.mapi(PRIMARY))).toEqual({ finance: "REPLICATING", media: "REPLICATING" });

  const paused = await failover.up({ ...declare("replicating"), pausedTenants: ["media"] });
  expect(paused.outs.executedSteps.map((s) => [s.number, s.outcome, s.title])).toEqual([[1, "done", "On hcp-a (primary), pause replication of tenant media on link link-ab"]]);
  expect(await statuses(t.env.mapi(PRIMARY))).toEqual({ finance: "REPLICATING", media: "PAUSED" });
  expect((await failover.preview({ ...declare("replicating"), pausedTenants: ["media"] })).checked.plannedSteps).toEqual([]);

  await failover.up({ ...declare("replicating"), pausedTenants: [] });
  expect(await statuses(t.env.mapi(PRIMARY))).toEqual({ finance: "REPLICATING", media: "REPLICATING" });
});

test("an AUTO_PAUSED tenant declared unpaused is resumed once its cause is fixed", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await t.env.sc.autoPauseTenant(PRIMARY, LINK, "finance", "the primary cannot reach Active Directory");

  const declared = { ...declare("replicating"), pausedTenants: [], waitTimeoutSeconds: 30, pollIntervalSeconds: 1 };
  expect((await failover.preview(declared)).checked.plannedSteps).toEqual([
    "HCP System Management Help 9.x, Pausing and resuming replication or recovery of a tenant:",
    "3. On hcp-a (primary), resume tenant finance on link link-ab, which HCP paused by itself (AUTO_PAUSED): HCP accepts the resume once the cause is fixed",
  ]);
  // HCP refuses the resume until the cause is fixed: the step retries, and goes on once it is.
  const up = failover.up(declared);
  await eventually("HCP to refuse the resume", async () => /refused resumeTenant as not available yet/.test(t.logs.text()));
  expect((await statuses(t.env.mapi(PRIMARY))).finance).toBe("AUTO_PAUSED");
  await t.env.sc.clearAutoPause(PRIMARY, LINK, "finance");
  const done = await up;
  expect(done.outs.executedSteps).toEqual([expect.objectContaining({ number: 3, outcome: "done", note: expect.stringMatching(/refused as not available yet \d+ time/) })]);
  expect((await statuses(t.env.mapi(PRIMARY))).finance).toBe("REPLICATING");
});

test("a declared tenant the link does not carry fails preview, naming it", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  const refused = await failoverProvider.check!({} as FailoverInputs, { ...declare("replicating"), pausedTenants: ["media", "payroll"] });
  expect(refused.failures).toEqual([{ property: "pausedTenants[1]", reason: 'pausedTenants[1] "payroll" is not a tenant of link link-ab; its tenants: finance, media' }]);
});
