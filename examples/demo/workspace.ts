/**
 * Drives the real Pulumi CLI through the Automation API against a `file://` backend, for the demo and the
 * end-to-end tests. The CLI comes from scripts/ensure-pulumi (PATH, cache, or a build from Go modules).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as auto from "@pulumi/pulumi/automation";

/** The repository root, whether this runs from `examples/` (ts-jest) or `dist/examples/` (node). */
export const projectRoot = findProjectRoot(__dirname);

function findProjectRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "scripts/ensure-pulumi"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`scripts/ensure-pulumi not found above ${from}`);
    dir = parent;
  }
  return dir;
}

export interface PulumiInstall {
  bin: string;
  pulumiHome: string;
  version: string;
  source: "path" | "cache" | "built";
}

let install: Promise<PulumiInstall> | undefined;

/** Runs the bootstrap once per process; fails with its output when no CLI can be had. */
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
      throw new Error(`No Pulumi CLI: scripts/ensure-pulumi failed.\n${e.stderr ?? e.message}`);
    }
  })();
  return install;
}

export interface LocalStack {
  stack: auto.Stack;
  backendDir: string;
  env: Record<string, string>;
  /** Removes the backend directory (destroy or abandon the stack first). */
  cleanup(): void;
}

/**
 * A stack of the directory program `workDir` on a fresh file backend in a temporary directory (or on the
 * backend `env.PULUMI_BACKEND_URL` names), with the bootstrap's Pulumi home unless `pulumiHome` is given.
 */
export async function createLocalStack(workDir: string, stackName: string, options: { passphrase: string; env?: Record<string, string>; pulumiHome?: string }): Promise<LocalStack> {
  const cli = await ensurePulumi();
  const pulumiHome = options.pulumiHome ?? cli.pulumiHome;
  const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-pulumi-backend-"));
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: options.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_HOME: pulumiHome,
    PATH: `${cli.bin}:${process.env.PATH ?? ""}`,
    ...options.env,
  };
  const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(cli.bin), skipVersionCheck: true });
  const stack = await auto.LocalWorkspace.createOrSelectStack({ stackName, workDir }, { workDir, pulumiHome, envVars: env, pulumiCommand });
  return { stack, backendDir, env, cleanup: () => fs.rmSync(backendDir, { recursive: true, force: true }) };
}
