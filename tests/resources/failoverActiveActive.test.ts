/**
 * ReplicationFailover on an active/active link against the simulator over HTTPS: "both" while it
 * replicates, failing over to either system with the other down, failing back from the survivor (with
 * the link restored after a rebuild), and the rules check enforces by link type.
 */
import { provider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import { defaultConfig } from "../../simulator";
import { actionRoute, changing, Driver, eventually, PRIMARY, REPLICA, routeCount, useProviderSuite, writeObjects } from "./helpers";
import { failoverDeclarer } from "./helpers";

const AA = "link-aa";
const TENANT = "shared";
const t = useProviderSuite(() => ({
  links: [
    ...(defaultConfig().links ?? []),
    { name: AA, primary: PRIMARY, replica: REPLICA, type: "ACTIVE_ACTIVE", tenants: [TENANT], exchangeCertificates: true },
  ],
}));

const declare = failoverDeclarer(t, () => ({ link: AA }));
const failover = () => new Driver<FailoverInputs, FailoverOutputs>(provider);
const numbers = (outs: FailoverOutputs) => outs.executedSteps.map((s) => [s.label, s.outcome]);

async function onBoth(keys: string[]): Promise<void> {
  await eventually("every object on both systems", async () => {
    const [a, b] = await Promise.all([t.env.sc.listObjects(PRIMARY, TENANT), t.env.sc.listObjects(REPLICA, TENANT)]);
    return keys.every((k) => a.includes(k) && b.includes(k));
  }, 20_000);
}

test("a replicating active/active link: activeSystem both, both read-write, nothing to do", async () => {
  const created = await failover().up(declare("replicating"));
  expect(created.outs).toMatchObject({ activeSystem: "both", phase: "replicating", primaryAccess: "read-write", replicaAccess: "read-write", plannedSteps: [], splitBrain: false });
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});

test("A down: fail over to B (steps 1-2); objects on B; A back: fail back from B (3, 4, 6); all on both", async () => {
  const d = failover();
  await d.up(declare("replicating"));
  await t.env.sc.takeDown(PRIMARY);
  const preview = await d.preview(declare("failedOver"));
  expect(preview.checked.plannedSteps).toEqual([
    "HCP System Management Help 9.x, System failure workflow with an active/active link:",
    "1. On hcp-b (replica), fail over link link-aa (hcp-b (replica) keeps serving)",
    "2. DNS failover is off: direct clients to write only to hcp-b (replica)",
  ]);
  const over = await d.up(declare("failedOver"));
  expect(over.outs).toMatchObject({ activeSystem: "replica", phase: "failedOver", replicaAccess: "read-write", primaryAccess: "unreachable", splitBrain: false });
  expect(numbers(over.outs)).toEqual([["1", "done"], ["2", "noticed"]]);
  const keys = await writeObjects(t.env.sc, REPLICA, TENANT, "on-b", 5);

  await t.env.sc.bringUp(PRIMARY);
  const back = await d.preview(declare("replicating"));
  expect(back.checked.plannedSteps?.slice(1, 4).map((l) => l.split(".")[0])).toEqual(["3", "4", "6"]);
  expect(back.checked.plannedSteps?.[4]).toMatch(/^Warning: objects written on both systems while link link-aa was failed over: after failBack \(step 6\) the version written last/);
  const up = await d.up(declare("replicating"));
  expect(up.outs).toMatchObject({ activeSystem: "both", phase: "replicating", primaryAccess: "read-write" });
  expect(numbers(up.outs)).toEqual([["3", "done"], ["4", "done"], ["6", "done"]]);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("failBack"))).toBe(1);
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("failBack"))).toBe(0);
  await onBoth(keys);
});

test("A rebuilt: certificates, restore from B (step 5) and failBack; every object on both", async () => {
  const d = failover();
  await d.up(declare("replicating"));
  const before = await writeObjects(t.env.sc, PRIMARY, TENANT, "before", 3);
  await onBoth(before);
  await t.env.sc.takeDown(PRIMARY);
  await d.up(declare("failedOver"));
  const during = await writeObjects(t.env.sc, REPLICA, TENANT, "during", 4);
  await t.env.sc.rebuild(PRIMARY, false);
  await t.env.sc.bringUp(PRIMARY);
  // Step 3 as the ReplicationCertificateTrust resources do it.
  const [a, b] = [t.env.mapi(PRIMARY), t.env.mapi(REPLICA)];
  await a.uploadCertificate(await b.getServerCertificate());
  await b.uploadCertificate(await a.getServerCertificate());

  const preview = await d.preview(declare("replicating"));
  expect(preview.checked.plannedSteps?.slice(1, 5).map((l) => l.split(".")[0])).toEqual(["3", "4", "5", "6"]);
  const up = await d.up(declare("replicating"));
  expect(numbers(up.outs)).toEqual([["3", "done"], ["4", "done"], ["5", "done"], ["6", "done"]]);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("restore"))).toBe(1);
  await onBoth([...before, ...during]);
});

test("failOverTo primary with B down: every step on A; activeSystem primary, then both", async () => {
  const d = failover();
  await d.up(declare("replicating", { failOverTo: "primary" }));
  await t.env.sc.takeDown(REPLICA);
  const over = await d.up(declare("failedOver", { failOverTo: "primary" }));
  expect(over.checked.plannedSteps?.[1]).toBe("1. On hcp-a (primary), fail over link link-aa (hcp-a (primary) keeps serving)");
  expect(over.outs).toMatchObject({ activeSystem: "primary", replicaAccess: "unreachable" });
  const keys = await writeObjects(t.env.sc, PRIMARY, TENANT, "on-a", 3);
  await t.env.sc.bringUp(REPLICA);
  const up = await d.up(declare("replicating", { failOverTo: "primary" }));
  expect(up.outs.activeSystem).toBe("both");
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("failBack"))).toBe(1);
  await onBoth(keys);
});

test("check refuses recovering on an active/active link and failOverTo primary on an active/passive one", async () => {
  const recovering = await failover().checkRaw(declare("recovering"));
  expect(recovering.failures).toHaveLength(1);
  expect(recovering.failures?.[0]?.property).toBe("state");
  expect(recovering.failures?.[0]?.reason).toMatch(/^link link-aa is active\/active, and state "recovering" belongs to the active\/passive workflows: an active\/active link has no recovery phase/);

  const onPassive = await failover().checkRaw(declare("failedOver", { link: "link-ab", failOverTo: "primary" }));
  expect(onPassive.failures).toEqual([
    {
      property: "failOverTo",
      reason:
        'failOverTo "primary" applies to active/active links only: on an active/passive link only the replica takes over. ' +
        "Found: link link-ab is active/passive (OUTBOUND on hcp-a, INBOUND on hcp-b). " +
        'Expected: failOverTo "replica" (or omitted) for an active/passive link. ' +
        'Way forward: Remove failOverTo, or convert the link to active/active first (ReplicationLink type "ACTIVE_ACTIVE").',
    },
  ]);
  const bad = await failover().checkRaw(declare("failedOver", { failOverTo: "both" as never }));
  expect(bad.failures).toEqual([{ property: "failOverTo", reason: 'failOverTo must be one of "replica", "primary"; got "both"' }]);
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 0 });
});
