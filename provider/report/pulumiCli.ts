/** Runs the `pulumi` on PATH for the report commands and parses its `--json` output. */
import { execFile } from "child_process";
import { promisify } from "util";

export async function pulumiJson(args: string[], cwd: string): Promise<unknown> {
  try {
    const { stdout } = await promisify(execFile)("pulumi", [...args, "--json", "--non-interactive"], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`pulumi ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}
