/**
 * Load (`npm run test:soak`, not `npm test`): a 50-link site fails over and recovers while the replica flaps
 * (down for 1.5 s every 5 s) and answers bursts of 503. The 50 failover resources are driven as the
 * engine drives a site's links, concurrently, through their providers (tests/faults/support/providerStack.ts),
 * and each `up` that fails is re-run until all converge. Checked: every link replicating again, outputs
 * matching the systems, each action once per link, and every object written on both systems. The figures
 * (links, requests, 503s answered, re-runs needed, peak memory of this process, the provider host here)
 * are written to docs/soak.md, which docs/reliability.md includes.
 */
import { Ledger } from "../faults/support/ledger";
import { installRuntimeHooks, ProviderStack, type UpOutcome } from "../faults/support/providerStack";
import { actionsTakenOn, PRIMARY, REPLICA, simConfig, startSim, waitUntil, type Sim } from "../faults/support/sim";
import { writeSoakSection } from "../faults/support/soakReport";
import type { FailoverState } from "../../provider/resources/replicationFailover";

const LINKS = Number(process.env.LOAD_LINKS ?? 50);
const MAX_UPS = 12;
const names = Array.from({ length: LINKS }, (_, i) => String(i).padStart(2, "0"));

let sim: Sim;
beforeAll(async () => {
  installRuntimeHooks();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
  const base = simConfig();
  sim = await startSim({
    ...base,
    timeSpeed: 1,
    tickMs: 100,
    replicationRate: { objectsPerSecond: 20 },
    links: names.map((n) => ({ name: `link-${n}`, primary: PRIMARY, replica: REPLICA, type: "ACTIVE_PASSIVE" as const, tenants: [`t-${n}`], directories: [], exchangeCertificates: true })),
  });
}, 120_000);
afterAll(async () => sim?.stop());

/** The replica flaps and answers 503 bursts until stopped. */
function flapping(): { stop: () => Promise<void>; downs: () => number; bursts: () => number } {
  let downs = 0;
  let bursts = 0;
  let tick = 0;
  let busy = Promise.resolve();
  const timer = setInterval(() => {
    tick++;
    busy = busy.then(async () => {
      if (tick % 10 === 3) {
        await sim.sc.takeDown(REPLICA);
        downs++;
        setTimeout(() => void sim.sc.bringUp(REPLICA), 1500);
      } else if (tick % 5 === 1) {
        await sim.sc.failNext(REPLICA, 3, 503);
        bursts += 3;
      }
    });
  }, 500);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
      await new Promise((resolve) => setTimeout(resolve, 1600));
      await sim.sc.bringUp(REPLICA);
      await sim.sc.failNext(REPLICA, 0, 503);
    },
    downs: () => downs,
    bursts: () => bursts,
  };
}

/** Runs `up` on every stack still short of `state`, concurrently, until all converge; returns the rounds. */
async function converge(stacks: ProviderStack[], state: FailoverState, reruns: number[]): Promise<number> {
  let pending = stacks.map((_, i) => i);
  let rounds = 0;
  const errors = new Set<string>();
  while (pending.length && rounds < MAX_UPS) {
    rounds++;
    const outcomes: UpOutcome[] = await Promise.all(pending.map((i) => stacks[i].up(state)));
    errors.clear();
    outcomes.forEach((o) => !o.ok && errors.add((o.error?.message ?? "").split("\n")[0].replace(/\d+/g, "#").slice(0, 300)));
    pending = pending.filter((_, k) => !outcomes[k].ok);
    for (const i of pending) reruns[i]++;
    if (pending.length) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (pending.length) throw new Error(`${pending.length} links did not reach ${state} in ${MAX_UPS} rounds; last errors: ${[...errors].join(" | ")}`);
  return rounds;
}

test(`a ${LINKS}-link site fails over and recovers while the replica flaps and answers 503 bursts: all converge, nothing lost`, async () => {
  const stacks = names.map(
    (n) => new ProviderStack(sim.conn(PRIMARY), sim.conn(REPLICA), { only: "failover", linkName: `link-${n}`, waitTimeoutSeconds: 60, pollIntervalSeconds: 1, completeRecoveryWhenBehindSeconds: 300 }),
  );
  const ledger = new Ledger(sim);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const startRss = process.memoryUsage().rss;
  const started = Date.now();
  const reruns = names.map(() => 0);

  await converge(stacks, "replicating", reruns);
  for (const n of names) await ledger.write(PRIMARY, `t-${n}`, `before-${n}`, 2);
  await sim.control("DELETE", "/_sim/requests");
  const flap = flapping();
  const failoverRounds = await converge(stacks, "failedOver", reruns);
  for (const n of names)
    for (let k = 0; k < 3; k++)
      await waitUntil(`writes to ${REPLICA}`, async () => ((await ledger.tryWrite(REPLICA, `t-${n}`, `during-${n}-${k}.txt`, `during ${n}`)) < 300 ? true : undefined), 10_000, 200);
  const recoveryRounds = await converge(stacks, "replicating", reruns);
  await flap.stop();
  clearInterval(sampler);

  const requests = (await sim.sc.requestCounts(PRIMARY)).total + (await sim.sc.requestCounts(REPLICA)).total;
  const taken = await actionsTakenOn(sim, REPLICA);
  const wrong: string[] = [];
  for (const [i, s] of stacks.entries()) {
    const link = await sim.link(REPLICA, `link-${names[i]}`);
    if (link?.phase !== "replicating" || s.failover.outputs?.phase !== "replicating" || s.failover.outputs.activeSystem !== "primary")
      wrong.push(`link-${names[i]}: systems ${link?.phase}, outputs ${s.failover.outputs?.phase}/${s.failover.outputs?.activeSystem}`);
  }
  await waitUntil("replication of every object", async () => ((await ledger.presentOn(REPLICA)).missing.length === 0 ? true : undefined), 60_000, 500);
  const onPrimary = await ledger.presentOn(PRIMARY);
  const onReplica = await ledger.presentOn(REPLICA);
  const figures = {
    links: LINKS,
    seconds: Math.round((Date.now() - started) / 1000),
    requests,
    answered503: flap.bursts(),
    replicaDowns: flap.downs(),
    roundsFailover: failoverRounds,
    roundsRecovery: recoveryRounds,
    linksNeedingReruns: reruns.filter((r) => r > 0).length,
    reruns: reruns.reduce((a, b) => a + b, 0),
    actions: { failOver: taken.failOver ?? 0, beginRecovery: taken.beginRecovery ?? 0, completeRecovery: taken.completeRecovery ?? 0 },
    objects: { written: onPrimary.expected, onPrimary: onPrimary.present, onReplica: onReplica.present },
    peakRssMb: Math.round(peakRss / 1048576),
    rssGrowthMb: Math.round((peakRss - startRss) / 1048576),
  };
  writeFigures(figures);
  expect(wrong).toEqual([]);
  expect(figures.actions).toEqual({ failOver: LINKS, beginRecovery: LINKS, completeRecovery: LINKS });
  expect(onPrimary.missing).toEqual([]);
  expect(onReplica.missing).toEqual([]);
}, 30 * 60_000);

function writeFigures(f: Record<string, unknown> & { links: number }): void {
  const row = (k: string, v: unknown) => `| ${k} | ${typeof v === "object" ? JSON.stringify(v).replace(/[{}"]/g, "").replace(/,/g, ", ") : String(v)} |`;
  writeSoakSection(
    "## Load (tests/soak/load.test.ts)",
    [
      `A ${f.links}-link site, failed over and recovered while ${REPLICA} went down for 1.5 s every 5 s and answered a burst of three 503s every 2.5 s; each link's \`up\` re-run until it converged (written ${new Date().toISOString().slice(0, 10)}). Memory is that of the test process, which hosts the providers here.`,
      "",
      "| figure | value |",
      "|---|---|",
      ...Object.entries(f).map(([k, v]) => row(k, v)),
    ].join("\n"),
  );
}
