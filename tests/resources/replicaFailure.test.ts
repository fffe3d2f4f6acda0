/**
 * The replica-failure workflow of ReplicationFailover against the simulator over HTTPS: the replica goes
 * down, the link is suspended on the primary while it keeps serving; the replica comes back rebuilt;
 * certificates are re-exchanged through the trust resources, the primary restores the link and resumes,
 * and every object written on the primary during the outage reaches the replica. No failover, no recovery.
 */
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import { actionRoute, Driver, eventually, executed, PRIMARY, REPLICA, routeCount, useProviderSuite, writeObjects } from "./helpers";
import { failoverDeclarer } from "./helpers";

const t = useProviderSuite();

const declare = failoverDeclarer(t);

async function healthyStack() {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  const bTrustsA = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  const aTrustsB = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  await bTrustsA.up({ certificateOf: t.env.a, trustedBy: t.env.b });
  await aTrustsB.up({ certificateOf: t.env.b, trustedBy: t.env.a });
  await failover.up(declare("replicating"));
  return { failover, bTrustsA, aTrustsB };
}

const NEVER_SENT = ["failOver", "beginRecovery", "completeRecovery"] as const;

test("replica down: suspended on the primary, which keeps serving; back rebuilt: restore from the primary, resume, every object on the replica", async () => {
  const { failover, bTrustsA, aTrustsB } = await healthyStack();
  const before = await writeObjects(t.env.sc, PRIMARY, "finance", "before", 5);
  await eventually("the replica to have the first objects", async () => (await t.env.sc.listObjects(REPLICA, "finance")).length >= 5, 15_000);

  await t.env.sc.takeDown(REPLICA);
  const preview = await failover.preview(declare("suspended"));
  expect(preview.checked.plannedSteps).toEqual([
    "HCP System Management Help 9.x, Replica failure workflow:",
    "1. On hcp-a (primary), suspend activity on link link-ab while hcp-b is down",
  ]);
  const suspended = await failover.up(declare("suspended"));
  expect(executed(suspended.outs)).toEqual([[1, "done"]]);
  expect(suspended.outs).toMatchObject({ phase: "suspended", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "unreachable", plannedSteps: [] });
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("suspend"))).toBe(1);
  const during = await writeObjects(t.env.sc, PRIMARY, "finance", "during-outage", 15);

  // Nothing to do while it stays suspended.
  expect((await failover.preview(declare("suspended"))).checked.plannedSteps).toEqual([]);

  // The replica comes back rebuilt: new certificate, no link, no trusted certificates, no objects.
  await t.env.sc.rebuild(REPLICA, false);
  await t.env.sc.bringUp(REPLICA);
  const plan = await failover.preview(declare("replicating"));
  expect(plan.checked.plannedSteps).toEqual([
    "HCP System Management Help 9.x, Replica failure workflow:",
    "2. Check that hcp-b (replica) and hcp-a (primary) trust each other's replication server certificates (ensured by ReplicationCertificateTrust resources)",
    "3. Check the configuration of link link-ab on hcp-a (primary) (applied by the ReplicationLink resource)",
    "4. On hcp-a (primary), restore link link-ab (it is missing on hcp-b (replica))",
    "5. On hcp-a (primary), resume activity on link link-ab",
    "After step 5: Wait until replication hcp-a -> hcp-b restarts (hcp-b (replica) receiving data)",
  ]);

  // Without the certificates exchanged, the certificate step refuses before any action.
  await expect(failover.up(declare("replicating"))).rejects.toThrow(/does not trust the replication server certificate/);
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("restore"))).toBe(0);

  await bTrustsA.up({ certificateOf: t.env.a, trustedBy: t.env.b });
  await aTrustsB.up({ certificateOf: t.env.b, trustedBy: t.env.a });
  const back = await failover.up(declare("replicating"));
  expect(executed(back.outs).map(([n, outcome]) => [n ?? "after step 5", outcome])).toEqual([
    [2, "done"],
    [3, "done"],
    [4, "done"],
    [5, "done"],
    ["after step 5", expect.stringMatching(/^(done|already-done)$/)],
  ]);
  expect(back.outs).toMatchObject({ phase: "replicating", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "read-only" });
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("restore"))).toBe(1);
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("resume"))).toBe(1);
  for (const action of NEVER_SENT) {
    expect(await routeCount(t.env.sc, PRIMARY, actionRoute(action))).toBe(0);
    expect(await routeCount(t.env.sc, REPLICA, actionRoute(action))).toBe(0);
  }
  // Replication restarted from the beginning onto the rebuilt replica: everything arrives.
  const all = [...before, ...during];
  await eventually("every object on the replica", async () => {
    const onReplica = await t.env.sc.listObjects(REPLICA, "finance");
    return all.every((k) => onReplica.includes(k));
  }, 30_000);
  expect((await failover.preview(declare("replicating"))).checked.plannedSteps).toEqual([]);
});

test("replica back with its configuration: resume only; suspended refused while failed over", async () => {
  const { failover } = await healthyStack();
  await t.env.sc.takeDown(REPLICA);
  await failover.up(declare("suspended"));
  const during = await writeObjects(t.env.sc, PRIMARY, "media", "outage", 8);
  // While the replica is down, returning to replication is refused with the way forward.
  // A refusal fails check (preview and up stop there), with the refusal on `state`.
  const refused = await failover.checkRaw(declare("replicating"));
  expect(refused.failures?.[0]).toMatchObject({ property: "state", reason: expect.stringMatching(/^Refused: hcp-b \(replica\) cannot be reached .*bringing it back into replication \(step 2 onwards\) needs it/) });
  expect(refused.failures?.[0].reason).toContain('Keep state "suspended" while hcp-b (replica) is down');

  await t.env.sc.bringUp(REPLICA);
  const plan = await failover.preview(declare("replicating"));
  expect(plan.checked.plannedSteps?.map((l) => l.split(/[.:]/)[0])).toEqual(["HCP System Management Help 9", "2", "3", "5", "After step 5"]);
  const back = await failover.up(declare("replicating"));
  expect(executed(back.outs).map(([n]) => n)).toEqual([2, 3, 5, undefined]);
  expect(await routeCount(t.env.sc, PRIMARY, actionRoute("restore"))).toBe(0);
  await eventually("the outage's objects on the replica", async () => {
    const onReplica = await t.env.sc.listObjects(REPLICA, "media");
    return during.every((k) => onReplica.includes(k));
  }, 30_000);

  await failover.up(declare("failedOver"));
  const wrong = await failover.checkRaw(declare("suspended"));
  expect(wrong.failures?.[0]).toMatchObject({ property: "state", reason: expect.stringMatching(/^Refused: The replica-failure workflow keeps hcp-a \(primary\) active and has no step from failed over \(replica active\)/) });
});
