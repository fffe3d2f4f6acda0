/**
 * The real Pulumi CLI for the fault suite: the demo program (examples/active-passive through the root
 * Pulumi.yaml, compiled in dist/) on a simulator with a password of its own, everything the CLI prints and
 * stores collected for the secret scans, and SIGKILL of one stack's dynamic-provider process.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as auto from "@pulumi/pulumi/automation";
import { defaultConfig, type SimulatorConfig } from "../../../simulator";
import { createDemoStack } from "../../../examples/demo/demoStack";
import type { LocalStack } from "../../../examples/demo/workspace";
import { readBackendFiles } from "../../helpers/pulumiCli";
import { startSim, type Sim } from "./sim";
import type { CaseRecord } from "./results";

/** What the secret scans read, by kind. */
export type Captured = "output" | "errors" | "state" | "plans" | "exports";

export class Capture {
  readonly texts: Record<Captured, string[]> = { output: [], errors: [], state: [], plans: [], exports: [] };
  add(kind: Captured, text: string | undefined): void {
    if (text) this.texts[kind].push(text);
  }
  /** Options for an Automation API call that capture stdout and stderr. */
  streams(): { onOutput: (t: string) => void; onError: (t: string) => void } {
    return { onOutput: (t) => this.add("output", t), onError: (t) => this.add("output", t) };
  }
  bytes(kind: Captured): number {
    return this.texts[kind].reduce((n, t) => n + t.length, 0);
  }
}

export interface CliDrill {
  sim: Sim;
  local: LocalStack;
  stack: auto.Stack;
  capture: Capture;
  /** Runs an Automation API call, capturing its output, its result's stdout/stderr and its error message. */
  run<T extends { stdout?: string; stderr?: string }>(op: (streams: ReturnType<Capture["streams"]>) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startCliDrill(stackName: string, simConfig: SimulatorConfig, capture: Capture, config: Record<string, string> = {}, sim?: Sim): Promise<CliDrill> {
  const own = !sim;
  const s = sim ?? (await startSim(simConfig));
  const primary = config.primaryName ?? "hcp-a";
  const replica = config.replicaName ?? "hcp-b";
  const local = await createDemoStack({ sim: s.sim, stackName, primary, replica, passphrase: "faults-passphrase", config });
  const run: CliDrill["run"] = async (op) => {
    try {
      const result = await op(capture.streams());
      capture.add("output", result.stdout);
      capture.add("output", result.stderr);
      return result;
    } catch (err) {
      capture.add("errors", (err as Error).message);
      throw err;
    }
  };
  return {
    sim: s,
    local,
    stack: local.stack,
    capture,
    run,
    stop: async () => {
      capture.add("state", readBackendFiles(local.backendDir));
      await local.stack.workspace.removeStack(local.stack.name, { force: true }).catch(() => undefined);
      local.cleanup();
      if (own) await s.stop();
    },
  };
}

/** SIGKILLs the dynamic-provider processes serving the stack whose backend is `backendDir`; returns how many. */
export function killDynamicProviders(backendDir: string): number {
  let killed = 0;
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(path.join("/proc", pid, "cmdline"), "utf8");
      const environ = fs.readFileSync(path.join("/proc", pid, "environ"), "utf8");
      if (cmdline.includes("dynamic-provider") && environ.includes(`file://${backendDir}`)) {
        process.kill(Number(pid), "SIGKILL");
        killed++;
      }
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return killed;
}

/** Link actions a system accepted, per link: `{ "link-ab failOver": 1 }`. */
export async function acceptedActions(sim: Sim, system: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of await sim.sc.events(system)) {
    const m = /^Link '([^']+)': (\w+) (requested|run automatically) on /.exec(e.message);
    if (m) counts[`${m[1]} ${m[2]}`] = (counts[`${m[1]} ${m[2]}`] ?? 0) + 1;
  }
  return counts;
}

/** A password of the run's own (so a scan cannot match anything else), its auth header, and a simulator config using it. */
export function cliSecrets(): { PASSWORD: string; SECRETS: Record<string, string>; simConfig: (o?: Partial<SimulatorConfig>) => SimulatorConfig } {
  const PASSWORD = `Cli-Secret-${crypto.randomBytes(6).toString("hex")}`;
  const USER = "admin";
  const md5 = crypto.createHash("md5").update(PASSWORD).digest("hex");
  return {
    PASSWORD,
    SECRETS: {
      password: PASSWORD,
      "password (base64)": Buffer.from(PASSWORD).toString("base64"),
      "auth header": `HCP ${Buffer.from(USER).toString("base64")}:${md5}`,
      "auth header hash": md5,
    },
    simConfig: (overrides = {}) => ({ ...defaultConfig(), users: [{ username: USER, password: PASSWORD, type: "local" }], timeSpeed: 1, tickMs: 100, ...overrides }),
  };
}

/** Stack outputs as plain values. */
export const outputs = (r: { outputs: auto.OutputMap }): Record<string, unknown> => Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));

const KIND_WORDS: Record<Captured, string> = {
  state: "state files, history and backups of every stack",
  output: "stdout and stderr of every up, preview and refresh",
  errors: "error messages of failed and killed ups",
  plans: "preview --diff output and the saved update plan",
  exports: "pulumi stack export (without --show-secrets)",
};

/** One test per kind: what was captured is not empty, and holds none of the secrets. */
export function scanForSecrets(capture: Capture, secrets: Record<string, string>, kinds: Captured[], record: (title: string, expected: string) => CaseRecord): void {
  test.each(kinds.map((kind) => ({ kind, what: KIND_WORDS[kind] })))("$what", ({ kind, what }) => {
    const rec = record(what, `none of: ${Object.keys(secrets).join(", ")}`);
    const text = capture.texts[kind].join("\n");
    const found = Object.entries(secrets)
      .filter(([, secret]) => text.includes(secret))
      .map(([name]) => name);
    rec.see(`scanned ${capture.texts[kind].length} item(s), ${text.length} bytes; found: ${found.join(", ") || "none"}`);
    expect(text.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
}
