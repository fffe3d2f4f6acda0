/**
 * Outages as the operator meets them, at the providers against the simulator over HTTPS: a black-holed
 * primary costs one connect timeout for every resource of a run (the reachability memo), requests and
 * waits are never silent for 10 s, and Ctrl-C (the engine's Cancel, signalled here as cancellation.ts
 * receives it) stops a wait at once, records where it stopped as partial state, and the next `up`
 * continues without sending any action again.
 */
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import { provider as linkProvider } from "../../provider/resources/linkProvider";
import { provider as trustProvider } from "../../provider/resources/certificateTrustProvider";
import { signalCancel, resetCancellation } from "../../provider/resources/cancellation";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import type { LinkInputs, LinkOutputs } from "../../provider/resources/replicationLink";
import type { TrustInputs, TrustOutputs } from "../../provider/resources/replicationCertificateTrust";
import type { SystemConnection } from "../../provider/resources/system";
import { actionRoute, Driver, eventually, executed, expectPartialState, LINK, MAPI, PRIMARY, REPLICA, routeCount, useProviderSuite, writeObjects } from "./helpers";
import { failoverDeclarer } from "./helpers";

const t = useProviderSuite();

/** Connections with a short connect timeout, as an operator may set for a drill. */
const fast = (c: SystemConnection): SystemConnection => ({ ...c, connectTimeoutSeconds: 1 });

const declare = failoverDeclarer(t, () => ({ primary: fast(t.env.a), replica: fast(t.env.b) }));

test("a black-holed primary: every resource of the run learns it from one connect attempt; the failover goes ahead", async () => {
  const bTrustsA = new Driver<TrustInputs, TrustOutputs>(trustProvider);
  const link = new Driver<LinkInputs, LinkOutputs>(linkProvider);
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  const linkInputs: LinkInputs = { primary: fast(t.env.a), replica: fast(t.env.b), linkName: LINK, type: "ACTIVE_PASSIVE", remoteHost: "hcp-b.example.com", tenants: ["finance", "media"] };
  await bTrustsA.up({ certificateOf: fast(t.env.a), trustedBy: fast(t.env.b) });
  await link.up(linkInputs);
  await failover.up(declare("replicating"));

  await t.env.sc.blackHole(PRIMARY);
  await bTrustsA.preview({ certificateOf: fast(t.env.a), trustedBy: fast(t.env.b) }).catch(() => undefined);
  await link.preview(linkInputs).catch(() => undefined);
  const up = await failover.up(declare("failedOver"));
  expect(up.outs).toMatchObject({ activeSystem: "replica", phase: "failedOver", primaryAccess: "unreachable" });
  // One connection reached the black hole; every other read learnt it from the memo.
  expect((await t.env.sc.state(PRIMARY)).heldConnections).toBe(1);
});

test("Ctrl-C during the wait for recovery to come close to up to date (9.x step 7): stops within a second, partial state in phase recovering, the next up continues without a second beginRecovery", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  await failover.up(declare("failedOver"));
  await writeObjects(t.env.sc, REPLICA, "finance", "outage", 3);
  await t.env.advanceClock(3 * 3600 * 1000); // far behind: step 7 (9.x numbering) waits
  // A long poll interval: the wait sleeps 20 s between polls, and must not be silent meanwhile.
  const recovery = declare("replicating", { pollIntervalSeconds: 20, completeRecoveryWhenBehindSeconds: 0 });
  const run = expectPartialState<FailoverOutputs>(() => failover.up(recovery));
  await eventually("step 7 to wait", async () => /Step 7 waiting for/.test(t.logs.text()), 30_000);
  const waitingLine = t.logs.lines.find((l) => /Step 7 waiting for/.test(l)) ?? "";
  expect(waitingLine).toMatch(/Ctrl-C .*`pulumi up` again continues/);
  // Between two polls 20 s apart, a line at least every 8 s says what it waits for.
  await eventually("a heartbeat between polls", async () => /Step 7 waiting for .*: next check in \d+ s/.test(t.logs.text()), 12_000);

  const readsBefore = await routeCount(t.env.sc, REPLICA, `GET ${MAPI}/links/{link}`);
  signalCancel();
  const error = await run;
  // It stopped in the sleep: no further poll, only the one reading that records where it stopped. (Had the
  // sleep run on, the wait would have polled again 20 s later first.)
  expect((await routeCount(t.env.sc, REPLICA, `GET ${MAPI}/links/{link}`)) - readsBefore).toBe(1);
  expect(error.message).toMatch(/^Stopped by Ctrl-C while step 7 was waiting for /);
  expect(error.message).toMatch(/re-run `pulumi up` to continue/);
  expect(error.properties).toMatchObject({ phase: "recovering", activeSystem: "replica" });
  expect(executed(error.properties)).toEqual(expect.arrayContaining([[6, "done"]]));
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);

  // The next up (a new provider process: no Ctrl-C) continues at step 7.
  resetCancellation();
  const next = await failover.up(declare("replicating", { completeRecoveryWhenBehindSeconds: 300 }));
  expect(next.outs).toMatchObject({ phase: "replicating", activeSystem: "primary" });
  expect(executed(next.outs)).toEqual(expect.arrayContaining([[8, "done"]]));
  expect(executed(next.outs).map(([step]) => step)).not.toContain(6);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("beginRecovery"))).toBe(1);
  expect(await routeCount(t.env.sc, REPLICA, actionRoute("completeRecovery"))).toBe(1);
}, 120_000);

test("connectTimeoutSeconds is checked before any request, naming the property and the range", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  const result = await failover.checkRaw({ ...declare("replicating"), primary: { ...t.env.a, connectTimeoutSeconds: 0 } });
  expect(result.failures).toEqual([{ property: "primary.connectTimeoutSeconds", reason: "primary.connectTimeoutSeconds must be a number of seconds from 0.5 to 120; got 0" }]);
});

test("changing connectTimeoutSeconds alone updates no resource (no update then waits for a dead system)", async () => {
  const failover = new Driver<FailoverInputs, FailoverOutputs>(failoverProvider);
  await failover.up(declare("replicating"));
  const retuned = declare("replicating", { primary: { ...t.env.a, connectTimeoutSeconds: 2 }, replica: { ...t.env.b, connectTimeoutSeconds: 2 } });
  const { diff } = await failover.preview(retuned);
  expect(diff?.changes).toBe(false);
  const moved = await failover.preview(declare("replicating", { primary: { ...t.env.a, username: "other" } }));
  expect(moved.diff?.changes).toBe(true);
});
