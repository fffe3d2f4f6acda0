/**
 * The demo stack: the example program (examples/active-passive, run by the root Pulumi.yaml) configured
 * against a running simulator. Shared by `npm run demo` and the end-to-end tests.
 */
import * as path from "path";
import type { RunningSimulator } from "../../simulator";
import { createLocalStack, LocalStack, projectRoot } from "./workspace";

export interface DemoStackOptions {
  sim: RunningSimulator;
  stackName?: string;
  passphrase?: string;
  primary?: string;
  replica?: string;
  /** Where the client-redirect script appends its lines (enables the redirect command). */
  redirectLog?: string;
  /** Extra plain config values (e.g. waitTimeoutSeconds). */
  config?: Record<string, string>;
  /** Extra environment of the CLI (e.g. PULUMI_BACKEND_URL for a shared backend) and its own Pulumi home. */
  env?: Record<string, string>;
  pulumiHome?: string;
}

export const redirectScript = path.join(projectRoot, "examples/active-passive/redirect-clients.sh");

export async function createDemoStack(options: DemoStackOptions): Promise<LocalStack> {
  const primaryName = options.primary ?? "hcp-a";
  const replicaName = options.replica ?? "hcp-b";
  const find = (name: string) => {
    const s = options.sim.systems.find((x) => x.name === name);
    if (!s) throw new Error(`the simulator has no system ${name}`);
    return s;
  };
  const primary = find(primaryName);
  const replica = find(replicaName);
  const local = await createLocalStack(projectRoot, options.stackName ?? "demo", {
    passphrase: options.passphrase ?? "demo-passphrase",
    env: { ...(options.redirectLog ? { REDIRECT_LOG: options.redirectLog } : {}), ...options.env },
    pulumiHome: options.pulumiHome,
  });
  const plain: Record<string, string> = {
    primaryName,
    primaryEndpoint: primary.endpoint,
    primaryUsername: primary.username,
    primaryCaFile: primary.caFile,
    replicaName,
    replicaEndpoint: replica.endpoint,
    replicaUsername: replica.username,
    replicaCaFile: replica.caFile,
    remoteHost: `${replicaName}.example.com`,
    state: "replicating",
    pollIntervalSeconds: "1",
    waitTimeoutSeconds: "300",
    completeRecoveryWhenBehindSeconds: "60",
    ...(options.redirectLog ? { redirectScript } : {}),
    ...options.config,
  };
  const config: Record<string, { value: string; secret?: boolean }> = {};
  for (const [k, v] of Object.entries(plain)) config[k] = { value: v };
  config.primaryPassword = { value: primary.password, secret: true };
  config.replicaPassword = { value: replica.password, secret: true };
  await local.stack.setAllConfig(config);
  return local;
}
