/**
 * ReplicationFailover's provider against the simulator over HTTPS: preview plans, failover with the
 * primary down (split brain), the refusal to recover onto an unreachable primary, recovery in two
 * declared stages, and refresh after an out-of-band failover.
 */
import { clearSystemFacts } from "../../provider/engine/systemFacts";
import { provider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import {
  actionRoute,
  changing,
  Driver,
  executed,
  expectPartialState,
  LINK,
  PRIMARY,
  REPLICA,
  routeCount,
  useProviderSuite,
  plan9,
  wire,
  writeObjects,
} from "./helpers";
import { failoverDeclarer } from "./helpers";

const t = useProviderSuite();

const declare = failoverDeclarer(t);

const failover = () => new Driver<FailoverInputs, FailoverOutputs>(provider);

test("live state matches the declaration: empty plan, no diff, nothing sent", async () => {
  const d = failover();
  const created = await d.up(declare("replicating"));
  expect(created.operation).toBe("create");
  expect(created.checked.plannedSteps).toEqual([]);
  expect(created.outs).toMatchObject({
    activeSystem: "primary",
    phase: "replicating",
    primaryAccess: "read-write",
    replicaAccess: "read-only",
    plannedSteps: [],
    executedSteps: [],
    splitBrain: false,
  });
  const preview = await d.preview(declare("replicating"));
  expect(preview.checked.plannedSteps).toEqual([]);
  expect(preview.diff?.changes).toBe(false);
  // With HCP's DNS failover on (as the replica reports it), the plan has no client-redirect steps.
  await t.env.mapi(REPLICA).modifyService({ enableDNSFailover: true });
  clearSystemFacts(); // a new run sees the change (what a system reports of itself is kept 15 s per process)
  const dns = await d.preview(declare("failedOver"));
  // Both systems answer: a planned switchover, which waits for the replica before step 1; the plan ends
  // with what the replica lacks (nothing here).
  const [document, step1] = plan9(1);
  expect(dns.checked.plannedSteps).toEqual([
    document,
    expect.stringMatching(/^Before step 1: planned switchover/),
    expect.stringMatching(/^Before step 1: wait until hcp-b has everything/),
    step1,
    "Data behind: hcp-b is 0 objects, 0 bytes, 0 s behind hcp-a (read now)",
  ]);
  // Nothing sent by the previews: the one change is the test's own DNS setting.
  expect(await changing(t.env.sc)).toEqual({ [PRIMARY]: 0, [REPLICA]: 1 });
});

test("failover with the primary down (split brain), recovery refused while it is down, then failedOver -> recovering -> replicating", async () => {
  const d = failover();
  await d.up(declare("replicating"));
  await t.env.sc.takeDown(PRIMARY);

  // Preview: the seed-numbered plan, read from the live systems, and not a single changing request.
  const before = await changing(t.env.sc);
  const preview = await d.preview(declare("failedOver"));
  expect(preview.checked.plannedSteps?.slice(0, 3)).toEqual(plan9(1, 2));
  expect(preview.checked.plannedSteps?.slice(3)).toEqual([
    expect.stringMatching(/^Warning: split brain: hcp-a \(primary\) does not answer/),
    // The primary is down: the lag read by the last up, with its time.
    expect.stringMatching(/^Data behind: hcp-a does not answer; last known: hcp-b was at least 0 objects, 0 bytes, 0 s behind hcp-a \(read at 20\d\d-.*Z\); anything written to hcp-a after that is unknown$/),
  ]);
  expect(preview.checked.splitBrainSuspected).toBe(true);
  expect(preview.checked.observedPhase).toBe("replicating");
  expect(preview.diff?.changes).toBe(true);
  expect(await changing(t.env.sc)).toEqual(before);

  const failedOver = await d.up(declare("failedOver"));
  expect(executed(failedOver.outs)).toEqual([
    [1, "done"],
    [2, "noticed"],
  ]);
  // RTO and RPO exposure: the primary was down, so the data behind is the reading kept from the last up.
  expect(failedOver.outs.lastTransition).toEqual({
    from: "replicating",
    to: "failedOver",
    startedAt: expect.stringMatching(/Z$/),
    finishedAt: expect.stringMatching(/Z$/),
    seconds: expect.any(Number),
    dataBehindAtStart: { objects: 0, bytes: 0, seconds: 0, source: "last known", readAt: preview.checked.lastKnownLag?.readAt, ageSeconds: expect.any(Number), lowerBound: true },
  });
  expect(Date.parse(failedOver.outs.lastTransition!.finishedAt)).toBeGreaterThanOrEqual(Date.parse(failedOver.outs.lastTransition!.startedAt));
  expect(failedOver.outs).toMatchObject({
    activeSystem: "replica",
    phase: "failedOver",
    primaryAccess: "unreachable",
    replicaAccess: "read-write",
    plannedSteps: [],
    splitBrain: true,
  });
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("failOver"))).toBe(1);
  const written = await writeObjects(t.env.sc, REPLICA, "finance", "during-failover", 12);
  await t.env.advanceClock(3_600_000); // the data written is now an hour behind: the recovery wait has to wait

  // The declared state holds: empty plan, no diff.
  const again = await d.preview(declare("failedOver"));
  expect(again.checked.plannedSteps).toEqual([]);
  expect(again.diff?.changes).toBe(false);

  // Recovery needs the primary: refused in preview and in up, with the reason and the way forward.
  // check fails (so preview and up fail before anything runs) with the refusal on `state`.
  const refusedCheck = await d.checkRaw(declare("replicating"));
  expect(refusedCheck.inputs).toBeUndefined();
  expect(refusedCheck.failures).toEqual([
    { property: "state", reason: expect.stringMatching(/^Refused: hcp-a \(primary\) cannot be reached .*; data recovery onto it \(step 3 onwards\) needs it\. Found: .* Expected: .* Way forward: /) },
  ]);
  await expect(d.preview(declare("replicating"))).rejects.toThrow(/check failures: state: Refused: hcp-a \(primary\) cannot be reached/);
  // The executor refuses the same way when update runs anyway (the systems changed after check), and
  // rejects in Pulumi's partial-state shape.
  const changingBeforeRefusal = await changing(t.env.sc);
  const refused = await expectPartialState<FailoverOutputs>(() => provider.update!(d.id as string, wire(d.outputs as FailoverOutputs), wire(declare("replicating"))));
  d.outputs = wire(refused.properties); // the engine records the partial state
  expect(refused.message).toContain("hcp-a (primary) cannot be reached");
  expect(refused.message).toContain("Found: phase failedOver; hcp-a (primary) unreachable");
  expect(refused.message).toContain('declare state "failedOver"');
  expect(refused.message).toContain('Once hcp-a (primary) answers again, re-run `pulumi up` with state "replicating". Nothing was changed.');
  expect(refused.message).not.toContain(t.env.a.password);
  expect(refused.properties).toMatchObject({ phase: "failedOver", activeSystem: "replica", executedSteps: [], splitBrain: true });
  expect(await changing(t.env.sc)).toEqual(changingBeforeRefusal);

  // The primary is back and was never told: its tenants stay read-write until beginRecovery.
  await t.env.sc.bringUp(PRIMARY);
  expect((await t.env.sc.putObject(PRIMARY, "media", "split-brain-write", "x")).status).toBe(201);
  const refreshed = await d.refresh();
  expect(refreshed.props).toMatchObject({ phase: "failedOver", activeSystem: "replica", primaryAccess: "read-write", replicaAccess: "read-write", splitBrain: true });

  const toRecovering = await d.preview(declare("recovering"));
  expect(toRecovering.checked.plannedSteps?.slice(0, 4)).toEqual(plan9(3, 4, 6));
  // The primary was down at the failover: the preview says whose data recovery overwrites.
  expect(toRecovering.checked.plannedSteps?.slice(4)).toEqual([expect.stringMatching(/^Warning: split brain: .*overwrites the hcp-a version/)]);
  const recovering = await d.up(declare("recovering"));
  expect(executed(recovering.outs)).toEqual([
    [3, "done"],
    [4, "done"],
    [6, "done"],
  ]);
  expect(recovering.outs).toMatchObject({
    activeSystem: "replica",
    phase: "recovering",
    primaryAccess: "read-only",
    replicaAccess: "read-write",
    plannedSteps: [],
    splitBrain: false,
  });
  expect((await t.env.sc.putObject(PRIMARY, "media", "after-begin-recovery", "x")).status).toBe(403);

  // Frozen time: nothing replicates, so the plan to "replicating" still waits for the data (the recovery wait).
  await t.env.sc.setTimeSpeed(0);
  const toReplicating = await d.preview(declare("replicating"));
  expect(toReplicating.checked.plannedSteps).toEqual(plan9(7, 8, 9, 10));
  expect(toReplicating.diff?.changes).toBe(true);
  await t.env.sc.setTimeSpeed(600);

  t.logs.clear();
  const replicating = await d.up(declare("replicating"));
  expect(replicating.outs.lastTransition).toMatchObject({ from: "recovering", to: "replicating", dataBehindAtStart: { source: "live", objects: expect.any(Number) } });
  expect(executed(replicating.outs)).toEqual([
    [7, "done"],
    [8, "done"],
    [9, expect.stringMatching(/^(done|already-done)$/)],
    [10, "noticed"],
  ]);
  expect(replicating.outs).toMatchObject({
    activeSystem: "primary",
    phase: "replicating",
    primaryAccess: "read-write",
    replicaAccess: "read-only",
    plannedSteps: [],
    splitBrain: false,
  });
  // 9.x step 7 polled with progress: phase, data behind and time left.
  expect(t.logs.text()).toMatch(/Step 7 waiting for data to be within 300 s of up to date \(\d.* left\): phase recovering; data behind: \d+ objects/);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("completeRecovery"))).toBe(1);
  expect(await t.env.sc.listObjects(PRIMARY, "finance")).toEqual(expect.arrayContaining(written));
  expect((await t.env.sc.events(PRIMARY)).map((e) => e.message)).toContain("Replication data recovery completed");
  expect((await t.env.sc.state(PRIMARY)).tenants.find((t) => t.name === "finance")?.access).toBe("read-write");
  expect((await t.env.sc.state(REPLICA)).tenants.find((t) => t.name === "finance")?.access).toBe("read-only");

  const settled = await d.preview(declare("replicating"));
  expect(settled.checked.plannedSteps).toEqual([]);
  expect(settled.diff?.changes).toBe(false);
});

test("refresh after an out-of-band failover reports state failedOver and the replica active", async () => {
  const d = failover();
  await d.up(declare("replicating"));
  await t.env.mapi(REPLICA).runLinkAction(LINK, "failOver");

  const read = await d.refresh();
  expect(read.id).toBe(d.id);
  expect(read.inputs).toMatchObject({ state: "failedOver", link: LINK });
  expect(read.props).toMatchObject({ state: "failedOver", activeSystem: "replica", phase: "failedOver", primaryAccess: "read-only", replicaAccess: "read-write" });
  expect(t.logs.text()).toContain('the systems are failedOver, but state was "replicating": changed outside this stack');

  // The program still says "replicating": the next preview plans the recovery.
  const preview = await d.preview(declare("replicating"));
  expect(preview.checked.plannedSteps).toEqual(plan9(3, 4, 6, 7, 8, 9, 10));
  expect(preview.diff?.changes).toBe(true);
});
