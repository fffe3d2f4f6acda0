/**
 * Whole-site failover: `pulumi up` of examples/site taking a primary system out of service with 50
 * links, against the same with one link, side by side in one run and one simulator (systems s1-p -> s1-r
 * with one link, s50-p -> s50-r with 50). The primary is down in both (the core case). Requests per link
 * are compared with the bare minimum of a failover (bench/bare.ts: 3 requests). The program runs as a user
 * has it: its compiled entry point next to the package installed from `npm pack`, outside the repository
 * (installed, Pulumi stores each resource's provider as a reference to the package: lazyProvider.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, type RunningSimulator } from "../simulator";
import { SimulatorClient } from "../simulator/controlClient";
import { projectRoot } from "../examples/demo/workspace";
import { installPacked, packPackage } from "../examples/demo/packedPackage";
import { BenchStack } from "./lib/cli";
import { SimControl } from "./lib/simControl";
import { max, median, min } from "./lib/stats";
import { commandPhases, type CommandPhases } from "./lib/trace";
import { linksOf, simulatorConfig, type LinkSet } from "./scenarios";

/** The fewest requests a failover of one link needs (bench/bare.ts). */
export const BARE_FAILOVER_REQUESTS = 3;
export const SITE_TARGETS = { wallVsOneLink: 2, requestsVsMinimum: 2 };
/** `pulumi up --parallel` (PULUMI_PARALLEL) of both sites: at least one operation per link. */
export const SITE_PARALLEL = 64;

export interface SiteRun {
  links: number;
  wallMs: number;
  requests: number;
  /** Where the time went, from the CLI's OpenTelemetry trace. */
  phases?: CommandPhases;
}

export interface SiteResults {
  reps: Array<{ one: SiteRun; many: SiteRun }>;
  links: number;
  measuredAt: string;
  /** Load average when the measurement began. */
  load: number[];
  cpus: number;
}

/** examples/site as a user runs it: its compiled program in `dir`, with the package packed and installed there. */
async function installedSiteProgram(dir: string): Promise<string> {
  const packed = await packPackage(dir);
  const program = path.join(dir, "site");
  await installPacked(program, packed.tarball, ["@pulumi/pulumi"]);
  fs.copyFileSync(path.join(projectRoot, "dist/examples/site/index.js"), path.join(program, "index.js"));
  // The example's own project file, its entry point moved next to the installed package.
  const project = fs.readFileSync(path.join(projectRoot, "examples/site/Pulumi.yaml"), "utf8");
  if (!/^main: .*$/m.test(project)) throw new Error("examples/site/Pulumi.yaml has no main: line");
  fs.writeFileSync(path.join(program, "Pulumi.yaml"), project.replace(/^main: .*$/m, "main: index.js"));
  return program;
}

async function siteStack(program: string, sim: RunningSimulator, name: string, set: LinkSet): Promise<BenchStack> {
  const stack = await BenchStack.create({ workDir: program, stackName: name, sim, primary: set.primary, replica: set.replica, config: {} });
  // Every link of a site may fail over at once: the engine's default (4 operations per CPU) would queue them.
  stack.local.env.PULUMI_PARALLEL = String(SITE_PARALLEL);
  const systems = sim.systems.filter((s) => s.name === set.primary || s.name === set.replica);
  await stack.local.stack.setAllConfig({
    systems: { value: JSON.stringify(systems.map((s) => ({ name: s.name, endpoint: s.endpoint, username: s.username, caFile: s.caFile }))) },
    passwords: { value: JSON.stringify(Object.fromEntries(systems.map((s) => [s.name, s.password]))), secret: true },
    links: { value: JSON.stringify(linksOf(set).map((l) => ({ linkName: l.name, primary: l.primary, replica: l.replica, type: "ACTIVE_PASSIVE" }))) },
    outOfService: { value: "[]" },
    pollIntervalSeconds: { value: "1" },
  });
  return stack;
}

async function requestsOf(control: SimulatorClient, systems: string[]): Promise<number> {
  let total = 0;
  for (const s of systems) total += (await control.requestCounts(s)).total;
  return total;
}

async function failoverUp(control: SimulatorClient, counters: SimControl, stack: BenchStack, set: LinkSet): Promise<SiteRun> {
  await counters.clearRequests();
  await stack.setConfig("outOfService", JSON.stringify([set.primary]));
  const traceFile = path.join(os.tmpdir(), `hcp-bench-site-${process.pid}-${set.count}.jsonl`);
  fs.rmSync(traceFile, { force: true });
  const run = await stack.up({ traceFile });
  const phases = commandPhases(traceFile);
  fs.rmSync(traceFile, { force: true });
  const state = await control.state(set.replica);
  const notFailedOver = state.links.filter((l) => l.phase !== "failedOver").map((l) => l.name);
  if (notFailedOver.length > 0) throw new Error(`site failover of ${set.count} links left ${notFailedOver.join(", ")} not failed over`);
  return { links: set.count, wallMs: run.wallMs, requests: await requestsOf(control, [set.primary, set.replica]), phases };
}

export async function runSiteBench(reps: number, count: number, log: (line: string) => void): Promise<SiteResults> {
  const one: LinkSet = { prefix: "one", count: 1, tenantsPerLink: 1, primary: "s1-p", replica: "s1-r" };
  const many: LinkSet = { prefix: "many", count, tenantsPerLink: 1, primary: "s50-p", replica: "s50-r" };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-bench-site-"));
  const program = await installedSiteProgram(work);
  const sim = await startSimulator(simulatorConfig([one, many], { timeSpeed: 600 }));
  const control = new SimulatorClient(sim);
  const counters = new SimControl(sim);
  const stacks = [await siteStack(program, sim, "bench-site-one", one), await siteStack(program, sim, "bench-site-many", many)] as const;
  const results: SiteResults = { reps: [], links: count, measuredAt: new Date().toISOString(), load: os.loadavg(), cpus: os.cpus().length };
  try {
    for (const stack of stacks) await stack.up(); // take the sites under management
    for (let rep = 1; rep <= reps; rep++) {
      const runs: SiteRun[] = [];
      for (const [stack, set] of [[stacks[0], one], [stacks[1], many]] as const) {
        await control.takeDown(set.primary);
        runs.push(await failoverUp(control, counters, stack, set));
      }
      results.reps.push({ one: runs[0] as SiteRun, many: runs[1] as SiteRun });
      log(`  rep ${rep}: 1 link ${(runs[0]!.wallMs / 1000).toFixed(2)} s (${runs[0]!.requests} req), ${count} links ${(runs[1]!.wallMs / 1000).toFixed(2)} s (${runs[1]!.requests} req)`);
      // Back to replicating for the next repetition: the simulator's start state, declared again.
      await fetchReset(sim);
      for (const stack of stacks) {
        await stack.setConfig("outOfService", "[]");
        await stack.up();
      }
    }
    return results;
  } finally {
    for (const stack of stacks) await stack.remove();
    await sim.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function fetchReset(sim: RunningSimulator): Promise<void> {
  const https: typeof import("https") = require("https");
  await new Promise<void>((resolve, reject) => {
    const req = https.request(`${sim.controlEndpoint}/_sim/reset`, { method: "POST", ca: fs.readFileSync(sim.caFile, "utf8") }, (res) => {
      res.resume();
      res.on("end", () => ((res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`reset: HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

const SITE_HEADING = "## 6. Whole-site failover";

/**
 * docs/benchmarks.md with this section replaced (or added): a run of the site section alone
 * (BENCH_SECTIONS=site) updates it without measuring the rest again.
 */
export function withSiteSection(doc: string, section: string): string {
  const start = doc.indexOf(SITE_HEADING);
  if (start < 0) return `${doc.trimEnd()}\n\n${section}\n`;
  const next = doc.indexOf("\n## ", start + SITE_HEADING.length);
  return `${doc.slice(0, start)}${section}\n${next < 0 ? "" : doc.slice(next)}`;
}

/** The markdown section of docs/benchmarks.md. */
export function renderSiteSection(r: SiteResults): string {
  const wallOne = median(r.reps.map((x) => x.one.wallMs));
  const wallMany = median(r.reps.map((x) => x.many.wallMs));
  const perLink = median(r.reps.map((x) => x.many.requests / x.many.links));
  // As the Method says: the ratio side by side in each repetition, then the median, with the range.
  const ratios = r.reps.map((x) => x.many.wallMs / x.one.wallMs);
  const wallRatio = median(ratios);
  const reqRatio = perLink / BARE_FAILOVER_REQUESTS;
  const verdict = (ok: boolean) => (ok ? "**met**" : "**missed**");
  return [
    `${SITE_HEADING}: ${r.links} links against one`,
    "",
    `\`pulumi up\` of examples/site, run as a user has it (its compiled program next to the package installed from \`npm pack\`, outside the repository), declaring the primary out of service (it is down), ${r.reps.length} repetitions, median; both with \`--parallel ${SITE_PARALLEL}\` (PULUMI_PARALLEL), so every link can fail over at once (the CLI's default is 4 operations per CPU).`,
    "",
    "| site | wall time | requests | requests per link |",
    "| --- | --- | --- | --- |",
    `| 1 link | ${(wallOne / 1000).toFixed(2)} s | ${median(r.reps.map((x) => x.one.requests))} | ${median(r.reps.map((x) => x.one.requests))} |`,
    `| ${r.links} links | ${(wallMany / 1000).toFixed(2)} s | ${median(r.reps.map((x) => x.many.requests))} | ${perLink.toFixed(1)} |`,
    "",
    `- Wall time, ${r.links} links against 1, side by side in each repetition: ${wallRatio.toFixed(2)}x (${min(ratios).toFixed(2)}x–${max(ratios).toFixed(2)}x; the medians above give ${(wallMany / wallOne).toFixed(2)}x) (target ≤ ${SITE_TARGETS.wallVsOneLink}x): ${verdict(wallRatio <= SITE_TARGETS.wallVsOneLink)}.`,
    `- Measured ${r.measuredAt}, load average ${r.load.map((v) => v.toFixed(2)).join(" / ")} (1/5/15 min) on ${r.cpus} CPUs shared with other work.`,
    `- Requests per link against the minimum of ${BARE_FAILOVER_REQUESTS} (bench/bare.ts): ${reqRatio.toFixed(2)}x (target ≤ ${SITE_TARGETS.requestsVsMinimum}x): ${verdict(reqRatio <= SITE_TARGETS.requestsVsMinimum)}.`,
    ...phasesLines(r),
  ].join("\n");
}

/** Where each site's `up` spent its time (medians over the repetitions), from the CLI's trace. */
function phasesLines(r: SiteResults): string[] {
  const runs = (pick: (x: SiteResults["reps"][number]) => SiteRun) => r.reps.map(pick).filter((x): x is SiteRun & { phases: CommandPhases } => x.phases !== undefined);
  const one = runs((x) => x.one);
  const many = runs((x) => x.many);
  if (one.length === 0 || many.length === 0) return [];
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const row = (label: string, rs: Array<{ phases: CommandPhases }>) => {
    const m = (f: (p: CommandPhases) => number) => median(rs.map((x) => f(x.phases)));
    const loop = m((p) => p.lastCheckMs - p.firstCheckMs);
    const perCheck = m((p) => (p.checks > 1 ? (p.lastCheckMs - p.firstCheckMs) / (p.checks - 1) : 0));
    return `| ${label} | ${sec(m((p) => p.firstCheckMs))} | ${sec(loop)} (${m((p) => p.checks)} checks, ${perCheck.toFixed(0)} ms apart) | ${sec(m((p) => p.lastChangeMs - p.lastCheckMs))} | ${sec(m((p) => p.endMs - p.lastChangeMs))} |`;
  };
  return [
    "",
    "Where the time goes (the CLI's OpenTelemetry trace, medians). The engine calls `Check` one resource at a time (each link's check plans from the reading the coverage check took ahead), while the updates run in parallel behind it; the CLI writes the whole state before and after each update, one write at a time, so the updates wait for those writes.",
    "",
    "| site | CLI, program and provider host start (until the first check) | checks, one after another | updates after the last check | state written, CLI ends |",
    "| --- | --- | --- | --- | --- |",
    row("1 link", one),
    row(`${r.links} links`, many),
  ];
}
