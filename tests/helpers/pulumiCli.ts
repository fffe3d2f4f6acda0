/**
 * The real Pulumi CLI for end-to-end tests: found or built by scripts/ensure-pulumi, driven through the
 * Automation API against a `file://` backend in a temporary directory. Nothing here reaches the network.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as auto from "@pulumi/pulumi/automation";
import type { LocalWorkspaceOptions, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export const projectRoot = path.resolve(__dirname, "../..");
export const testPassphrase = "e2e-test-passphrase";

export interface PulumiInstall {
  bin: string;
  pulumiHome: string;
  version: string;
  source: "path" | "cache" | "built";
}

let install: Promise<PulumiInstall> | undefined;

/** Runs the bootstrap once per test process. A machine without a CLI fails here, with the reason. */
export function ensurePulumi(): Promise<PulumiInstall> {
  install ??= (async () => {
    try {
      const { stdout } = await promisify(execFile)("bash", [path.join(projectRoot, "scripts/ensure-pulumi"), "--json"], {
        cwd: projectRoot,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 30 * 60 * 1000,
      });
      return JSON.parse(stdout.trim().split("\n").pop() ?? "") as PulumiInstall;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`No Pulumi CLI for the end-to-end tests: scripts/ensure-pulumi failed.\n${e.stderr ?? e.message}`);
    }
  })();
  return install;
}

export interface TestStack {
  stack: Stack;
  backendDir: string;
  env: Record<string, string>;
  /** Removes the stack's backend directory (the stack must be destroyed or abandoned first). */
  cleanup(): Promise<void>;
}

/** A stack of the directory program `workDir` on a fresh file backend. */
export async function createTestStack(workDir: string, stackName: string, extraEnv: Record<string, string> = {}): Promise<TestStack> {
  const cli = await ensurePulumi();
  const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-e2e-backend-"));
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_HOME: cli.pulumiHome,
    PATH: `${cli.bin}:${process.env.PATH ?? ""}`,
    ...extraEnv,
  };
  const pulumiCommand: PulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(cli.bin), skipVersionCheck: true });
  const options: LocalWorkspaceOptions = { workDir, pulumiHome: cli.pulumiHome, envVars: env, pulumiCommand };
  const stack = await auto.LocalWorkspace.createOrSelectStack({ stackName, workDir }, options);
  return {
    stack,
    backendDir,
    env,
    cleanup: async () => fs.rmSync(backendDir, { recursive: true, force: true }),
  };
}

/** Every file under the backend directory, as text: state, history and backups (for secret scans). */
export function readBackendFiles(backendDir: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(backendDir);
  return out.join("\n");
}
