/**
 * The zero-loss planned switchover against the simulator: with both systems up and in contact, failOver
 * waits (with progress) until the replica has everything, after telling the operator to stop client
 * writes; a wait that runs out of time refuses with the lag; acceptDataLoss skips the wait, its reason
 * recorded in executedSteps.
 */
import { resetCancellation, signalCancel } from "../../provider/resources/cancellation";
import { provider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import { actionRoute, Driver, eventually, executed, expectPartialState, PRIMARY, REPLICA, routeCount, useProviderSuite, wire, writeObjects } from "./helpers";
import { failoverDeclarer } from "./helpers";

const t = useProviderSuite();

const declare = failoverDeclarer(t);

test("planned switchover: stop writes, wait until nothing is pending, then fail over; nothing is left behind", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(provider);
  await d.up(declare("replicating"));
  await t.env.sc.setTimeSpeed(0); // nothing replicates until the preview has seen the lag
  const written = await writeObjects(t.env.sc, PRIMARY, "finance", "pending", 15);

  const preview = await d.preview(declare("failedOver"));
  expect(preview.checked.plannedSteps).toEqual([
    "HCP System Management Help 9.x, Primary system failure workflow:",
    "Before step 1: planned switchover (both systems answer): stop client writes to hcp-a (primary)",
    "Before step 1: wait until hcp-b has everything hcp-a has (nothing pending), then fail over",
    "1. On hcp-b (replica), fail over link link-ab",
    "2. DNS failover is off: direct clients to write only to hcp-b (replica)",
    expect.stringMatching(/^Data behind: hcp-b is 15 objects, \d+ bytes, \d+ s behind hcp-a \(read now\)$/),
  ]);

  await t.env.sc.setTimeSpeed(600);
  const up = await d.up(declare("failedOver"));
  expect(executed(up.outs)).toEqual([
    [undefined, "noticed"],
    [undefined, "done"],
    [1, "done"],
    [2, "noticed"],
  ]);
  expect(up.outs.executedSteps[0]).toMatchObject({ label: "before step 1", title: "planned switchover (both systems answer): stop client writes to hcp-a (primary)" });
  expect(t.logs.text()).toMatch(/Step \(before step 1\): wait until hcp-b has everything hcp-a has \(nothing pending\) \(.* left\): hcp-b is \d+ objects/);
  expect(up.outs).toMatchObject({ phase: "failedOver", activeSystem: "replica", splitBrain: false });
  expect(up.outs.lastTransition?.dataBehindAtStart).toMatchObject({ source: "live", objects: expect.any(Number) });
  expect(await t.env.sc.listObjects(REPLICA, "finance")).toEqual(expect.arrayContaining(written));
});

test("a switchover wait that times out refuses with the lag; acceptDataLoss fails over at once and records why", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(provider);
  await d.up(declare("replicating"));
  await t.env.sc.setTimeSpeed(0);
  try {
    await writeObjects(t.env.sc, PRIMARY, "finance", "stuck", 3);
    const checked = await d.check(declare("failedOver", { waitTimeoutSeconds: 2 }));
    const refused = await expectPartialState<FailoverOutputs>(() => provider.update!(d.id as string, wire(d.outputs as FailoverOutputs), checked));
    expect(refused.message).toMatch(/^hcp-b did not catch up with hcp-a within 2s \(waitTimeoutSeconds\); failOver was not sent\. Found: hcp-b is 3 objects, \d+ bytes, \d+ s behind hcp-a\. /);
    expect(refused.message).toContain("acceptDataLoss: true");
    expect(refused.properties).toMatchObject({ phase: "replicating", executedSteps: [{ label: "before step 1", outcome: "noticed" }] });
    expect(await routeCount(t.env.sc, REPLICA, actionRoute("failOver"))).toBe(0);

    // acceptDataLoss needs its reason, in check, before any request.
    const noReason = await d.checkRaw(declare("failedOver", { acceptDataLoss: true }));
    expect(noReason.failures).toEqual([{ property: "acceptDataLossReason", reason: expect.stringMatching(/required with acceptDataLoss: true/) }]);

    const reason = "drill 42: the primary site is being evacuated";
    const accepted = await d.up(declare("failedOver", { acceptDataLoss: true, acceptDataLossReason: reason }));
    expect(accepted.checked.plannedSteps?.[1]).toBe(`Before step 1: data loss accepted (${reason}): failOver is sent without waiting for hcp-b to catch up`);
    expect(executed(accepted.outs)).toEqual([
      [undefined, "noticed"],
      [1, "done"],
      [2, "noticed"],
    ]);
    expect(accepted.outs.executedSteps[0].title).toBe(`data loss accepted (${reason}): failOver is sent without waiting for hcp-b to catch up`);
    expect(accepted.outs.lastTransition?.dataBehindAtStart).toMatchObject({ objects: 3, source: "live" });
  } finally {
    await t.env.sc.setTimeSpeed(600);
  }
});

test("nothing pending: the update reads each system's link once before failOver, not once for the switchover and again for the workflow", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(provider);
  await d.up(declare("replicating"));
  const checked = await d.check(declare("failedOver"));
  const LINK_READ = "GET /mapi/services/replication/links/{link}";
  const before = { p: await routeCount(t.env.sc, PRIMARY, LINK_READ), r: await routeCount(t.env.sc, REPLICA, LINK_READ) };
  const outs = await provider.update!(d.id as string, wire(d.outputs as FailoverOutputs), checked);
  expect(outs.outs).toMatchObject({ phase: "failedOver" });
  // One reading before failOver and one confirming it, on each system.
  expect((await routeCount(t.env.sc, PRIMARY, LINK_READ)) - before.p).toBe(2);
  expect((await routeCount(t.env.sc, REPLICA, LINK_READ)) - before.r).toBe(2);
});

test("Ctrl-C stops the switchover's wait, and failOver is not sent", async () => {
  const d = new Driver<FailoverInputs, FailoverOutputs>(provider);
  await d.up(declare("replicating"));
  await t.env.sc.setTimeSpeed(0); // the replica never catches up
  try {
    await writeObjects(t.env.sc, PRIMARY, "finance", "held", 2);
    const checked = await d.check(declare("failedOver", { pollIntervalSeconds: 30 }));
    const run = expectPartialState<FailoverOutputs>(() => provider.update!(d.id as string, wire(d.outputs as FailoverOutputs), checked));
    await eventually("the switchover to wait between two polls", async () => /Step \(before step 1\): wait until hcp-b has everything .* left\)/.test(t.logs.text()));
    signalCancel();
    const stopped = await run;
    expect(stopped.message).toMatch(/^Stopped by Ctrl-C/);
    expect(stopped.properties).toMatchObject({ phase: "replicating" });
    expect(await routeCount(t.env.sc, REPLICA, actionRoute("failOver"))).toBe(0);
  } finally {
    resetCancellation();
    await t.env.sc.setTimeSpeed(600);
  }
});
