/** The real Pulumi CLI for end-to-end tests (see examples/demo/workspace.ts), plus scans of what it stored. */
import * as fs from "fs";
import * as path from "path";
import { createLocalStack, LocalStack } from "../../examples/demo/workspace";

export { ensurePulumi, projectRoot } from "../../examples/demo/workspace";
export type { PulumiInstall } from "../../examples/demo/workspace";

export const testPassphrase = "e2e-test-passphrase";

export type TestStack = LocalStack;

/** A stack of the directory program `workDir` on a fresh file backend. */
export function createTestStack(workDir: string, stackName: string, env: Record<string, string> = {}): Promise<TestStack> {
  return createLocalStack(workDir, stackName, { passphrase: testPassphrase, env });
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
