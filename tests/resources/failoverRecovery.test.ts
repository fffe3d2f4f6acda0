/**
 * Recovery paths of ReplicationFailover with ReplicationCertificateTrust, against the simulator over
 * HTTPS: a rebuilt primary, a run stopped after beginRecovery and resumed, faults (503s, latency) while
 * waiting, and a cross-release link that a person must accept in the console.
 */
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import {
  actionRoute,
  Driver,
  eventually,
  executed,
  expectPartialState,
  LINK,
  MAPI,
  PRIMARY,
  REPLICA,
  routeCount,
  useProviderSuite,
  plan7,
  plan9,
  steps,
  writeObjects,
} from "./helpers";
import { failoverDeclarer } from "./helpers";

const t = useProviderSuite();

const declare = failoverDeclarer(t);

interface Summary {
  softwareVersion: string;
  serverCertificate: { fingerprintSha256: string; subjectDN: string };
  trustedCertificates: Array<{ id: string; fingerprintSha256: string }>;
  faults: { failNext: number; latencyMs: number };
}
const summary = async (name: string) => (await t.env.sc.state(name)) as unknown as Summary;
/** Fingerprints compared as plain lower-case hex (the provider writes AA:BB:…, the simulator aabb…). */
const hex = (fingerprint: string | undefined) => fingerprint?.replace(/:/g, "").toLowerCase();

/** The failover resource and both certificate trusts, created while everything is healthy. */
async function healthyStack() {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  const bTrustsA = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  const aTrustsB = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  await bTrustsA.up({ certificateOf: t.env.a, trustedBy: t.env.b });
  await aTrustsB.up({ certificateOf: t.env.b, trustedBy: t.env.a });
  await failover.up(declare("replicating"));
  return { failover, bTrustsA, aTrustsB };
}

test("rebuilt primary: trusts see it in preview and re-upload; the failover restores the link (step 5) and recovers", async () => {
  const { failover, bTrustsA, aTrustsB } = await healthyStack();
  const oldFingerprint = hex(bTrustsA.outputs?.fingerprintSha256);
  await failover.up(declare("failedOver"));
  const written = await writeObjects(t.env.sc, REPLICA, "finance", "while-rebuilt", 12);
  await t.env.sc.rebuild(PRIMARY, false); // new server certificate, no links, no trusted certificates, no objects

  // Preview of the trusts: hcp-a's certificate is new (b no longer trusts it), hcp-a trusts nothing.
  const bTrustsAPreview = await bTrustsA.preview({ certificateOf: t.env.a, trustedBy: t.env.b });
  const newFingerprint = hex((await summary(PRIMARY)).serverCertificate.fingerprintSha256);
  expect(newFingerprint).not.toBe(oldFingerprint);
  expect(bTrustsAPreview.checked.liveStatus).toBe("missing");
  expect(hex(bTrustsAPreview.checked.liveFingerprintSha256)).toBe(newFingerprint);
  expect(bTrustsAPreview.diff?.changes).toBe(true);
  const aTrustsBPreview = await aTrustsB.preview({ certificateOf: t.env.b, trustedBy: t.env.a });
  expect(aTrustsBPreview.checked).toMatchObject({ liveStatus: "missing", liveFingerprintSha256: aTrustsB.outputs?.fingerprintSha256 });
  expect(aTrustsBPreview.diff?.changes).toBe(true);

  // The failover's preview: the link is broken on the primary, so restore (5) is in the plan.
  const plan = await failover.preview(declare("replicating"));
  expect(plan.checked.plannedSteps).toEqual(plan9(3, 4, 5, 6, 7, 8, 9, 10));

  // Up before the trusts are fixed stops at step 3 and changes nothing.
  const untrusted = await expectPartialState<FailoverOutputs>(() => failover.up(declare("replicating")));
  expect(untrusted.message).toContain("hcp-a (primary) does not trust the replication server certificate of hcp-b (replica)");
  expect(untrusted.message).toContain("hcp-b (replica) does not trust the replication server certificate of hcp-a (primary)");
  expect(untrusted.message).toContain("ReplicationCertificateTrust");
  expect(untrusted.properties).toMatchObject({ phase: "failedOver", activeSystem: "replica" });
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("restore"))).toBe(0);

  // Up of the trusts uploads each certificate once; the superseded one is removed from hcp-b.
  const bTrustsAUp = await bTrustsA.up({ certificateOf: t.env.a, trustedBy: t.env.b });
  const aTrustsBUp = await aTrustsB.up({ certificateOf: t.env.b, trustedBy: t.env.a });
  expect(bTrustsAUp.operation).toBe("update");
  expect(aTrustsBUp.operation).toBe("update");
  expect(await routeCount(t.env.sc, REPLICA, `PUT ${MAPI}/certificates`)).toBe(1);
  expect(await routeCount(t.env.sc, PRIMARY, `PUT ${MAPI}/certificates`)).toBe(1);
  expect(bTrustsAUp.outs.liveStatus).toBe("trusted");
  expect(hex(bTrustsAUp.outs.fingerprintSha256)).toBe(newFingerprint);
  const trustedByB = (await summary(REPLICA)).trustedCertificates;
  expect(trustedByB.map((c) => hex(c.fingerprintSha256))).toContain(newFingerprint);
  expect(trustedByB.map((c) => hex(c.fingerprintSha256))).not.toContain(oldFingerprint);
  expect(trustedByB.map((c) => c.id)).toContain(bTrustsAUp.outs.certificateId);
  expect((await summary(PRIMARY)).trustedCertificates.map((c) => c.id)).toEqual([aTrustsBUp.outs.certificateId]);

  // The failover restores the link from the replica and recovers every object onto the rebuilt primary.
  const recovered = await failover.up(declare("replicating"));
  expect(executed(recovered.outs)).toEqual([
    [3, "done"],
    [4, "done"],
    [5, "done"],
    [6, "done"],
    [7, expect.stringMatching(/^(done|already-done)$/)],
    [8, "done"],
    [9, expect.stringMatching(/^(done|already-done)$/)],
    [10, "noticed"],
  ]);
  expect(recovered.outs).toMatchObject({ phase: "replicating", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "read-only" });
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("restore"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect(await t.env.sc.listObjects(PRIMARY, "finance")).toEqual(expect.arrayContaining(written));
});

test("a run stopped in step 8 (after beginRecovery) rejects with partial state; the next run resumes without a second beginRecovery", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  await writeObjects(t.env.sc, REPLICA, "finance", "crash", 20);
  await t.env.advanceClock(3_600_000); // the data written is now an hour behind: step 8 has to wait

  const stopped = await expectPartialState<FailoverOutputs>(() => failover.up(declare("replicating", { waitTimeoutSeconds: 1 })));
  expect(stopped.id).toBe(failover.id);
  expect(stopped.message).toMatch(/^Timed out after 1s \(waitTimeoutSeconds\) waiting for step 7 \(Wait until data recovery on link link-ab is within 300 s of up to date\)/);
  expect(stopped.message).toContain("re-run `pulumi up` to continue from the step that stopped");
  expect(stopped.reasons[0]).toContain("Last seen: phase recovering; data behind:");
  expect(stopped.properties).toMatchObject({ phase: "recovering", activeSystem: "replica", state: "replicating" });
  expect(executed(stopped.properties)).toEqual([
    [3, "done"],
    [4, "done"],
    [6, "done"],
  ]);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);

  // The engine keeps the partial state; the next up starts from it and from the live systems.
  const resumed = await failover.up(declare("replicating"));
  expect(resumed.checked.plannedSteps?.[1]).toMatch(/^(7|8)\. /);
  expect(resumed.checked.plannedSteps).not.toContain(steps(6)[0]);
  expect(resumed.outs).toMatchObject({ phase: "replicating", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "read-only" });
  expect(executed(resumed.outs).map(([n]) => n)).toEqual(expect.arrayContaining([8, 9, 10]));
  expect(executed(resumed.outs).map(([n]) => n)).not.toContain(6);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("completeRecovery"))).toBe(1);
});

test("503s and latency while waiting for recovery: polls ride them out and every action is sent once", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  // 503s on the first reads of the failover (safe reads are retried) and latency on both systems.
  await t.env.sc.failNext(REPLICA, 2);
  await t.env.sc.setLatency(PRIMARY, 100);
  await failover.up(declare("failedOver"));
  expect((await summary(REPLICA)).faults.failNext).toBe(0);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("failOver"))).toBe(1);
  await writeObjects(t.env.sc, REPLICA, "finance", "faults", 12);
  await t.env.advanceClock(3_600_000); // the data written is now an hour behind: step 8 has to wait

  const running = failover.up(declare("replicating"));
  await eventually("the recovery wait (9.x step 7)", async () => t.logs.text().includes("Step 7 waiting"), 15_000);
  // More 503s than a read retries: one poll sees the replica unreachable, later polls recover.
  await t.env.sc.failNext(REPLICA, 6);
  await t.env.sc.setLatency(REPLICA, 150);
  const done = await running;
  expect(done.outs).toMatchObject({ phase: "replicating", activeSystem: "primary" });
  expect(executed(done.outs).map(([n]) => n)).toEqual([3, 4, 6, 7, 8, 9, 10]);
  expect((await summary(REPLICA)).faults.failNext).toBe(0);
  expect(t.logs.text()).toMatch(/hcp-b \(replica\) unreachable \([^)]*503/);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("completeRecovery"))).toBe(1);
});

test("cross-release link to a 7.x system (the 7.x table): up waits at step 6, printing what a person must do, until the request is accepted", async () => {
  const { failover, bTrustsA, aTrustsB } = await healthyStack();
  await failover.up(declare("failedOver"));
  await writeObjects(t.env.sc, REPLICA, "media", "cross-release", 6);
  await t.env.sc.setSoftwareVersion(PRIMARY, "7.3.1");
  await t.env.sc.rebuild(PRIMARY, false);
  await bTrustsA.up({ certificateOf: t.env.a, trustedBy: t.env.b });
  await aTrustsB.up({ certificateOf: t.env.b, trustedBy: t.env.a });

  const plan = await failover.preview(declare("replicating"));
  expect(plan.checked.plannedSteps).toEqual(plan7(3, 4, 5, 6, 7, 8, 9, 10, 11));

  t.logs.clear();
  const running = failover.up(declare("replicating", { waitTimeoutSeconds: 60 }));
  let settled = false;
  void running.then(
    () => (settled = true),
    () => (settled = true),
  );
  await eventually("the pending request on hcp-a", async () => (await t.env.sc.pendingRequests(PRIMARY)).some((r) => r.link === LINK), 15_000);
  await eventually("the operator instructions", async () => t.logs.text().includes("Step 6 waiting for a person"), 15_000);
  const text = t.logs.text();
  expect(text).toContain("Step 6 ACTION REQUIRED: a person must accept the restored link link-ab on hcp-a (primary) (cross-release link; MAPI cannot accept it).");
  const consoleUrl = t.env.a.endpoint.replace(/:\d+$/, ":8000");
  expect(text).toContain(`1. Sign in to the System Management Console of hcp-a (primary) at ${consoleUrl} (the admin host of MAPI endpoint ${t.env.a.endpoint})`);
  expect(text).toContain("3. Accept the request. Do not reject it: that undoes the restore.");
  expect(text).toMatch(/Waiting until \S+ \((1m|59s)\), checking every 1 s/);
  // It waits: polls go on (two more readings of the primary, polled every second) and nothing is sent meanwhile.
  const polled = await routeCount(t.env.sc, PRIMARY, `GET ${MAPI}/links/{link}`);
  await eventually("two more polls of the pending request", async () => (await routeCount(t.env.sc, PRIMARY, `GET ${MAPI}/links/{link}`)) >= polled + 2, 15_000);
  expect(settled).toBe(false);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(0);

  await t.env.sc.acceptPendingRequest(PRIMARY, LINK);
  const done = await running;
  expect(executed(done.outs)).toEqual([
    [3, "done"],
    [4, "done"],
    [5, "done"],
    [6, "done"],
    [7, "done"],
    [8, expect.stringMatching(/^(done|already-done)$/)],
    [9, "done"],
    [10, expect.stringMatching(/^(done|already-done)$/)],
    [11, "noticed"],
  ]);
  expect(done.outs).toMatchObject({ phase: "replicating", activeSystem: "primary" });
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("restore"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect((await summary(PRIMARY)).softwareVersion).toBe("7.3.1");
});

test("recoveryPerformanceLevel HIGH: data recovery runs at HIGH, and the override found before is put back once it finishes", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  const replica = t.env.mapi(REPLICA);
  await replica.setScheduleOverride(LINK, "remote", "LOW"); // set out of band, as an administrator might have
  await writeObjects(t.env.sc, REPLICA, "finance", "fast", 12);

  const plan = await failover.preview(declare("replicating", { recoveryPerformanceLevel: "HIGH" }));
  expect(plan.checked.keptScheduleOverride).toBe("LOW");
  expect(plan.checked.plannedSteps?.join("\n")).toContain("set the schedule override of link link-ab to HIGH for data recovery");

  const done = await failover.up(declare("replicating", { recoveryPerformanceLevel: "HIGH" }));
  expect(done.outs).toMatchObject({ phase: "replicating", activeSystem: "primary" });
  const titles = done.outs.executedSteps.map((s) => `${s.label}: ${s.title} [${s.outcome}]`);
  const raised = titles.findIndex((s) => s.includes("to HIGH for data recovery") && s.endsWith("[done]"));
  const begun = titles.findIndex((s) => s.startsWith("6:"));
  const putBack = titles.findIndex((s) => s.includes("put back the schedule override") && s.includes("(LOW)") && s.endsWith("[done]"));
  expect(raised).toBeGreaterThanOrEqual(0);
  expect(begun).toBeGreaterThan(raised);
  expect(putBack).toBeGreaterThan(begun);
  expect((await replica.getSchedule(LINK)).remote?.scheduleOverride).toBe("LOW");
  expect(await routeCount(t.env.sc, REPLICA, `POST ${MAPI}/links/{link}/schedule`)).toBe(3); // ours: LOW; the provider: HIGH, LOW

  // Once the link replicates at the override found, nothing is kept and nothing more is planned.
  const after = await failover.preview(declare("replicating", { recoveryPerformanceLevel: "HIGH" }));
  expect(after.checked.keptScheduleOverride).toBeUndefined();
  expect(after.checked.plannedSteps).toEqual([]);
});

test("recoveryPerformanceLevel: a run stopped after raising the override puts it back when resumed (the engine keeps the old inputs)", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  await writeObjects(t.env.sc, REPLICA, "finance", "slow", 20);
  await t.env.advanceClock(3_600_000); // an hour behind: step 7 has to wait

  const stopped = await expectPartialState<FailoverOutputs>(() => failover.up(declare("replicating", { recoveryPerformanceLevel: "HIGH", waitTimeoutSeconds: 1 })));
  expect(stopped.properties.keptScheduleOverride).toBe("NONE");
  const replica = t.env.mapi(REPLICA);
  expect((await replica.getSchedule(LINK)).remote?.scheduleOverride).toBe("HIGH");
  expect(failover.inputs?.keptScheduleOverride).toBeUndefined(); // check will not see it

  const resumed = await failover.up(declare("replicating", { recoveryPerformanceLevel: "HIGH" }));
  expect(resumed.outs.phase).toBe("replicating");
  expect(resumed.outs.executedSteps.map((s) => s.title)).toEqual(expect.arrayContaining([expect.stringContaining("put back the schedule override of link link-ab found before data recovery (NONE)")]));
  expect(resumed.outs.keptScheduleOverride).toBeUndefined();
  expect((await replica.getSchedule(LINK)).remote?.scheduleOverride).toBe("NONE");
});
