/**
 * Requests per minute of waiting. The executor (provider/engine/executor.ts) runs in this process exactly
 * as ReplicationFailover's `update` runs it (one MAPI client per system for the whole transition,
 * observeSystems before each step and each poll, the documented defaults: poll every 15 s, 3600 s per
 * wait, complete recovery within 300 s of up to date), but on a virtual clock: its `sleep` advances
 * the executor's clock and the simulator's (frozen) clock by the same amount, so a 30-minute recovery
 * runs in seconds with the real polling schedule. The bare recovery of bench/bare.ts runs on a second
 * simulator with the same workload, polling at the same moments as the executor did in each wait (its
 * sleeps are recorded), so the two differ only in what one poll reads.
 *
 * Workload: while failed over, 10 objects of 180 kB are written on the replica; an hour later recovery
 * begins; replication moves 1 kB/s (simulated), so the data needs 30 minutes to reach the primary.
 */
import * as fs from "fs";
import { startSimulator, type RunningSimulator } from "../simulator";
import { SimulatorClient } from "../simulator/controlClient";
import { MapiClient } from "../provider/mapi/client";
import { observeSystems } from "../provider/engine/observe";
import { FailoverSession } from "../provider/engine/session";
import { connect } from "../provider/resources/runtime";
import type { DeclaredState } from "../provider/model/types";
import { bareFailover, bareRecovery, type BareResult } from "./bare";
import { SimControl } from "./lib/simControl";
import { simulatorConfig, type LinkSet } from "./scenarios";

/** ReplicationFailover's defaults (README, provider/resources/failoverProvider.ts). */
export const DEFAULTS = { pollIntervalSeconds: 15, waitTimeoutSeconds: 3600, completeRecoveryWhenBehindSeconds: 300 };

const set: LinkSet = { prefix: "poll", count: 1, tenantsPerLink: 1, primary: "hcp-a", replica: "hcp-b" };
const LINK = "poll-01";
const TENANT = "poll-01-t001";
/** 10 objects of 180 kB at 1 kB/s (simulated): 30 minutes of recovery. */
const OBJECTS = 10;
const OBJECT_BYTES = 180_000;
const BYTES_PER_SECOND = 1000;
/** How long the link stays failed over after the writes, before recovery begins. */
const FAILED_OVER_MS = 3600_000;

export interface PollSample {
  /** Virtual ms since the transition started. */
  atMs: number;
  /** Requests sent so far in the transition. */
  requests: number;
}

export interface ExecutorTransition {
  declared: DeclaredState;
  /** Virtual epoch ms at the start. */
  startedAt: number;
  requests: number;
  observations: number;
  virtualMs: number;
  samples: PollSample[];
  steps: Array<{ id: string; outcome: string; startedAtMs: number; finishedAtMs: number }>;
}

export interface PollingResults {
  settings: typeof DEFAULTS & { objects: number; objectBytes: number; bytesPerSecond: number };
  failover: ExecutorTransition;
  recovery: ExecutorTransition;
  bareFailover: BareResult;
  bareRecovery: BareResult;
  /** Requests of one observation (both systems up). */
  requestsPerObservation: number;
  /** The waits of the recovery (steps 8 and 10), from the executor's records. */
  /** `byMinute`: requests per minute of the wait; `pollsByMinute`: observations per minute. */
  wait: { ms: number; polls: number; requests: number; perMinute: number; byMinute: number[]; pollsByMinute: number[] };
  bareWait: { ms: number; polls: number; requests: number; perMinute: number };
  /** Real time of one observation (observeSystems), median of 3: with new clients, with reused clients, primary down. */
  observationMs: { freshClients: number; reusedClients: number; primaryDown: number; primaryDownRequests: number };
}

class VirtualClock {
  private t = Date.now();
  /** Every sleep: when it began and how long it was. */
  readonly sleeps: Array<{ at: number; ms: number }> = [];
  constructor(private readonly control: SimControl) {}
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push({ at: this.t, ms });
    this.t += ms;
    await this.control.advanceClock(ms);
  };
  /** Time passes without anyone polling (the link stays failed over). */
  pass = (ms: number): Promise<void> => {
    this.t += ms;
    return this.control.advanceClock(ms);
  };
}

async function startFrozen(): Promise<{ sim: RunningSimulator; control: SimControl; sc: SimulatorClient }> {
  const sim = await startSimulator(simulatorConfig([set], { timeSpeed: 0, replicationRate: { bytesPerSecond: BYTES_PER_SECOND } }));
  return { sim, control: new SimControl(sim), sc: new SimulatorClient(sim) };
}

async function writeWorkload(sc: SimulatorClient, system: string): Promise<void> {
  const body = "x".repeat(OBJECT_BYTES);
  for (let i = 1; i <= OBJECTS; i++) {
    const res = await sc.putObject(system, TENANT, `during-failover-${i}.bin`, body);
    if (res.status >= 300) throw new Error(`write refused: HTTP ${res.status} ${res.message ?? ""}`);
  }
}

function connection(sim: RunningSimulator, name: string) {
  const s = sim.systems.find((x) => x.name === name);
  if (!s) throw new Error(`no system ${name}`);
  return { name, endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: fs.readFileSync(s.caFile, "utf8") };
}

/** One `update` of ReplicationFailover, as failoverProvider's converge() runs it (a FailoverSession), on the virtual clock. */
async function transition(sim: RunningSimulator, clock: VirtualClock, declared: DeclaredState): Promise<ExecutorTransition> {
  const clients = { primary: connect(connection(sim, "hcp-a")), replica: connect(connection(sim, "hcp-b")) };
  const sent = () => clients.primary.requestCount + clients.replica.requestCount;
  const start = clock.now();
  const samples: PollSample[] = [];
  let observations = 0;
  // Every observation reads the replica's link once: count them there.
  const replica = clients.replica;
  const counted = {
    primary: clients.primary,
    replica: Object.assign(Object.create(replica) as MapiClient, {
      getLink: async (...args: Parameters<MapiClient["getLink"]>) => {
        const link = await replica.getLink(...args);
        observations++;
        samples.push({ atMs: clock.now() - start, requests: sent() });
        return link;
      },
    }),
  };
  const declaration = {
    link: LINK,
    primaryName: "hcp-a",
    replicaName: "hcp-b",
    state: declared,
    dnsFailover: false,
    completeRecoveryWhenBehindSeconds: DEFAULTS.completeRecoveryWhenBehindSeconds,
    waitTimeoutSeconds: DEFAULTS.waitTimeoutSeconds,
    pollIntervalSeconds: DEFAULTS.pollIntervalSeconds,
    maxDataLossSeconds: 0,
    acceptDataLoss: false,
    endpoints: { primary: clients.primary.endpoint, replica: clients.replica.endpoint },
  };
  const session = new FailoverSession(declaration, {}, { log: () => undefined, sleep: clock.sleep, now: clock.now, throwIfCancelled: () => undefined });
  const result = await session.converge(counted);
  clients.primary.close();
  clients.replica.close();
  return {
    declared,
    startedAt: start,
    requests: sent(),
    observations,
    virtualMs: clock.now() - start,
    samples,
    steps: result.executed.map((e) => ({
      id: e.id,
      outcome: e.outcome,
      startedAtMs: Date.parse(e.startedAt) - start,
      finishedAtMs: Date.parse(e.finishedAt) - start,
    })),
  };
}

function mapi(sim: RunningSimulator, name: string): MapiClient {
  const c = connection(sim, name);
  return new MapiClient({ endpoint: c.endpoint, username: c.username, password: c.password, caCertificate: c.caCertificate });
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median3 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** What one observation costs in real time: new clients (TLS set-up), reused clients, the primary down. */
async function observationCost(): Promise<PollingResults["observationMs"]> {
  const { sim } = await startFrozen();
  const sc = new SimulatorClient(sim);
  try {
    const fresh = () => ({ primary: connect(connection(sim, "hcp-a")), replica: connect(connection(sim, "hcp-b")) });
    const freshMs: number[] = [];
    for (let i = 0; i < 3; i++) freshMs.push(await timeIt(() => observeSystems(fresh(), LINK)));
    const reused = fresh();
    await observeSystems(reused, LINK);
    const reusedMs: number[] = [];
    for (let i = 0; i < 3; i++) reusedMs.push(await timeIt(() => observeSystems(reused, LINK)));
    await sc.takeDown("hcp-a");
    const down = fresh();
    const downMs = await timeIt(() => observeSystems(down, LINK));
    for (const c of [reused.primary, reused.replica, down.primary, down.replica]) c.close();
    return { freshClients: median3(freshMs), reusedClients: median3(reusedMs), primaryDown: downMs, primaryDownRequests: down.primary.requestCount + down.replica.requestCount };
  } finally {
    await sim.stop();
  }
}

export async function runPollingBench(log: (line: string) => void): Promise<PollingResults> {
  const observationMs = await observationCost();
  // The provider's executor.
  const p = await startFrozen();
  let failover: ExecutorTransition;
  let recovery: ExecutorTransition;
  let executorSleeps: Array<{ at: number; ms: number }> = [];
  try {
    const clock = new VirtualClock(p.control);
    failover = await transition(p.sim, clock, "failedOver");
    await writeWorkload(p.sc, "hcp-b");
    await clock.pass(FAILED_OVER_MS);
    recovery = await transition(p.sim, clock, "replicating");
    executorSleeps = clock.sleeps;
    const state = await p.sc.state("hcp-a");
    if (state.links.find((l) => l.name === LINK)?.phase !== "replicating") throw new Error("polling bench: the recovery did not finish");
  } finally {
    await p.sim.stop();
  }
  // The executor's sleeps in each wait of the recovery, which the bare calls replay.
  const sleepsIn = (id: string): number[] => {
    const s = recovery.steps.find((x) => x.id === id);
    if (!s) return [];
    const from = recovery.startedAt + s.startedAtMs;
    const to = recovery.startedAt + s.finishedAtMs;
    return executorSleeps.filter((x) => x.at >= from && x.at < to).map((x) => x.ms);
  };
  const schedule = { step8: sleepsIn("waitCloseToUpToDate"), step10: sleepsIn("waitRecoveryFinished"), failover: [] as number[] };
  const first = DEFAULTS.pollIntervalSeconds * 1000;
  const intervalMs = (wait: keyof typeof schedule, k: number): number => {
    const list = schedule[wait];
    return list.length === 0 ? first : list[Math.min(k, list.length - 1)];
  };

  // The bare calls, same workload and schedule.
  const b = await startFrozen();
  let bareF: BareResult;
  let bareR: BareResult;
  try {
    const clock = new VirtualClock(b.control);
    const timing = { sleep: clock.sleep, now: clock.now, intervalMs, timeoutMs: DEFAULTS.waitTimeoutSeconds * 1000 };
    const replica = mapi(b.sim, "hcp-b");
    const primary = mapi(b.sim, "hcp-a");
    bareF = await bareFailover(replica, LINK, timing);
    await writeWorkload(b.sc, "hcp-b");
    await clock.pass(FAILED_OVER_MS);
    bareR = await bareRecovery(primary, replica, LINK, { completeWhenBehindSeconds: DEFAULTS.completeRecoveryWhenBehindSeconds }, timing);
    primary.close();
    replica.close();
  } finally {
    await b.sim.stop();
  }

  // The waits: from the start of step 8 to the end of step 10 (the executor's own records).
  const s8 = recovery.steps.find((s) => s.id === "waitCloseToUpToDate");
  const s10 = recovery.steps.find((s) => s.id === "waitRecoveryFinished");
  if (!s8 || !s10) throw new Error("polling bench: the recovery did not wait in steps 8 and 10");
  const from = s8.startedAtMs;
  const to = s10.finishedAtMs;
  const inWait = recovery.samples.filter((s) => s.atMs > from && s.atMs <= to);
  const before = [...recovery.samples].reverse().find((s) => s.atMs <= from)?.requests ?? 0;
  const waitRequests = (inWait.at(-1)?.requests ?? before) - before;
  const byMinute: number[] = [];
  const pollsByMinute: number[] = [];
  let last = before;
  for (const s of inWait) {
    const minute = Math.floor((s.atMs - from - 1) / 60000);
    byMinute[minute] = (byMinute[minute] ?? 0) + (s.requests - last);
    pollsByMinute[minute] = (pollsByMinute[minute] ?? 0) + 1;
    last = s.requests;
  }
  for (let i = 0; i < byMinute.length; i++) {
    byMinute[i] ??= 0;
    pollsByMinute[i] ??= 0;
  }
  const firstObs = failover.samples[0]?.requests ?? NaN;
  const bareWaitPolls = bareR.polls;
  const result: PollingResults = {
    settings: { ...DEFAULTS, objects: OBJECTS, objectBytes: OBJECT_BYTES, bytesPerSecond: BYTES_PER_SECOND },
    failover,
    recovery,
    bareFailover: bareF,
    bareRecovery: bareR,
    requestsPerObservation: firstObs,
    wait: { ms: to - from, polls: inWait.length, requests: waitRequests, perMinute: waitRequests / ((to - from) / 60000), byMinute, pollsByMinute },
    bareWait: { ms: bareR.waitedMs, polls: bareWaitPolls, requests: bareWaitPolls, perMinute: bareWaitPolls / (bareR.waitedMs / 60000) },
    observationMs,
  };
  log(
    `  executor: failover ${failover.requests} req, recovery ${recovery.requests} req over ${(recovery.virtualMs / 60000).toFixed(1)} virtual min ` +
      `(${recovery.observations} observations of ${firstObs} req); waiting ${(result.wait.ms / 60000).toFixed(1)} min: ${waitRequests} req = ${result.wait.perMinute.toFixed(1)}/min`,
  );
  log(`  bare: failover ${bareF.requests} req, recovery ${bareR.requests} req (${bareR.polls} polls over ${(bareR.waitedMs / 60000).toFixed(1)} min)`);
  return result;
}
