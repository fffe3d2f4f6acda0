/**
 * `npm run bench`: failover overhead, API efficiency, scale and state size of the provider, measured with
 * the real Pulumi CLI against the HCP simulator. Prints the tables and writes docs/benchmarks.md (the
 * hand-written introduction in bench/intro.md, then the measurements of this run).
 *
 * Environment: BENCH_REPS (default 3), BENCH_LINKS (default "1,10,50"), BENCH_SECTIONS (default
 * "failover,polling,scale,outage,site"), BENCH_WRITE_DOCS=0 to leave docs/benchmarks.md alone (partial runs never write it).
 * Raw results: dist/bench/last-run.json. `node dist/bench/run.js --render <results.json>` writes the document
 * again from saved results (after editing the wording in bench/report.ts or bench/intro.md), measuring nothing.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensurePulumi, projectRoot } from "../examples/demo/workspace";
import { runFailoverBench } from "./failover";
import { runOutageBench } from "./outage";
import { runPollingBench } from "./polling";
import { renderResults, type BenchResults } from "./report";
import { runScale } from "./scale";
import { runSiteBench, renderSiteSection, withSiteSection } from "./site";

const TENANTS_PER_LINK = 100;
const LATENCY_PROBE = { links: 10, ms: 300 };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: projectRoot, encoding: "utf8" });
  } catch {
    return "";
  }
}

function writeDocs(body: string): void {
  const intro = fs.readFileSync(path.join(projectRoot, "bench/intro.md"), "utf8").trimEnd();
  fs.writeFileSync(path.join(projectRoot, "docs/benchmarks.md"), `${intro}\n\n${body}`);
  log(`wrote docs/benchmarks.md`);
}

async function main(): Promise<void> {
  const renderFrom = process.argv[2] === "--render" ? process.argv[3] : undefined;
  if (renderFrom) {
    const saved = JSON.parse(fs.readFileSync(renderFrom, "utf8")) as BenchResults;
    writeDocs(renderResults(saved));
    return;
  }
  const started = Date.now();
  const reps = Number(process.env.BENCH_REPS ?? 3);
  const links = (process.env.BENCH_LINKS ?? "1,10,50").split(",").map(Number);
  const sections = new Set((process.env.BENCH_SECTIONS ?? "failover,polling,scale,outage,site").split(","));
  const full = reps >= 3 && links.join(",") === "1,10,50" && ["failover", "polling", "scale", "outage"].every((x) => sections.has(x));
  if (!fs.existsSync(path.join(projectRoot, "dist/bench/programs/links/index.js"))) {
    throw new Error("dist/bench is missing: run `npm run build` (tsc -p tsconfig.json) first");
  }

  const cli = await ensurePulumi();
  log(`pulumi ${cli.version} (${cli.source}); ${os.cpus().length} CPUs; load ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}`);
  const results: BenchResults = {
    info: {
      startedAt: new Date(started).toISOString(),
      runtimeMs: 0,
      commit: git(["rev-parse", "--short", "HEAD"]).trim() || "unknown",
      // Uncommitted changes to the code measured (provider, simulator, package.json).
      dirty: git(["status", "--porcelain", "--", "provider", "simulator", "package.json"])
        .split("\n")
        .filter((l) => l.length > 3)
        .map((l) => l.slice(3)),
      node: process.version,
      pulumi: cli.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      loadAtStart: os.loadavg(),
      loadAtEnd: [],
      reps,
    },
  };

  if (sections.has("failover")) {
    log(`\n== 1. Failover overhead and requests per transition (real CLI, ${reps} repetitions)`);
    results.failover = await runFailoverBench(reps, log);
  }
  if (sections.has("polling")) {
    log(`\n== 2. Polling: the executor on a virtual clock`);
    results.polling = await runPollingBench(log);
  }
  if (sections.has("scale")) {
    log(`\n== 3. Scale: preview and no-op up for ${links.join(", ")} links of ${TENANTS_PER_LINK} tenants (${reps} repetitions)`);
    results.scale = [];
    for (const n of links) {
      results.scale.push(
        await runScale(n, { tenantsPerLink: TENANTS_PER_LINK, reps, ...(n === LATENCY_PROBE.links ? { latencyProbeMs: LATENCY_PROBE.ms } : {}) }, log),
      );
    }
  }

  if (sections.has("site")) {
    log(`\n== 6. Whole-site failover: ${Math.max(...links)} links against one (real CLI, ${reps} repetitions)`);
    results.site = await runSiteBench(reps, Math.max(...links), log);
  }
  if (sections.has("outage")) {
    log(`\n== 5. A dead primary: black-holed against refused (${reps} repetitions)`);
    results.outage = await runOutageBench(reps, log);
  }

  results.info.loadAtEnd = os.loadavg();
  results.info.runtimeMs = Date.now() - started;
  const body = renderResults(results);
  log(`\n${body}`);
  fs.mkdirSync(path.join(projectRoot, "dist/bench"), { recursive: true });
  fs.writeFileSync(path.join(projectRoot, "dist/bench/last-run.json"), JSON.stringify(results, null, 2));
  if (full && process.env.BENCH_WRITE_DOCS !== "0") {
    writeDocs(body);
  } else if (results.site && sections.size === 1 && process.env.BENCH_WRITE_DOCS !== "0") {
    const doc = path.join(projectRoot, "docs/benchmarks.md");
    fs.writeFileSync(doc, withSiteSection(fs.readFileSync(doc, "utf8"), renderSiteSection(results.site)));
    log("wrote the whole-site section of docs/benchmarks.md");
  } else {
    log(`partial run (or BENCH_WRITE_DOCS=0): docs/benchmarks.md left as it is; raw results in dist/bench/last-run.json`);
  }
  log(`bench runtime ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
