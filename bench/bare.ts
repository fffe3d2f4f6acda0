/**
 * The bare MAPI calls of each transition, as a careful script would make them without Pulumi: the
 * reference for "the minimum the procedure needs". One MAPI client per system (one TLS context), the
 * link read before acting (phase), every action sent once, its effect confirmed, and waits that read
 * only what they wait on:
 *
 * - failover (seed step 1): GET the link on the replica (must be replicating: "Receiving data", or
 *   "Stalled link" while the primary is down), POST `?failOver` on the
 *   replica, GET it again until it shows "Failed over". Minimum: 3 requests.
 * - full recovery (steps 3-11, current release, link not broken): GET the link on both systems (the
 *   primary must still have it, else `restore` is needed), POST `?beginRecovery`, poll the replica's
 *   link statistics until close to up to date (step 8), POST `?completeRecovery`, poll the replica until
 *   it receives data again (step 10), GET the primary to confirm it sends. Minimum: 7 requests plus one
 *   per extra poll. Certificate trust (step 3) is not read: ReplicationCertificateTrust covers it, and
 *   HCP refuses beginRecovery without it.
 */
import type { MapiClient } from "../provider/mapi/client";
import type { LinkView } from "../provider/mapi/types";

export interface BareResult {
  requests: number;
  ms: number;
  /** Time of the action request(s) alone. */
  actionMs: number;
  polls: number;
  /** Virtual or real ms spent sleeping between polls. */
  waitedMs: number;
}

export interface BareTiming {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Sleep before poll `k + 1` of wait `wait` (each wait's polls counted from 0). */
  intervalMs: (wait: "failover" | "step8" | "step10", k: number) => number;
  timeoutMs: number;
}

const realTiming = (pollMs: number): BareTiming => ({
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: Date.now,
  intervalMs: () => pollMs,
  timeoutMs: 300_000,
});

function expectMessage(link: LinkView | null, side: string, wanted: string[]): LinkView {
  if (!link) throw new Error(`bare: no link on the ${side}`);
  if (!wanted.includes(link.statusMessage ?? "")) {
    throw new Error(`bare: the ${side} shows "${link.statusMessage}", expected ${wanted.map((w) => `"${w}"`).join(" or ")}`);
  }
  return link;
}

async function pollUntil(
  timing: BareTiming,
  wait: "failover" | "step8" | "step10",
  read: () => Promise<LinkView | null>,
  done: (link: LinkView) => boolean,
): Promise<{ polls: number; waitedMs: number }> {
  const start = timing.now();
  let polls = 0;
  for (;;) {
    polls++;
    const link = await read();
    if (link && done(link)) return { polls, waitedMs: timing.now() - start };
    if (timing.now() - start > timing.timeoutMs) throw new Error(`bare: timed out (last status "${link?.statusMessage}")`);
    await timing.sleep(timing.intervalMs(wait, polls - 1));
  }
}

const count = (clients: MapiClient[]) => clients.reduce((n, c) => n + c.requestCount, 0);

/** Seed step 1 on the replica. */
export async function bareFailover(replica: MapiClient, linkName: string, timing: BareTiming = realTiming(1000)): Promise<BareResult> {
  const before = count([replica]);
  const t0 = process.hrtime.bigint();
  // "Stalled link": replicating, but the primary does not answer (the core case of a failover).
  expectMessage(await replica.getLink(linkName, { verbose: true }), "replica", ["Receiving data", "Stalled link"]);
  const a0 = process.hrtime.bigint();
  await replica.runLinkAction(linkName, "failOver");
  const actionMs = Number(process.hrtime.bigint() - a0) / 1e6;
  const wait = await pollUntil(timing, "failover", () => replica.getLink(linkName, { verbose: true }), (l) => l.statusMessage === "Failed over");
  return { requests: count([replica]) - before, ms: Number(process.hrtime.bigint() - t0) / 1e6, actionMs, polls: wait.polls, waitedMs: wait.waitedMs };
}

/** Data behind on the replica (the sender during recovery), as the planner reads it. */
function closeToUpToDate(link: LinkView, nowMs: number, thresholdSeconds: number): boolean {
  const s = link.statistics ?? {};
  if (s.objectsPending === 0 && s.bytesPending === 0) return true;
  if (s.upToDateAsOfMillis === undefined) return false;
  return (nowMs - s.upToDateAsOfMillis) / 1000 <= thresholdSeconds;
}

/** The system's clock as its last response showed it (link statistics are on that clock). */
function systemNow(client: MapiClient, fallback: number): number {
  const withClock = client as MapiClient & { serverNow?: () => number | undefined };
  return withClock.serverNow?.() ?? fallback;
}

/** Seed steps 3-11 from failed over, current release, link not broken. */
export async function bareRecovery(
  primary: MapiClient,
  replica: MapiClient,
  linkName: string,
  options: { completeWhenBehindSeconds: number },
  timing: BareTiming = realTiming(1000),
): Promise<BareResult> {
  const before = count([primary, replica]);
  const t0 = process.hrtime.bigint();
  const start = timing.now();
  expectMessage(await replica.getLink(linkName, { verbose: true }), "replica", ["Failed over"]);
  if (!(await primary.getLink(linkName, { verbose: true }))) throw new Error("bare: the primary lost the link (restore needed)");
  let actionNs = 0n;
  const act = async (action: "beginRecovery" | "completeRecovery") => {
    const a0 = process.hrtime.bigint();
    await replica.runLinkAction(linkName, action);
    actionNs += process.hrtime.bigint() - a0;
  };
  await act("beginRecovery");
  const w8 = await pollUntil(
    timing,
    "step8",
    () => replica.getLink(linkName, { verbose: true }),
    (l) => l.statusMessage === "Recovering data" && closeToUpToDate(l, systemNow(replica, timing.now()), options.completeWhenBehindSeconds),
  );
  await act("completeRecovery");
  const w10 = await pollUntil(timing, "step10", () => replica.getLink(linkName, { verbose: true }), (l) => l.statusMessage === "Receiving data");
  expectMessage(await primary.getLink(linkName, { verbose: true }), "primary", ["Sending data"]);
  return {
    requests: count([primary, replica]) - before,
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    actionMs: Number(actionNs) / 1e6,
    polls: w8.polls + w10.polls,
    waitedMs: timing.now() - start,
  };
}
