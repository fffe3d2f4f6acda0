/**
 * Failover overhead and requests per transition through the real CLI. One simulator holds two pairs:
 * hcp-a -> hcp-b (link fo-01, managed by a stack of bench/programs/links) and hcp-c -> hcp-d (link
 * bare-01, driven by the bare MAPI calls of bench/bare.ts). Each repetition, per scenario (primary up;
 * primary down, the core case), measures side by side: `pulumi up` with nothing to do, the bare failover,
 * `pulumi up` failing over, `pulumi up` with nothing to do again (the base is the mean of the two no-op
 * runs, which bracket the failover in time), the bare recovery and `pulumi up` recovering.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, type RunningSimulator } from "../simulator";
import { SimulatorClient } from "../simulator/controlClient";
import { MapiClient } from "../provider/mapi/client";
import { bareFailover, bareRecovery, type BareResult } from "./bare";
import { BenchStack, reportsChanges } from "./lib/cli";
import { SimControl } from "./lib/simControl";
import { providerTime, type ProviderTime } from "./lib/trace";
import { linksProgram, programConfig, simulatorConfig, type LinkSet } from "./scenarios";

export type Scenario = "primaryUp" | "primaryDown";

export interface CountedRun {
  wallMs: number;
  /** CPU time of all the Pulumi processes of the command (CLI, language host, program, provider host). */
  cpuMs: number;
  /** The engine's calls into the providers, from the CLI's trace. */
  provider: ProviderTime;
  peakTotalRssKb: number;
  requests: number;
  byRoute: Record<string, number>;
}

export interface FailoverRep {
  scenario: Scenario;
  bareFailover: BareResult;
  failoverUp: CountedRun;
  /** `up` with nothing to do just before the failover (state replicating) and just after it (failedOver). */
  noopBefore: CountedRun;
  noopUp: CountedRun;
  /** Mean wall time of the two no-op runs: the base the failover is compared with. */
  noopMs: number;
  bareRecovery: BareResult;
  recoveryUp: CountedRun;
}

export interface FailoverResults {
  reps: FailoverRep[];
  adoptUp: CountedRun;
  settings: { pollIntervalSeconds: number; completeRecoveryWhenBehindSeconds: number; timeSpeed: number; objectsWrittenWhileFailedOver: number };
}

const stackSet: LinkSet = { prefix: "fo", count: 1, tenantsPerLink: 2, primary: "hcp-a", replica: "hcp-b" };
const bareSet: LinkSet = { prefix: "bare", count: 1, tenantsPerLink: 2, primary: "hcp-c", replica: "hcp-d" };
const POLL_SECONDS = 1;
const BEHIND_SECONDS = 60;
const TIME_SPEED = 600;
const OBJECTS = 5;

function client(sim: RunningSimulator, name: string): MapiClient {
  const s = sim.systems.find((x) => x.name === name);
  if (!s) throw new Error(`no system ${name}`);
  return new MapiClient({ endpoint: s.endpoint, username: s.username, password: s.password, caCertificate: fs.readFileSync(s.caFile, "utf8") });
}

/** New clients (as a script starts with), closed afterwards. */
async function withClients<T>(clients: MapiClient[], run: (clients: MapiClient[]) => Promise<T>): Promise<T> {
  try {
    return await run(clients);
  } finally {
    for (const c of clients) c.close();
  }
}

interface Sim {
  control: SimulatorClient;
  counters: SimControl;
}

/** Runs `pulumi up` with its trace, counting the requests the systems answered. */
async function counted({ control, counters }: Sim, systems: string[], stack: BenchStack, expectNoChanges = false): Promise<CountedRun> {
  await counters.clearRequests();
  const traceFile = path.join(os.tmpdir(), `hcp-bench-trace-${process.pid}.json`);
  fs.rmSync(traceFile, { force: true });
  const r = await stack.up({ traceFile });
  const provider = providerTime(traceFile);
  fs.rmSync(traceFile, { force: true });
  if (expectNoChanges && reportsChanges(r.output)) throw new Error(`${r.command} was expected to change nothing:\n${r.output.slice(-2000)}`);
  const byRoute: Record<string, number> = {};
  let requests = 0;
  for (const s of systems) {
    const counts = await control.requestCounts(s);
    requests += counts.total;
    for (const [route, n] of Object.entries(counts.byRoute)) byRoute[route] = (byRoute[route] ?? 0) + n;
  }
  const cpuMs = Object.values(r.memory.cpuByRoleMs).reduce((a, b) => a + (b ?? 0), 0);
  return { wallMs: r.wallMs, cpuMs, provider, peakTotalRssKb: r.memory.peakTotalRssKb, requests, byRoute };
}

async function phaseOn(control: SimulatorClient, system: string, link: string): Promise<string> {
  const state = await control.state(system);
  return state.links.find((l) => l.name === link)?.phase ?? "absent";
}

async function expectPhase(control: SimulatorClient, system: string, link: string, phase: string, after: string): Promise<void> {
  const found = await phaseOn(control, system, link);
  if (found !== phase) throw new Error(`after ${after}: link ${link} on ${system} is ${found}, expected ${phase}`);
}

async function writeObjects(control: SimulatorClient, system: string, tenant: string, prefix: string): Promise<void> {
  for (let i = 1; i <= OBJECTS; i++) {
    const res = await control.putObject(system, tenant, `${prefix}-${i}.txt`, `${prefix} #${i}`);
    if (res.status >= 300) throw new Error(`write to ${system}/${tenant} refused: HTTP ${res.status} ${res.message ?? ""}`);
  }
}

export async function runFailoverBench(reps: number, log: (line: string) => void): Promise<FailoverResults> {
  const sim = await startSimulator(simulatorConfig([stackSet, bareSet], { timeSpeed: TIME_SPEED }));
  const control = new SimulatorClient(sim);
  const sims: Sim = { control, counters: new SimControl(sim) };
  const stack = await BenchStack.create({
    workDir: linksProgram,
    stackName: "bench-failover",
    sim,
    primary: "hcp-a",
    replica: "hcp-b",
    config: programConfig(stackSet, {
      pollIntervalSeconds: String(POLL_SECONDS),
      waitTimeoutSeconds: "300",
      completeRecoveryWhenBehindSeconds: String(BEHIND_SECONDS),
    }),
  });
  const stackSystems = ["hcp-a", "hcp-b"];
  const link = "fo-01";
  const bareLink = "bare-01";
  const results: FailoverRep[] = [];
  try {
    const adoptUp = await counted(sims, stackSystems, stack);
    log(`  adopt: pulumi up took the existing link under management in ${(adoptUp.wallMs / 1000).toFixed(1)} s`);
    for (let rep = 1; rep <= reps; rep++) {
      for (const scenario of ["primaryUp", "primaryDown"] as Scenario[]) {
        if (scenario === "primaryDown") {
          await control.takeDown("hcp-a");
          await control.takeDown("hcp-c");
        }
        const noopBefore = await counted(sims, stackSystems, stack, true);
        const bareF = await withClients([client(sim, "hcp-d")], ([d]) => bareFailover(d, bareLink));
        await stack.setConfig("state", "failedOver");
        const failoverUp = await counted(sims, stackSystems, stack);
        await expectPhase(control, "hcp-b", link, "failedOver", "the failover up");
        const noopUp = await counted(sims, stackSystems, stack, true);
        if (scenario === "primaryDown") {
          await control.bringUp("hcp-a");
          await control.bringUp("hcp-c");
        }
        await writeObjects(control, "hcp-b", `${link}-t001`, `rep${rep}-${scenario}`);
        await writeObjects(control, "hcp-d", `${bareLink}-t001`, `rep${rep}-${scenario}`);
        const bareR = await withClients([client(sim, "hcp-c"), client(sim, "hcp-d")], ([c, d]) =>
          bareRecovery(c, d, bareLink, { completeWhenBehindSeconds: BEHIND_SECONDS }),
        );
        await stack.setConfig("state", "replicating");
        const recoveryUp = await counted(sims, stackSystems, stack);
        await expectPhase(control, "hcp-a", link, "replicating", "the recovery up");
        await expectPhase(control, "hcp-c", bareLink, "replicating", "the bare recovery");
        const noopMs = (noopBefore.wallMs + noopUp.wallMs) / 2;
        results.push({ scenario, bareFailover: bareF, failoverUp, noopBefore, noopUp, noopMs, bareRecovery: bareR, recoveryUp });
        log(
          `  rep ${rep} ${scenario}: bare failover ${bareF.ms.toFixed(0)} ms (${bareF.requests} req), ` +
            `up failover ${(failoverUp.wallMs / 1000).toFixed(2)} s (${failoverUp.requests} req), ` +
            `up no-op ${(noopBefore.wallMs / 1000).toFixed(2)} s / ${(noopUp.wallMs / 1000).toFixed(2)} s (${noopUp.requests} req), ` +
            `bare recovery ${bareR.ms.toFixed(0)} ms (${bareR.requests} req), up recovery ${(recoveryUp.wallMs / 1000).toFixed(2)} s (${recoveryUp.requests} req)`,
        );
      }
    }
    return {
      reps: results,
      adoptUp,
      settings: { pollIntervalSeconds: POLL_SECONDS, completeRecoveryWhenBehindSeconds: BEHIND_SECONDS, timeSpeed: TIME_SPEED, objectsWrittenWhileFailedOver: OBJECTS },
    };
  } finally {
    await stack.remove();
    await sim.stop();
  }
}
