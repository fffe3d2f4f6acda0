/**
 * Outages: what a dead primary costs the operator, black-holed (its port accepts TCP and never answers, as
 * a site whose network died) against refused (connection refused), side by side in each repetition on the
 * same stacks and systems:
 * - one link (bench/programs/links, 4 resources): `pulumi preview` of the failover and `pulumi up` failing over;
 * - ten links (22 resources): `pulumi preview` of the failover, which shows that one provider process
 *   learns of the dead system once for every resource (the reachability memo).
 * Black-holed runs are measured at the default connect timeout (1.5 s) and at `connectTimeoutSeconds` 5.
 */
import { startSimulator } from "../simulator";
import { SimulatorClient } from "../simulator/controlClient";
import { BenchStack, type CliRun } from "./lib/cli";
import { linksProgram, programConfig, simulatorConfig, type LinkSet } from "./scenarios";

/** How the primary is dead, and the connect timeout the stack is configured with (undefined: the default). */
export interface OutageMode {
  primary: "refused" | "blackholed";
  connectTimeoutSeconds?: number;
}

export const OUTAGE_MODES: readonly OutageMode[] = [{ primary: "refused" }, { primary: "blackholed" }, { primary: "blackholed", connectTimeoutSeconds: 5 }];

export interface OutageRep {
  mode: OutageMode;
  /** One link: preview of the failover, and up failing over. */
  preview: number;
  failoverUp: number;
  /** Ten links: preview of the failover. */
  preview10: number;
  /** Connections the black hole held during the 10-link preview (1 when the memo works). */
  heldConnections10?: number;
}

export interface OutageResults {
  reps: OutageRep[];
  links: number;
}

const oneSet: LinkSet = { prefix: "out", count: 1, tenantsPerLink: 2, primary: "hcp-a", replica: "hcp-b" };
const tenSet: LinkSet = { prefix: "ten", count: 10, tenantsPerLink: 2, primary: "hcp-c", replica: "hcp-d" };

const label = (m: OutageMode) => `${m.primary}${m.connectTimeoutSeconds ? ` (connect timeout ${m.connectTimeoutSeconds} s)` : m.primary === "blackholed" ? " (default connect timeout)" : ""}`;

export async function runOutageBench(reps: number, log: (line: string) => void): Promise<OutageResults> {
  const sim = await startSimulator(simulatorConfig([oneSet, tenSet], { timeSpeed: 600 }));
  const sc = new SimulatorClient(sim);
  const settings = { pollIntervalSeconds: "1", waitTimeoutSeconds: "300", completeRecoveryWhenBehindSeconds: "60" };
  const one = await BenchStack.create({ workDir: linksProgram, stackName: "bench-outage-1", sim, primary: "hcp-a", replica: "hcp-b", config: programConfig(oneSet, settings) });
  const ten = await BenchStack.create({ workDir: linksProgram, stackName: "bench-outage-10", sim, primary: "hcp-c", replica: "hcp-d", config: programConfig(tenSet, settings) });
  const results: OutageRep[] = [];
  const kill = async (system: string, mode: OutageMode) => (mode.primary === "refused" ? sc.takeDown(system) : sc.blackHole(system));
  const timeout = async (stack: BenchStack, mode: OutageMode) =>
    mode.connectTimeoutSeconds ? stack.setConfig("connectTimeoutSeconds", String(mode.connectTimeoutSeconds)) : stack.local.stack.removeConfig("connectTimeoutSeconds").catch(() => undefined);
  const wall = (r: CliRun) => r.wallMs;
  try {
    await one.up();
    await ten.up();
    await ten.setConfig("state", "failedOver"); // previews only: the ten links are never failed over
    for (let rep = 1; rep <= reps; rep++) {
      for (const mode of OUTAGE_MODES) {
        // The connect timeout changes no resource (see sameConnection), so it can be set while the primary is dead.
        await timeout(one, mode);
        await timeout(ten, mode);
        await kill("hcp-a", mode);
        await one.setConfig("state", "failedOver");
        const preview = wall(await one.preview());
        const failoverUp = wall(await one.up());
        await sc.bringUp("hcp-a");
        await one.setConfig("state", "replicating");
        await one.up(); // recovery, not measured
        await kill("hcp-c", mode);
        const held0 = (await sc.state("hcp-c")).heldConnections ?? 0;
        const preview10 = wall(await ten.preview());
        const held = (await sc.state("hcp-c")).heldConnections ?? 0;
        await sc.bringUp("hcp-c");
        results.push({ mode, preview, failoverUp, preview10, ...(mode.primary === "blackholed" ? { heldConnections10: held - held0 } : {}) });
        log(
          `  rep ${rep} primary ${label(mode)}: preview ${(preview / 1000).toFixed(1)} s, up failing over ${(failoverUp / 1000).toFixed(1)} s, ` +
            `10-link preview ${(preview10 / 1000).toFixed(1)} s${mode.primary === "blackholed" ? ` (${held - held0} connection(s) to the black hole)` : ""}`,
        );
      }
    }
    return { reps: results, links: tenSet.count };
  } finally {
    await one.remove();
    await ten.remove();
    await sim.stop();
  }
}

export { label as outageModeLabel };
