/**
 * Runs one Pulumi CLI command (as a person types it) with its wall time and the peak memory of the
 * processes it starts (the CLI, the Node.js language host, the program, the dynamic-provider host).
 * The stack itself is made with the Automation API helpers of examples/demo/workspace.ts.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { RunningSimulator } from "../../simulator";
import { createLocalStack, ensurePulumi, type LocalStack } from "../../examples/demo/workspace";
import { MemoryReport, TreeMemorySampler } from "./procmem";

export interface CliRun {
  command: string;
  wallMs: number;
  memory: MemoryReport;
  output: string;
}

/** Whether the summary of a preview or update reports a resource to create, update, replace or delete. */
export function reportsChanges(output: string): boolean {
  const summary = output.split(/^Resources:$/m)[1] ?? "";
  return /\b(to )?(create|update|replace|delete)d?\b\s*$/m.test(summary);
}

export class BenchStack {
  private constructor(
    readonly local: LocalStack,
    readonly name: string,
    readonly workDir: string,
    private readonly pulumiBin: string,
  ) {}

  /** A stack of the program in `workDir` on a fresh file backend, configured against two simulated systems. */
  static async create(options: {
    workDir: string;
    stackName: string;
    sim: RunningSimulator;
    primary: string;
    replica: string;
    config: Record<string, string>;
  }): Promise<BenchStack> {
    const cli = await ensurePulumi();
    const local = await createLocalStack(options.workDir, options.stackName, { passphrase: "bench-passphrase" });
    const find = (name: string) => {
      const s = options.sim.systems.find((x) => x.name === name);
      if (!s) throw new Error(`the simulator has no system ${name}`);
      return s;
    };
    const p = find(options.primary);
    const r = find(options.replica);
    const plain: Record<string, string> = {
      primaryName: p.name,
      primaryEndpoint: p.endpoint,
      primaryUsername: p.username,
      primaryCaFile: p.caFile,
      replicaName: r.name,
      replicaEndpoint: r.endpoint,
      replicaUsername: r.username,
      replicaCaFile: r.caFile,
      remoteHost: `${r.name}.example.com`,
      ...options.config,
    };
    const config: Record<string, { value: string; secret?: boolean }> = {};
    for (const [k, v] of Object.entries(plain)) config[k] = { value: v };
    config.primaryPassword = { value: p.password, secret: true };
    config.replicaPassword = { value: r.password, secret: true };
    await local.stack.setAllConfig(config);
    return new BenchStack(local, options.stackName, options.workDir, path.join(cli.bin, "pulumi"));
  }

  setConfig(key: string, value: string): Promise<void> {
    return this.local.stack.setConfig(key, { value });
  }

  /** `pulumi preview` (no confirmation, no colour). */
  preview(): Promise<CliRun> {
    return this.run(["preview", "--non-interactive", "--color", "never", "--stack", this.name]);
  }

  /**
   * `pulumi up --yes --skip-preview`: the update alone, as the Automation API and CI run it. With
   * `traceFile`, the CLI also writes its OpenTelemetry trace there (see lib/trace.ts).
   */
  up(options: { traceFile?: string } = {}): Promise<CliRun> {
    const trace = options.traceFile ? ["--otel-traces", `file://${options.traceFile}`] : [];
    return this.run(["up", "--yes", "--skip-preview", "--non-interactive", "--color", "never", ...trace, "--stack", this.name]);
  }

  /** The state as `pulumi stack export` prints it. */
  async exportState(): Promise<string> {
    return (await this.run(["stack", "export", "--stack", this.name])).output;
  }

  /** The stack's checkpoint file in the file backend. */
  stateFile(): string | undefined {
    const root = path.join(this.local.backendDir, ".pulumi", "stacks");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name === `${this.name}.json` || e.name === `${this.name}.json.gz`) found.push(full);
      }
    };
    if (fs.existsSync(root)) walk(root);
    return found[0];
  }

  async run(args: string[]): Promise<CliRun> {
    const env = { ...process.env, ...this.local.env };
    const started = process.hrtime.bigint();
    const child = spawn(this.pulumiBin, args, { cwd: this.workDir, env, stdio: ["ignore", "pipe", "pipe"] });
    const sampler = new TreeMemorySampler(child.pid as number);
    sampler.start();
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.stderr.on("data", (b: Buffer) => chunks.push(b));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c) => resolve(c));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const memory = sampler.stop();
    const output = Buffer.concat(chunks).toString("utf8");
    const command = `pulumi ${args.filter((a) => a !== this.name).join(" ")}`;
    if (code !== 0) throw new Error(`${command} exited with ${code}:\n${output.slice(-4000)}`);
    return { command, wallMs, memory, output };
  }

  /** Removes the stack, its settings file and its backend. */
  async remove(): Promise<void> {
    await this.local.stack.workspace.removeStack(this.name, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(this.workDir, `Pulumi.${this.name}.yaml`), { force: true });
    this.local.cleanup();
  }
}
