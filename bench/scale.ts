/**
 * Scale: `pulumi preview` and `pulumi up` with nothing to do for 1, 10 and 50 links of 100 tenants each
 * (two systems; per link a ReplicationLink and a ReplicationFailover, plus one certificate trust each
 * way), with wall time, peak memory and CPU of the Pulumi processes; then the size of the state.
 */
import * as fs from "fs";
import { startSimulator, type RunningSimulator } from "../simulator";
import { SimulatorClient } from "../simulator/controlClient";
import { BenchStack, reportsChanges, type CliRun } from "./lib/cli";
import type { Role } from "./lib/procmem";
import { SimControl } from "./lib/simControl";
import { linksProgram, programConfig, simulatorConfig, type LinkSet } from "./scenarios";

export interface MeasuredOp {
  wallMs: number;
  peakTotalRssKb: number;
  peakByRoleKb: Partial<Record<Role, number>>;
  cpuByRoleMs: Partial<Record<Role, number>>;
  /** CPU of this process (the simulator serving the requests) during the command, ms. */
  simulatorCpuMs: number;
  requests: number;
}

export interface StateSize {
  /** Bytes of `pulumi stack export`. */
  exportBytes: number;
  /** Bytes of the checkpoint file in the file backend. */
  stateFileBytes: number;
  resources: number;
  byType: Array<{ type: string; count: number; bytesPerResource: number; providerBytesPerResource: number; providerCopies: number }>;
}

export interface ScaleRun {
  links: number;
  tenantsPerLink: number;
  resources: number;
  adoptUp: MeasuredOp;
  previews: MeasuredOp[];
  noopUps: MeasuredOp[];
  /** A preview with `latencyMs` added to every MAPI response (probe of parallelism), if measured. */
  latencyProbe?: { latencyMs: number; preview: MeasuredOp; observationRounds: number };
  state: StateSize;
}

/** Runs a command that must change nothing, and measures it. */
async function measured(sims: SimControl, sc: SimulatorClient, run: () => Promise<CliRun>, mayChange = false): Promise<MeasuredOp> {
  await sims.clearRequests();
  const cpu0 = process.cpuUsage();
  const r = await run();
  const cpu = process.cpuUsage(cpu0);
  if (!mayChange && reportsChanges(r.output)) {
    throw new Error(`${r.command} was expected to change nothing:\n${r.output.slice(-2000)}`);
  }
  let requests = 0;
  for (const s of ["hcp-a", "hcp-b"]) requests += (await sc.requestCounts(s)).total;
  return {
    wallMs: r.wallMs,
    peakTotalRssKb: r.memory.peakTotalRssKb,
    peakByRoleKb: r.memory.peakByRoleKb,
    cpuByRoleMs: r.memory.cpuByRoleMs,
    simulatorCpuMs: (cpu.user + cpu.system) / 1000,
    requests,
  };
}

function stateSize(exported: string, stateFileBytes: number): StateSize {
  const doc = JSON.parse(exported) as { deployment?: { resources?: Array<Record<string, unknown>> } };
  const resources = doc.deployment?.resources ?? [];
  const byType = new Map<string, { count: number; bytes: number; providerBytes: number; providerCopies: number }>();
  for (const r of resources) {
    const type = String(r.type);
    const entry = byType.get(type) ?? { count: 0, bytes: 0, providerBytes: 0, providerCopies: 0 };
    entry.count++;
    entry.bytes += Buffer.byteLength(JSON.stringify(r));
    for (const bag of ["inputs", "outputs"] as const) {
      const p = (r[bag] as Record<string, unknown> | undefined)?.__provider;
      if (p !== undefined) {
        entry.providerBytes += Buffer.byteLength(typeof p === "string" ? p : JSON.stringify(p));
        entry.providerCopies++;
      }
    }
    byType.set(type, entry);
  }
  return {
    exportBytes: Buffer.byteLength(exported),
    stateFileBytes,
    resources: resources.length,
    byType: [...byType].map(([type, e]) => ({
      type,
      count: e.count,
      bytesPerResource: Math.round(e.bytes / e.count),
      providerBytesPerResource: Math.round(e.providerBytes / e.count),
      providerCopies: e.count > 0 ? e.providerCopies / e.count : 0,
    })),
  };
}

export async function runScale(
  linkCount: number,
  options: { tenantsPerLink: number; reps: number; latencyProbeMs?: number },
  log: (line: string) => void,
): Promise<ScaleRun> {
  const set: LinkSet = { prefix: "bench", count: linkCount, tenantsPerLink: options.tenantsPerLink, primary: "hcp-a", replica: "hcp-b" };
  const sim: RunningSimulator = await startSimulator(simulatorConfig([set]));
  const sims = new SimControl(sim);
  const sc = new SimulatorClient(sim);
  const stack = await BenchStack.create({
    workDir: linksProgram,
    stackName: `bench-scale-${linkCount}`,
    sim,
    primary: "hcp-a",
    replica: "hcp-b",
    config: programConfig(set),
  });
  try {
    const adoptUp = await measured(sims, sc, () => stack.up(), true);
    log(`  ${linkCount} links: first up (adopting the existing links) ${(adoptUp.wallMs / 1000).toFixed(1)} s`);
    const previews: MeasuredOp[] = [];
    const noopUps: MeasuredOp[] = [];
    for (let rep = 1; rep <= options.reps; rep++) {
      const p = await measured(sims, sc, () => stack.preview());
      previews.push(p);
      const u = await measured(sims, sc, () => stack.up());
      noopUps.push(u);
      log(
        `  ${linkCount} links, rep ${rep}: preview ${(p.wallMs / 1000).toFixed(1)} s ${(p.peakTotalRssKb / 1024).toFixed(0)} MB ${p.requests} req; ` +
          `no-op up ${(u.wallMs / 1000).toFixed(1)} s ${(u.peakTotalRssKb / 1024).toFixed(0)} MB ${u.requests} req`,
      );
    }
    let latencyProbe: ScaleRun["latencyProbe"];
    if (options.latencyProbeMs) {
      for (const s of ["hcp-a", "hcp-b"]) await sc.setLatency(s, options.latencyProbeMs);
      const preview = await measured(sims, sc, () => stack.preview());
      for (const s of ["hcp-a", "hcp-b"]) await sc.setLatency(s, 0);
      // Request rounds (requests that wait for an earlier one) on the longest dependency chain of the
      // program: trust check (server certificate; trusted list; matching entry: 3), link check (both
      // sides; content: 2), failover check (links; certificates; matching entry: 3).
      latencyProbe = { latencyMs: options.latencyProbeMs, preview, observationRounds: 8 };
      log(`  ${linkCount} links: preview with ${options.latencyProbeMs} ms latency per request ${(preview.wallMs / 1000).toFixed(1)} s`);
    }
    const exported = await stack.exportState();
    const file = stack.stateFile();
    const state = stateSize(exported, file ? fs.statSync(file).size : NaN);
    return { links: linkCount, tenantsPerLink: options.tenantsPerLink, resources: state.resources, adoptUp, previews, noopUps, latencyProbe, state };
  } finally {
    await stack.remove();
    await sim.stop();
  }
}
