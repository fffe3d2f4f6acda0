/** Shared pieces of the end-to-end drills: a simulator, the demo stack on it, and output capture. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultConfig, SimulatorConfig, startSimulator, RunningSimulator } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";
import { createDemoStack } from "../../examples/demo/demoStack";
import type { LocalStack } from "../../examples/demo/workspace";
import type { EngineEvent } from "@pulumi/pulumi/automation";

export interface Drill {
  sim: RunningSimulator;
  control: SimulatorClient;
  local: LocalStack;
  redirectLog: string;
  /** Everything the CLI printed in this drill (for secret scans). */
  output: string[];
  onOutput: (text: string) => void;
  stop(): Promise<void>;
}

export async function startDrill(stackName: string, simConfig: Partial<SimulatorConfig> = {}, stackConfig: Record<string, string> = {}): Promise<Drill> {
  const sim = await startSimulator({ ...defaultConfig(), timeSpeed: 600, ...simConfig });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-drill-"));
  const redirectLog = path.join(dir, "redirects.log");
  const local = await createDemoStack({ sim, stackName, redirectLog, passphrase: "drill-passphrase", config: stackConfig });
  const output: string[] = [];
  return {
    sim,
    control: new SimulatorClient(sim),
    local,
    redirectLog,
    output,
    onOutput: (text) => output.push(text),
    stop: async () => {
      await local.stack.workspace.removeStack(local.stack.name, { force: true }).catch(() => undefined);
      local.cleanup();
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects engine events; `plannedSteps()` is what preview computed for the failover resource. */
export function planRecorder(): { onEvent: (e: EngineEvent) => void; plannedSteps: () => string[] | undefined } {
  let planned: string[] | undefined;
  return {
    onEvent: (e) => {
      const meta = e.resourcePreEvent?.metadata;
      if (meta?.urn.endsWith("ReplicationFailover::failover")) planned = meta.new?.inputs?.plannedSteps as string[] | undefined;
    },
    plannedSteps: () => planned,
  };
}

export async function writeObjects(control: SimulatorClient, system: string, tenant: string, prefix: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 1; i <= count; i++) {
    const key = `${prefix}-${String(i).padStart(4, "0")}.txt`;
    const res = await control.putObject(system, tenant, key, `${prefix} #${i} on ${system}`);
    if (res.status >= 300) throw new Error(`writing ${key} to ${system}: HTTP ${res.status} ${res.message ?? ""}`);
    keys.push(key);
  }
  return keys;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
