/**
 * Turns the measurements into markdown: the tables printed by `npm run bench` and docs/benchmarks.md.
 * Every number here comes from the run; the verdicts are computed against the targets of issue 7.
 */
import type { CountedRun, FailoverRep, FailoverResults, Scenario } from "./failover";
import { outageModeLabel, type OutageMode, type OutageRep, type OutageResults } from "./outage";
import type { PollingResults } from "./polling";
import type { MeasuredOp, ScaleRun } from "./scale";
import { max, median, min } from "./lib/stats";
import { renderSiteSection, type SiteResults } from "./site";

export interface RunInfo {
  startedAt: string;
  runtimeMs: number;
  commit: string;
  dirty: string[];
  node: string;
  pulumi: string;
  cpus: number;
  cpuModel: string;
  loadAtStart: number[];
  loadAtEnd: number[];
  reps: number;
}

export interface BenchResults {
  info: RunInfo;
  failover?: FailoverResults;
  polling?: PollingResults;
  scale?: ScaleRun[];
  site?: SiteResults;
  outage?: OutageResults;
}

export const TARGETS = {
  /** `up` failing over at most this times (no-op `up` + bare calls). */
  failoverOverhead: 1.2,
  /** Requests per transition at most this times the minimum. */
  requestsPerTransition: 2,
  /** Preview of 50 links at most this times the preview of 10 links. */
  preview50vs10: 5,
  /** A black-holed primary at most this times a refused one (preview, failover up, 10-link preview). */
  blackholedVsRefused: 1.5,
};

const s = (ms: number, digits = 2) => `${(ms / 1000).toFixed(digits)} s`;
const msText = (ms: number) => (ms >= 1000 ? s(ms) : `${ms.toFixed(0)} ms`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const x = (v: number, digits = 2) => (Number.isFinite(v) ? `${v.toFixed(digits)}x` : "n/a");
const kbytes = (b: number) => (b >= 10_000 ? `${(b / 1000).toFixed(1)} kB` : `${b} B`);
const verdict = (ok: boolean) => (ok ? "**met**" : "**missed**");

function spread(values: number[], format: (v: number) => string): string {
  if (values.length === 0) return "n/a";
  if (values.length === 1) return format(values[0]);
  return `${format(median(values))} (${format(min(values))}–${format(max(values))})`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

// ---- failover -------------------------------------------------------------------------------------

interface FailoverSummary {
  scenario: Scenario;
  reps: FailoverRep[];
  /** Wall time: `up` failing over / (no-op `up` + bare calls), per repetition. */
  wall: number[];
  /** Provider time the failover adds over the no-op (engine spans), per repetition, ms. */
  extraMs: number[];
  /** (no-op `up` + extra provider time) / (no-op `up` + bare calls), per repetition. */
  attributed: number[];
  attributedMedian: number;
  wallMedian: number;
}

const providerTotal = (r: { provider: { checkMs: number; diffMs: number; changeMs: number } }) => r.provider.checkMs + r.provider.diffMs + r.provider.changeMs;

function failoverSummaries(f: FailoverResults): FailoverSummary[] {
  return (["primaryUp", "primaryDown"] as Scenario[]).map((scenario) => {
    const reps = f.reps.filter((r) => r.scenario === scenario);
    const wall = reps.map((r) => r.failoverUp.wallMs / (r.noopMs + r.bareFailover.ms));
    const extraMs = reps.map((r) => providerTotal(r.failoverUp) - (providerTotal(r.noopBefore) + providerTotal(r.noopUp)) / 2);
    const attributed = reps.map((r, i) => (r.noopMs + extraMs[i]) / (r.noopMs + r.bareFailover.ms));
    return { scenario, reps, wall, extraMs, attributed, attributedMedian: median(attributed), wallMedian: median(wall) };
  });
}

const scenarioLabel: Record<Scenario, string> = { primaryUp: "primary up", primaryDown: "primary down (the core case)" };

function failoverSection(f: FailoverResults): string {
  const sums = failoverSummaries(f);
  const rows = sums.map((sum) => {
    const r = sum.reps;
    return [
      scenarioLabel[sum.scenario],
      spread(r.map((x) => x.bareFailover.ms), msText),
      spread(r.map((x) => x.noopMs), (v) => s(v)),
      spread(r.map((x) => x.failoverUp.wallMs), (v) => s(v)),
      spread(sum.wall, (v) => x(v)),
      spread(sum.extraMs, (v) => s(v)),
      spread(r.map((x) => x.failoverUp.provider.changeMs), (v) => s(v)),
      spread(sum.attributed, (v) => x(v)),
      verdict(sum.attributedMedian <= TARGETS.failoverOverhead),
      spread(r.map((x) => x.failoverUp.cpuMs / ((x.noopBefore.cpuMs + x.noopUp.cpuMs) / 2)), (v) => x(v)),
    ];
  });
  // Recovery runs with both systems up in either scenario: compare it with the no-op `up` with the primary up.
  const noopUpMedian = median(f.reps.filter((r) => r.scenario === "primaryUp").map((r) => r.noopMs));
  const recoveryRows = sums.map((sum) => {
    const r = sum.reps;
    return [
      scenarioLabel[sum.scenario],
      spread(r.map((x) => x.bareRecovery.ms), msText),
      spread(r.map((x) => x.recoveryUp.wallMs), (v) => s(v)),
      spread(r.map((x) => x.recoveryUp.wallMs - noopUpMedian), (v) => s(v)),
    ];
  });
  const [up, down] = sums;
  const downCost =
    up && down && up.reps.length > 0 && down.reps.length > 0
      ? median(down.reps.map((r) => r.noopMs)) - median(up.reps.map((r) => r.noopMs))
      : NaN;
  const raw = f.reps.map((r, i) => [
    String(Math.floor(i / 2) + 1),
    scenarioLabel[r.scenario],
    msText(r.bareFailover.ms),
    `${s(r.noopBefore.wallMs)} / ${s(r.noopUp.wallMs)}`,
    s(r.failoverUp.wallMs),
    x(r.failoverUp.wallMs / (r.noopMs + r.bareFailover.ms)),
    s(r.failoverUp.provider.changeMs),
    msText(r.bareRecovery.ms),
    s(r.recoveryUp.wallMs),
  ]);
  return [
    `## 1. Failover overhead`,
    ``,
    `One link (2 tenants), the stack of \`bench/programs/links\` (two certificate trusts, the link, the failover; ` +
      `\`pollIntervalSeconds\` ${f.settings.pollIntervalSeconds}, \`completeRecoveryWhenBehindSeconds\` ${f.settings.completeRecoveryWhenBehindSeconds}), ` +
      `simulator at ${f.settings.timeSpeed}x time. Per repetition and scenario, in this order: \`pulumi up\` with nothing ` +
      `to do (state replicating), the bare failover (on a second pair of systems), \`pulumi up\` failing over, ` +
      `\`pulumi up\` with nothing to do (state failedOver); then the bare recovery and \`pulumi up\` recovering. The no-op ` +
      `time is the mean of the two no-op runs around the failover (same stack, same systems, same reachability). ` +
      `${f.reps.length / 2} repetitions; median (min–max). Target: \`up\` failing over ≤ ${TARGETS.failoverOverhead} × ` +
      `(no-op \`up\` + bare calls).`,
    ``,
    `Two ways to read it. *Wall*: the failover command's wall time against the no-op's, as a stopwatch sees them; ` +
      `each command spends seconds starting the CLI, the language host and the program, which vary by ±2 s on this ` +
      `busy machine, as much as the difference sought. *Added*: what failing over adds, timed by the engine itself ` +
      `(\`--otel-traces\`): the time of its calls into the provider (\`Check\`, \`Diff\`, \`Update\`) in the failover ` +
      `run minus the same in the no-op runs; the target is judged on this one, (no-op + added) / (no-op + bare). The ` +
      `last column compares CPU time of the Pulumi processes.`,
    ``,
    table(
      [
        "scenario",
        "bare calls (3 requests)",
        "`up` no-op",
        "`up` failover",
        "wall: failover / (no-op + bare)",
        "provider time the failover adds",
        "of which `update`",
        "(no-op + added) / (no-op + bare)",
        `target ≤ ${TARGETS.failoverOverhead}x`,
        "CPU: failover / no-op",
      ],
      rows,
    ),
    ``,
    Number.isFinite(downCost) && down
      ? `With the primary down, the no-op \`up\` itself takes ${s(downCost)} longer than with it up, and the failover's ` +
        `\`update\` takes ${s(median(down.reps.map((r) => r.failoverUp.provider.changeMs)))} where the bare calls take ` +
        `${msText(median(down.reps.map((r) => r.bareFailover.ms)))}. A read of the down primary fails at once ` +
        `(connection refused, not retried), so the checks of the two certificate trusts, the link and the failover, ` +
        `and the failover's \`update\`, pay little for it (see "One observation" in section 2).`
      : "",
    ``,
    `Recovery (steps 3-11, ${f.settings.objectsWrittenWhileFailedOver} objects written on the replica while failed over), for reference:`,
    ``,
    table(["scenario", "bare calls", "`up` recovery", "`up` recovery minus the no-op `up` (primary up)"], recoveryRows),
    ``,
    `<details><summary>Every run</summary>`,
    ``,
    table(["rep", "scenario", "bare failover", "`up` no-op before / after", "`up` failover", "wall ratio", "`update`", "bare recovery", "`up` recovery"], raw),
    ``,
    `First \`up\` of the stack (taking the existing link under management): ${s(f.adoptUp.wallMs)}.`,
    ``,
    `</details>`,
  ].join("\n");
}

// ---- API efficiency -------------------------------------------------------------------------------

interface RequestRow {
  what: string;
  measured: number;
  minimum: number;
  note: string;
  /**
   * False for a whole `pulumi up`: it also pays every resource's check, which any `up` of the stack pays
   * (the no-op row); shown with its ratio, but the transition is judged on what it adds to that.
   */
  judged: boolean;
}

function requestRows(f: FailoverResults | undefined, p: PollingResults | undefined): RequestRow[] {
  const rows: RequestRow[] = [];
  if (f) {
    const up = f.reps.filter((r) => r.scenario === "primaryUp");
    const down = f.reps.filter((r) => r.scenario === "primaryDown");
    const added = (runs: FailoverRep[], of: (r: FailoverRep) => CountedRun, base: (r: FailoverRep) => CountedRun) =>
      median(runs.map((r) => of(r).requests - base(r).requests));
    rows.push({
      what: "failover: what `pulumi up` adds to a no-op `up` (primary up)",
      measured: added(up, (r) => r.failoverUp, (r) => r.noopBefore),
      minimum: median(up.map((r) => r.bareFailover.requests)),
      note: "the failover `up` minus the no-op `up` before it (same stack, state replicating)",
      judged: true,
    });
    rows.push({
      what: "failover: what `pulumi up` adds to a no-op `up` (primary down)",
      measured: added(down, (r) => r.failoverUp, (r) => r.noopBefore),
      minimum: median(down.map((r) => r.bareFailover.requests)),
      note: "requests the replica answered (attempts on the down primary are refused and not counted)",
      judged: true,
    });
    rows.push({
      what: "full recovery: what `pulumi up` adds to a no-op `up` (polls every 1 s)",
      measured: added(up, (r) => r.recoveryUp, (r) => r.noopUp),
      minimum: median(up.map((r) => r.bareRecovery.requests)),
      note: `the recovery \`up\` minus the no-op \`up\` in state failedOver; the data arrives at once at ${f.settings.timeSpeed}x time: few polls`,
      judged: true,
    });
    rows.push({
      what: "failover: whole `pulumi up` (primary up)",
      measured: median(up.map((r) => r.failoverUp.requests)),
      minimum: median(up.map((r) => r.bareFailover.requests)),
      note: "reference: the checks of all 4 resources, then the failover",
      judged: false,
    });
    rows.push({
      what: "full recovery: whole `pulumi up` (polls every 1 s)",
      measured: median(up.map((r) => r.recoveryUp.requests)),
      minimum: median(up.map((r) => r.bareRecovery.requests)),
      note: "reference: the checks of all 4 resources, then the recovery",
      judged: false,
    });
    rows.push({
      what: "nothing to do: `pulumi up` (primary up), for reference",
      measured: median(up.map((r) => r.noopUp.requests)),
      minimum: 0,
      note: "what every `up` and `preview` reads (state failedOver)",
      judged: false,
    });
  }
  if (p) {
    rows.push({
      what: "failover: the executor alone (ReplicationFailover `update`)",
      measured: p.failover.requests,
      minimum: p.bareFailover.requests,
      note: "observe, `failOver`, observe",
      judged: true,
    });
    rows.push({
      what: `full recovery: the executor alone, ${(p.wait.ms / 60000).toFixed(0)}-minute wait, default polling`,
      measured: p.recovery.requests,
      minimum: p.bareRecovery.requests,
      note: `bare calls polled at the same moments (${p.bareRecovery.polls} polls)`,
      judged: true,
    });
  }
  return rows;
}

function routesTable(byRoute: Record<string, number>): string {
  const rows = Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => [`\`${route.replace("/mapi/services/replication", "…")}\``, String(n)]);
  return table(["route (both systems)", "requests"], rows);
}

function apiSection(f: FailoverResults | undefined, p: PollingResults | undefined): string {
  const rows = requestRows(f, p);
  const parts = [
    `## 2. API efficiency`,
    ``,
    `### Requests per transition`,
    ``,
    `Counted by the simulator (CLI runs) or by the MAPI clients (executor alone). The minimum is what the bare ` +
      `calls of \`bench/bare.ts\` sent for the same transition in the same run: read the link before acting, send ` +
      `each action once, confirm its effect, and poll only the link (1 request per poll). Target: ≤ ` +
      `${TARGETS.requestsPerTransition}x the minimum. A whole \`pulumi up\` also runs the check of every resource of ` +
      `the stack (both certificate trusts, the link, the failover), which any \`up\` pays whether or not it moves ` +
      `the link (the "nothing to do" row). As the failover overhead is judged on time, a transition is judged on what ` +
      `its \`up\` adds to a no-op \`up\` of the same stack; the whole \`up\` is shown for reference.`,
    ``,
    table(
      ["transition", "requests", "minimum", "ratio", `target ≤ ${TARGETS.requestsPerTransition}x`, "note"],
      rows.map((r) => [
        r.what,
        String(r.measured),
        r.minimum > 0 ? String(r.minimum) : "0",
        r.minimum > 0 ? x(r.measured / r.minimum, 1) : "n/a",
        r.minimum > 0 && r.judged ? verdict(r.measured / r.minimum <= TARGETS.requestsPerTransition) : r.minimum > 0 ? "(reference)" : "",
        r.note,
      ]),
    ),
  ];
  if (f) {
    const rep = f.reps.find((r) => r.scenario === "primaryUp");
    if (rep) {
      parts.push(``, `Where the requests of one \`pulumi up\` failing over (primary up) go:`, ``, routesTable(rep.failoverUp.byRoute));
    }
  }
  if (p) {
    const o = p.observationMs;
    parts.push(
      ``,
      `One observation of both systems (\`observeSystems\`, before every step and every poll) reads each ` +
        `system's verbose link: ${p.requestsPerObservation} requests. Only where step 3 applies (a failed-over ` +
        `link on the way back to a rebuilt primary) does it also read each side's server certificate, its trusted list and the ` +
        `trusted entry that matches the peer's certificate; that full observation takes ${msText(o.reusedClients)} ` +
        `with clients already connected and ${msText(o.freshClients)} with new clients (TLS set-up, as every ` +
        `\`check\` makes them); with the primary down it takes ${msText(o.primaryDown)} ` +
        `(${o.primaryDownRequests} requests answered; a refused connection is not retried).`,
    );
    parts.push(``, pollingSection(p));
  }
  return parts.join("\n");
}

function pollingSection(p: PollingResults): string {
  const w = p.wait;
  const minutes = w.byMinute;
  const firstMinute = minutes[0] ?? 0;
  const tail = minutes.slice(-10);
  const tailRate = tail.length > 0 ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
  const backsOff = tailRate < firstMinute;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  // Saved results from before polls were counted per minute derive them from the requests.
  const polls = w.pollsByMinute ?? minutes.map((n) => n / p.requestsPerObservation);
  const buckets: Array<[string, number, number]> = [
    ["minute 1", 0, 1],
    ["minutes 2-5", 1, 5],
    ["minutes 6-15", 5, 15],
    [`minutes 16-${minutes.length}`, 15, minutes.length],
  ];
  const rows = buckets
    .filter(([, from]) => from < minutes.length)
    .map(([label, from, to]) => [label, mean(minutes.slice(from, to)).toFixed(1), mean(polls.slice(from, to)).toFixed(2)]);
  return [
    `### Polling: requests per minute of waiting`,
    ``,
    `The executor on a virtual clock (see Method) with the defaults (\`pollIntervalSeconds\` ${p.settings.pollIntervalSeconds}, ` +
      `\`waitTimeoutSeconds\` ${p.settings.waitTimeoutSeconds}, \`completeRecoveryWhenBehindSeconds\` ` +
      `${p.settings.completeRecoveryWhenBehindSeconds}); ${p.settings.objects} objects of ${p.settings.objectBytes / 1000} kB ` +
      `written on the replica while failed over, recovery begun an hour later, replication at ${p.settings.bytesPerSecond / 1000} kB/s ` +
      `(simulated). The recovery waited ${(w.ms / 60000).toFixed(1)} minutes (steps 8 and 10) and polled ${w.polls} times.`,
    ``,
    table(["while waiting", "requests per minute", "polls per minute"], rows),
    ``,
    `Over the whole wait: ${w.requests} requests, ${w.perMinute.toFixed(1)} per minute. The bare calls, polling at ` +
      `the same moments but reading only the replica's link: ${p.bareWait.requests} requests, ` +
      `${p.bareWait.perMinute.toFixed(2)} per minute. Polling backs off (fewer requests per minute late in the wait ` +
      `than in its first minute): ${verdict(backsOff)}; per poll it reads ${(w.requests / Math.max(1, w.polls)).toFixed(2)} requests on ` +
      `average (the replica's link, and the primary's only when the replica's answer needs it) where the bare calls read 1.`,
  ].join("\n");
}

// ---- scale ----------------------------------------------------------------------------------------

function opCells(ops: MeasuredOp[]): { time: string; mem: string } {
  return { time: spread(ops.map((o) => o.wallMs), (v) => s(v, 1)), mem: spread(ops.map((o) => o.peakTotalRssKb), mb) };
}

function cpuCell(ops: MeasuredOp[]): string {
  const m = (pick: (o: MeasuredOp) => number) => (median(ops.map(pick)) / 1000).toFixed(1);
  return `${m((o) => o.cpuByRoleMs.program ?? 0)} / ${m((o) => o.cpuByRoleMs.dynamicProvider ?? 0)} / ${m((o) => o.cpuByRoleMs.cli ?? 0)} / ${m((o) => o.simulatorCpuMs)}`;
}

export function previewGrowth(runs: ScaleRun[]): { ratio50vs10?: number } {
  const at = (n: number) => runs.find((r) => r.links === n);
  const r10 = at(10);
  const r50 = at(50);
  if (!r10 || !r50) return {};
  return { ratio50vs10: median(r50.previews.map((o) => o.wallMs)) / median(r10.previews.map((o) => o.wallMs)) };
}

function scaleSection(runs: ScaleRun[]): string {
  const rows = runs.map((r) => {
    const p = opCells(r.previews);
    const u = opCells(r.noopUps);
    return [String(r.links), String(r.links * r.tenantsPerLink), String(r.resources), p.time, u.time, p.mem, u.mem, String(median(r.previews.map((o) => o.requests))), cpuCell(r.previews)];
  });
  const growthRows: string[][] = [];
  for (let i = 1; i < runs.length; i++) {
    const a = runs[i - 1];
    const b = runs[i];
    const med = (r: ScaleRun, pick: (r: ScaleRun) => MeasuredOp[], f: (o: MeasuredOp) => number) => median(pick(r).map(f));
    growthRows.push([
      `${a.links} → ${b.links} links (${x(b.links / a.links, 0)})`,
      x(med(b, (r) => r.previews, (o) => o.wallMs) / med(a, (r) => r.previews, (o) => o.wallMs)),
      x(med(b, (r) => r.noopUps, (o) => o.wallMs) / med(a, (r) => r.noopUps, (o) => o.wallMs)),
      x(med(b, (r) => r.previews, (o) => o.peakTotalRssKb) / med(a, (r) => r.previews, (o) => o.peakTotalRssKb)),
      x(med(b, (r) => r.previews, (o) => o.peakByRoleKb.dynamicProvider ?? 0) / med(a, (r) => r.previews, (o) => o.peakByRoleKb.dynamicProvider ?? 0)),
      x(med(b, (r) => r.previews, (o) => o.requests) / med(a, (r) => r.previews, (o) => o.requests)),
    ]);
  }
  const byRole = runs.map((r) => {
    const m = (role: "cli" | "languageHost" | "program" | "dynamicProvider") => mb(median(r.previews.map((o) => o.peakByRoleKb[role] ?? 0)));
    return [String(r.links), m("cli"), m("languageHost"), m("program"), m("dynamicProvider")];
  });
  const g = previewGrowth(runs);
  const parts = [
    `## 3. Scale`,
    ``,
    `N links of ${runs[0]?.tenantsPerLink ?? "?"} tenants each between two systems; per link a \`ReplicationLink\` and a ` +
      `\`ReplicationFailover\`, plus one \`ReplicationCertificateTrust\` each way. \`pulumi preview\` and ` +
      `\`pulumi up\` with nothing to do, ${runs[0]?.previews.length ?? 0} times each (alternating), median (min–max). Peak ` +
      `memory: the largest sum of resident memory of the CLI, the language host, the program and the ` +
      `dynamic-provider host, sampled every 100 ms. CPU: seconds of CPU in the program / the dynamic-provider host / the ` +
      `CLI / the simulator serving the requests (medians of the previews).`,
    ``,
    table(["links", "tenants", "resources", "preview", "no-op `up`", "preview peak memory", "`up` peak memory", "requests per preview", "CPU s: program / provider / CLI / simulator"], rows),
    ``,
    `Growth:`,
    ``,
    table(["step", "preview time", "no-op `up` time", "preview peak memory", "provider host peak memory", "requests"], growthRows),
    ``,
    `Peak resident memory of each process (median of the previews):`,
    ``,
    table(["links", "CLI", "language host", "program", "dynamic-provider host"], byRole),
  ];
  if (g.ratio50vs10 !== undefined) {
    parts.push(
      ``,
      `Target: preview of 50 links ≤ ${TARGETS.preview50vs10}x the preview of 10 links: ${x(g.ratio50vs10)}, ${verdict(g.ratio50vs10 <= TARGETS.preview50vs10)}.`,
    );
  }
  const probe = runs.find((r) => r.latencyProbe);
  if (probe?.latencyProbe) {
    const lp = probe.latencyProbe;
    const base = median(probe.previews.map((o) => o.wallMs));
    const added = lp.preview.wallMs - base;
    const parallel = lp.observationRounds * lp.latencyMs;
    const sequentialRounds = 3 * 2 + 2 * probe.links + 3 * probe.links;
    parts.push(
      ``,
      `Do the checks against the live systems run in parallel? With ${lp.latencyMs} ms added to every MAPI response, ` +
        `the preview of ${probe.links} links took ${s(lp.preview.wallMs, 1)}, ${s(added, 1)} more than the median ` +
        `without (≈ ${(added / lp.latencyMs).toFixed(0)} request rounds of ${lp.latencyMs} ms). Checks of all links at ` +
        `once would add about ${s(parallel, 1)} (${lp.observationRounds} dependent rounds on the program's longest ` +
        `chain: trust, link, failover); checks one resource after another ${s(sequentialRounds * lp.latencyMs, 1)} ` +
        `(${sequentialRounds} rounds). The Pulumi engine calls \`Check\` while it generates steps, one resource at a ` +
        `time (pulumi/pulumi#12351), so the live reads of \`check\` add up per resource.`,
    );
  }
  const adopt = runs.map((r) => `${r.links} links ${s(r.adoptUp.wallMs, 1)}`).join(", ");
  parts.push(``, `First \`up\` of each stack (taking the existing links under management, not part of the targets): ${adopt}.`);
  return parts.join("\n");
}

function stateSection(runs: ScaleRun[]): string {
  const types = ["ReplicationCertificateTrust", "ReplicationLink", "ReplicationFailover"];
  const rows = runs.map((r) => {
    const cells = types.map((t) => {
      const e = r.state.byType.find((b) => b.type.endsWith(`:${t}`));
      return e ? `${kbytes(e.bytesPerResource)} (provider ${kbytes(Math.round(e.providerBytesPerResource / Math.max(1, e.providerCopies)))} × ${e.providerCopies})` : "n/a";
    });
    return [String(r.links), String(r.state.resources), kbytes(r.state.stateFileBytes), kbytes(r.state.exportBytes), ...cells];
  });
  return [
    `## 4. State size`,
    ``,
    `The checkpoint file of the file backend and \`pulumi stack export\` after the runs above; per resource type, the ` +
      `bytes of one resource in the export, and in parentheses the serialized dynamic provider (\`__provider\`) it ` +
      `carries, times the copies (inputs and outputs).`,
    ``,
    table(["links", "resources", "state file", "`stack export`", ...types.map((t) => `per ${t}`)], rows),
  ].join("\n");
}

// ---- outage ---------------------------------------------------------------------------------------

type OutageMeasure = "preview" | "failoverUp" | "preview10";
const OUTAGE_MEASURES: ReadonlyArray<{ key: OutageMeasure; what: string }> = [
  { key: "preview", what: "`pulumi preview` of the failover, 1 link" },
  { key: "failoverUp", what: "`pulumi up` failing over, 1 link" },
  { key: "preview10", what: "`pulumi preview` of the failover, 10 links" },
];

/** The target is judged at the shipped default connect timeout; other settings are shown for reference. */
const judgedOutage = (m: OutageMode) => m.connectTimeoutSeconds === undefined;

const sameMode = (a: OutageMode, b: OutageMode) => a.primary === b.primary && a.connectTimeoutSeconds === b.connectTimeoutSeconds;

/** Per black-holed mode and measure: the median over repetitions of black-holed / refused within each repetition. */
function outageRatios(o: OutageResults): Array<{ mode: OutageMode; key: OutageMeasure; what: string; ratios: number[] }> {
  const refused = o.reps.filter((r) => r.mode.primary === "refused");
  const modes = o.reps.map((r) => r.mode).filter((m, i, all) => m.primary === "blackholed" && all.findIndex((n) => sameMode(n, m)) === i);
  const out: Array<{ mode: OutageMode; key: OutageMeasure; what: string; ratios: number[] }> = [];
  for (const mode of modes) {
    const holed = o.reps.filter((r) => sameMode(r.mode, mode));
    for (const { key, what } of OUTAGE_MEASURES) {
      out.push({ mode, key, what, ratios: holed.map((h, i) => h[key] / (refused[i] as OutageRep)[key]) });
    }
  }
  return out;
}

/** Median connections the black hole accepted during the 10-link preview, at the default connect timeout. */
function heldMedian(o: OutageResults): string {
  const held = o.reps.filter((r) => r.mode.primary === "blackholed" && judgedOutage(r.mode)).map((r) => r.heldConnections10).filter((h): h is number => h !== undefined);
  return held.length > 0 ? median(held).toFixed(0) : "n/a";
}

function outageSection(o: OutageResults): string {
  const modes = o.reps.map((r) => r.mode).filter((m, i, all) => all.findIndex((n) => sameMode(n, m)) === i);
  const rows = modes.map((mode) => {
    const reps = o.reps.filter((r) => sameMode(r.mode, mode));
    const held = reps.map((r) => r.heldConnections10).filter((h): h is number => h !== undefined);
    return [
      outageModeLabel(mode),
      spread(reps.map((r) => r.preview), (v) => s(v, 1)),
      spread(reps.map((r) => r.failoverUp), (v) => s(v, 1)),
      spread(reps.map((r) => r.preview10), (v) => s(v, 1)),
      held.length > 0 ? spread(held, (v) => v.toFixed(0)) : "(refused)",
    ];
  });
  const ratioRows = outageRatios(o).map((r) => [
    outageModeLabel(r.mode),
    r.what,
    spread(r.ratios, (v) => x(v)),
    judgedOutage(r.mode) ? verdict(median(r.ratios) <= TARGETS.blackholedVsRefused) : "(reference: not the default)",
  ]);
  return [
    `## 5. A dead primary: black-holed against refused`,
    ``,
    `The primary dies in two ways, side by side in each repetition on the same stacks: *refused* (its port refuses ` +
      `connections: cheap to notice) and *black-holed* (its port accepts TCP and never answers, neither TLS nor ` +
      `HTTP, as a site whose network died usually looks; simulator \`POST /_sim/systems/<s>/blackhole\`). Measured: ` +
      `\`pulumi preview\` and \`pulumi up\` failing over a 1-link stack (4 resources), and \`pulumi preview\` of the ` +
      `failover of a ${o.links}-link stack (${2 + 2 * o.links} resources, every one of which reads the primary). ` +
      `Black-holed runs at the default connect timeout (1.5 s) and with \`connectTimeoutSeconds: 5\`. ` +
      `${o.reps.length / modes.length} repetitions; median (min–max). Target: black-holed ≤ ` +
      `${TARGETS.blackholedVsRefused}x refused.`,
    ``,
    table(["primary", "preview (1 link)", "`up` failing over (1 link)", `preview (${o.links} links)`, `connections to the black hole (${o.links} links)`], rows),
    ``,
    table(["primary", "command", "black-holed / refused", `target ≤ ${TARGETS.blackholedVsRefused}x`], ratioRows),
    ``,
    `A black-holed primary costs at most one connect timeout per command, whatever the number of resources. ` +
      `The program starts a TLS handshake to each system as it constructs the first resource naming it and ` +
      `records the outcome for the deployment; the provider process, started by the engine only when a resource ` +
      `registers, gives up its own first connection as soon as that handshake has (so it waits only for what is ` +
      `left of the timeout), and its reachability memo makes every other read of the run fail at once. ` +
      `Connections the black hole accepted during the ${o.links}-link preview (median): ${heldMedian(o)}, the ` +
      `program's handshake and the provider's first attempt. So the extra time is less than the connect timeout, ` +
      `not a multiple of it; the ratio depends on how long the refused command takes.`,
  ].join("\n");
}

// ---- summary --------------------------------------------------------------------------------------

function summarySection(r: BenchResults): string {
  const rows: string[][] = [];
  if (r.failover) {
    for (const sum of failoverSummaries(r.failover)) {
      rows.push([
        `failover \`up\` ≤ ${TARGETS.failoverOverhead} × (no-op \`up\` + bare calls), ${scenarioLabel[sum.scenario]}`,
        `${x(sum.attributedMedian)} (provider time added: ${s(median(sum.extraMs))}); stopwatch ratio ${x(sum.wallMedian)}`,
        verdict(sum.attributedMedian <= TARGETS.failoverOverhead),
      ]);
    }
  }
  for (const row of requestRows(r.failover, r.polling).filter((q) => q.minimum > 0 && q.judged)) {
    rows.push([`requests ≤ ${TARGETS.requestsPerTransition}x minimum: ${row.what}`, `${row.measured} vs ${row.minimum} (${x(row.measured / row.minimum, 1)})`, verdict(row.measured / row.minimum <= TARGETS.requestsPerTransition)]);
  }
  if (r.polling) {
    const m = r.polling.wait.byMinute;
    const tail = m.slice(-10);
    const tailRate = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
    rows.push([`polling backs off (requests per minute of waiting)`, `${m[0] ?? 0} in minute 1, ${tailRate.toFixed(1)}/min in the last 10 minutes`, verdict(tailRate < (m[0] ?? 0))]);
  }
  if (r.scale) {
    const g = previewGrowth(r.scale);
    if (g.ratio50vs10 !== undefined) rows.push([`preview of 50 links ≤ ${TARGETS.preview50vs10}x preview of 10 links`, x(g.ratio50vs10), verdict(g.ratio50vs10 <= TARGETS.preview50vs10)]);
  }
  if (r.outage) {
    for (const q of outageRatios(r.outage).filter((o) => judgedOutage(o.mode))) {
      rows.push([`${q.what}: primary ${outageModeLabel(q.mode)} ≤ ${TARGETS.blackholedVsRefused}x refused`, x(median(q.ratios)), verdict(median(q.ratios) <= TARGETS.blackholedVsRefused)]);
    }
  }
  return [`## Targets`, ``, table(["target", "measured", "verdict"], rows)].join("\n");
}

function infoSection(i: RunInfo): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" / ");
  return [
    `## This run`,
    ``,
    table(
      ["", ""],
      [
        ["date", i.startedAt],
        ["commit", `\`${i.commit}\`${i.dirty.length > 0 ? ` plus uncommitted changes in ${i.dirty.map((d) => `\`${d}\``).join(", ")}` : ""}`],
        ["machine", `${i.cpus} CPUs (${i.cpuModel}), shared with other work`],
        ["load average (1/5/15 min)", `${load(i.loadAtStart)} at the start, ${load(i.loadAtEnd)} at the end`],
        ["Node.js, Pulumi CLI", `${i.node}, ${i.pulumi}`],
        ["repetitions", String(i.reps)],
        ["bench runtime", s(i.runtimeMs, 0)],
      ],
    ),
  ].join("\n");
}

/** The whole document after the hand-written introduction. */
export function renderResults(r: BenchResults): string {
  const parts = [summarySection(r), infoSection(r.info)];
  if (r.failover) parts.push(failoverSection(r.failover));
  if (r.failover || r.polling) parts.push(apiSection(r.failover, r.polling));
  if (r.scale && r.scale.length > 0) parts.push(scaleSection(r.scale), stateSection(r.scale));
  if (r.site) parts.push(renderSiteSection(r.site));
  if (r.outage) parts.push(outageSection(r.outage));
  return parts.join("\n\n") + "\n";
}
