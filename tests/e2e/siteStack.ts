/** A stack of examples/site against a running simulator: every system of it, and the site's links. */
import * as path from "path";
import type { RunningSimulator } from "../../simulator";
import { createLocalStack, projectRoot, type LocalStack } from "../../examples/demo/workspace";

export interface SiteLinkConfig {
  linkName: string;
  primary: string;
  replica: string;
  type: "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";
  tenants?: string[];
}

export async function createSiteStack(sim: RunningSimulator, stackName: string, links: SiteLinkConfig[], extra: Record<string, string> = {}): Promise<LocalStack> {
  const local = await createLocalStack(path.join(projectRoot, "examples/site"), stackName, { passphrase: "site-drill-passphrase" });
  const systems = sim.systems.map((s) => ({ name: s.name, endpoint: s.endpoint, username: s.username, caFile: s.caFile }));
  const passwords = Object.fromEntries(sim.systems.map((s) => [s.name, s.password]));
  await local.stack.setAllConfig({
    systems: { value: JSON.stringify(systems) },
    passwords: { value: JSON.stringify(passwords), secret: true },
    links: { value: JSON.stringify(links) },
    outOfService: { value: "[]" },
    pollIntervalSeconds: { value: "1" },
    waitTimeoutSeconds: { value: "300" },
    completeRecoveryWhenBehindSeconds: { value: "60" },
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { value: v }])),
  });
  return local;
}
