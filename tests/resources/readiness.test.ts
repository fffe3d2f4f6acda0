/**
 * Readiness of ReplicationFailover against the simulator over HTTPS: every check passes on a healthy pair;
 * each problem the systems report shows as a warning or a fail naming the system (and, where the planned
 * steps need what it is about, fails preview with nothing sent).
 */
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import { clearSystemFacts } from "../../provider/engine/systemFacts";
import { defaultUsers } from "../../simulator/config";
import { changing, Driver, failoverDeclarer, MAPI, PRIMARY, REPLICA, routeCount, useProviderSuite } from "./helpers";

const t = useProviderSuite(() => ({ users: [...defaultUsers(), { username: "watcher", password: "watcher-password", roles: ["MONITOR"] }] }));
const declare = failoverDeclarer(t);

/** What a system says of itself is kept for 15 s per provider process: an out-of-band change is seen by the next run. */
const newRun = () => clearSystemFacts();

type Item = NonNullable<FailoverOutputs["readiness"]>[number];

async function readinessAfterUp(inputs: FailoverInputs): Promise<Item[]> {
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  const up = await d.up(inputs);
  return up.outs.readiness ?? [];
}

const byCheck = (items: Item[], pattern: RegExp) => items.filter((i) => pattern.test(i.check));

test("a healthy pair passes every check, and preview prints one summary line", async () => {
  const items = await readinessAfterUp(declare("replicating"));
  expect(items.length).toBeGreaterThanOrEqual(12);
  expect(items.filter((i) => i.status !== "pass")).toEqual([]);
  expect(items.map((i) => i.check)).toEqual(
    expect.arrayContaining([
      "role on hcp-a",
      "role on hcp-b",
      "trust: hcp-a trusts hcp-b",
      "trust: hcp-b trusts hcp-a",
      "certificate expiry on hcp-a",
      "certificate expiry on hcp-b",
      "replication service on hcp-a",
      "replication service on hcp-b",
      "link status on hcp-a",
      "paused tenants",
      "DNS failover",
      "lag",
      "release pairing",
    ]),
  );
  expect(t.logs.lines.filter((l) => /ReplicationFailover link-ab: readiness: \d+ pass, 0 warn, 0 fail$/.test(l)).length).toBeGreaterThan(0);
});

test("a monitor-only account on the replica fails a failover's preview, naming the role; nothing is sent", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await d.up(declare("replicating"));
  const before = await changing(t.env.sc);
  const monitor = { ...t.env.b, username: "watcher", password: "watcher-password" };
  const checked = await failoverProvider.check!({} as FailoverInputs, declare("failedOver", { replica: monitor }));
  expect(checked.failures).toEqual([
    { property: "state", reason: expect.stringMatching(/^Readiness: role on hcp-b: the account has the monitor role only on hcp-b \(replica\).*the planned steps act on it\. Way forward: Give the account the administrator role/) },
  ]);
  expect(await changing(t.env.sc)).toEqual(before);
});

test("a certificate expiring within 30 days is a warning naming it and its system; an expired one fails", async () => {
  await t.env.sc.renewCertificate(REPLICA, 10);
  newRun();
  let items = await readinessAfterUp(declare("replicating"));
  const soon = byCheck(items, /^certificate expiry on hcp-b$/);
  expect(soon).toEqual([expect.objectContaining({ status: "warn", detail: expect.stringMatching(/^the replication server certificate of hcp-b, ".*hcp-b\.example\.com.*", expires on \S+ \(in (9|10) days\)$/) })]);
  // The renewed certificate is not yet trusted by hcp-a: said, not blocking a link that replicates.
  expect(byCheck(items, /^trust: hcp-a trusts hcp-b$/)[0]).toMatchObject({ status: "warn" });

  await t.env.sc.renewCertificate(REPLICA, -2);
  newRun();
  items = await readinessAfterUp(declare("replicating"));
  expect(byCheck(items, /^certificate expiry on hcp-b$/)).toEqual([expect.objectContaining({ status: "fail", detail: expect.stringMatching(/expired on/) })]);
});

test("a shut-down replication service is a fail naming reestablishAllLinks; the replica-failure resume is refused, nothing resumed", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await d.up(declare("replicating"));
  const mapi = t.env.mapi(PRIMARY);
  await mapi.shutDownAllLinks("maintenance");
  newRun();
  const checked = await failoverProvider.check!({} as FailoverInputs, declare("replicating"));
  // The link shows "Suspended by user" on the primary, but nobody suspended it: the service is shut down.
  expect(checked.failures?.[0]?.reason).toMatch(/the replication service of hcp-a \(primary\) is shut down \(shutDownAllLinks\).*Way forward: Reestablish the replication service of hcp-a \(primary\) \(POST \/mapi\/services\/replication\?reestablishAllLinks/);
  expect(await routeCount(t.env.sc, PRIMARY, `POST ${MAPI}/links/{link}?resume`)).toBe(0);
});

test("a declared DNS failover that disagrees with what the systems report is a warning naming both; the plan follows the systems", async () => {
  await t.env.mapi(REPLICA).modifyService({ enableDNSFailover: true });
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await d.up(declare("replicating"));
  const preview = await d.preview(declare("failedOver", { dnsFailover: false, acceptDataLoss: true, acceptDataLossReason: "drill" }));
  expect(preview.checked.plannedSteps?.some((l) => /^2\. DNS failover is off/.test(l))).toBe(false);
  expect(preview.checked.plannedSteps).toContainEqual(expect.stringMatching(/^Warning: dnsFailover is declared false, but hcp-b \(replica\) reports enableDNSFailover true: the plan follows hcp-b \(replica\)/));
});

test("a partner on a release without the replication MAPI (6.x) is refused precisely, not as a missing link to restore", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await d.up(declare("replicating"));
  await t.env.sc.setSoftwareVersion(PRIMARY, "6.1.2");
  const checked = await failoverProvider.check!({} as FailoverInputs, declare("replicating"));
  expect(checked.failures?.[0]?.reason).toMatch(/^Refused: hcp-a \(primary\) runs HCP 6\.1\.2, a release without the replication Management API \(it came with 7\.0\)/);
  expect(checked.failures?.[0]?.reason).not.toMatch(/restore/);
});

test("a primary that omits objectsPending: a zero-loss switchover refuses with the lag unknown, and sends no failOver", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await d.up(declare("replicating"));
  await t.env.sc.setQuirks(PRIMARY, { omitStatistics: ["objectsPending", "bytesPending"] });
  const checked = await failoverProvider.check!({} as FailoverInputs, declare("failedOver"));
  expect(checked.failures?.[0]?.reason).toMatch(/^Refused: lag unknown: hcp-a \(primary\) reports no objectsPending/);
  expect(await routeCount(t.env.sc, REPLICA, `POST ${MAPI}/links/{link}?failOver`)).toBe(0);
});

test("a replica that omits objectsPending during recovery: the wait keeps waiting and says the count is unknown; completeRecovery is never sent", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await d.up(declare("replicating"));
  await d.up(declare("failedOver"));
  await t.env.sc.setQuirks(REPLICA, { omitStatistics: ["objectsPending", "bytesPending"] });
  const stopped = await d.up(declare("replicating", { waitTimeoutSeconds: 3 })).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(stopped?.message).toMatch(/^Timed out after 3s \(waitTimeoutSeconds\) waiting for step 7 .*objects pending unknown \(not reported\)/);
  expect(t.logs.text()).toMatch(/Step 7 waiting for .*data behind: objects pending unknown \(not reported\)/);
  expect(await routeCount(t.env.sc, REPLICA, `POST ${MAPI}/links/{link}?completeRecovery`)).toBe(0);
});
