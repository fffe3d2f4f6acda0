/**
 * A whole-site drill through the real Pulumi CLI (examples/site) on three simulated systems and five links
 * of both types, one chained (hcp-a -> hcp-b -> hcp-c) and two into hcp-c: coverage refuses a forgotten
 * link; the primary site hcp-a is declared out of service while it black-holes; objects are written on the
 * survivors; hcp-a comes back and the site recovers in the documented order; every object ends up on
 * each system that must hold it.
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { startSimulator, type RunningSimulator, type SimulatorConfig } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";
import { projectRoot, type LocalStack } from "../../examples/demo/workspace";
import { readBackendFiles } from "../helpers/pulumiCli";
import { createSiteStack, type SiteLinkConfig } from "./siteStack";
import { waitFor, writeObjects } from "./helpers";

const siteConfig = JSON.parse(fs.readFileSync(path.join(projectRoot, "simulator/config.site.example.json"), "utf8")) as SimulatorConfig;
const LINKS: SiteLinkConfig[] = (siteConfig.links ?? []).map((l) => ({ linkName: l.name, primary: l.primary, replica: l.replica, type: l.type ?? "ACTIVE_PASSIVE", tenants: [...(l.tenants ?? [])] }));
/** Which systems must hold each tenant's objects once the site replicates again. */
const HOLDERS: Record<string, string[]> = { finance: ["hcp-a", "hcp-b", "hcp-c"], media: ["hcp-a", "hcp-c"], shared: ["hcp-a", "hcp-b"], logs: ["hcp-c", "hcp-a"] };

interface Executed {
  seedStep: number;
  title: string;
  startedAt: string;
  finishedAt: string;
}

/** Per link failover resource: the plannedSteps its preview computed. */
function planRecorder() {
  const planned: Record<string, string[]> = {};
  return {
    onEvent: (e: EngineEvent) => {
      const meta = e.resourcePreEvent?.metadata;
      const match = meta?.urn.match(/ReplicationFailover::site-(.+)$/);
      if (match && meta?.new?.inputs?.plannedSteps) planned[match[1] as string] = meta.new.inputs.plannedSteps as string[];
    },
    planned,
  };
}

async function failoverStates(local: LocalStack): Promise<Record<string, { outputs: Record<string, unknown> }>> {
  const state = await local.stack.exportStack();
  const out: Record<string, { outputs: Record<string, unknown> }> = {};
  for (const r of state.deployment.resources as Array<{ urn: string; outputs: Record<string, unknown> }>) {
    const match = r.urn.match(/ReplicationFailover::site-(.+)$/);
    if (match) out[match[1] as string] = r;
  }
  return out;
}

describe("whole-site drill with pulumi up (real CLI, three simulated systems)", () => {
  let sim: RunningSimulator;
  let control: SimulatorClient;
  let local: LocalStack;
  const output: string[] = [];
  const onOutput = (text: string) => output.push(text);
  const written: Record<string, string[]> = { finance: [], media: [], shared: [], logs: [] };

  beforeAll(async () => {
    sim = await startSimulator({ ...siteConfig, timeSpeed: 600, replicationRate: { objectsPerSecond: 0.05 }, tickMs: 50 });
    control = new SimulatorClient(sim);
    local = await createSiteStack(sim, "site-drill", LINKS, { dnsFailover: JSON.stringify(["hcp-a"]) });
  }, 15 * 60 * 1000);

  afterAll(async () => {
    await local?.stack.workspace.removeStack(local.stack.name, { force: true }).catch(() => undefined);
    local?.cleanup();
    await sim?.stop();
  });

  it("refuses in preview a link the systems have and the site forgot, naming it and the way forward", async () => {
    await local.stack.setConfig("links", { value: JSON.stringify(LINKS.filter((l) => l.linkName !== "ca-logs")) });
    await expect(local.stack.preview({ onOutput })).rejects.toThrow(/ca-logs \(on hcp-a and hcp-c\) exist[s]? on the systems but not in links[\s\S]*Way forward: add it to links/);
    await local.stack.setConfig("links", { value: JSON.stringify(LINKS) });
  });

  it("takes the site under management without changing anything", async () => {
    const up = await local.stack.up({ onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.activeSystems.value).toEqual({ "ab-finance": "primary", "ab-shared": "both", "bc-finance": "primary", "ac-media": "primary", "ca-logs": "primary" });
    expect(up.outputs.failbackOrder.value).toEqual([
      "ab-finance before bc-finance (chained through hcp-b)",
      "bc-finance before ac-media (many-to-one into hcp-c)",
      "ac-media before ca-logs (chained through hcp-c)",
    ]);
    for (const s of sim.systems) expect(await control.changingRequests(s.name)).toBe(0);
    written.finance.push(...(await writeObjects(control, "hcp-a", "finance", "before", 3)));
    written.media.push(...(await writeObjects(control, "hcp-a", "media", "before", 3)));
    written.shared.push(...(await writeObjects(control, "hcp-a", "shared", "before", 3)));
    written.logs.push(...(await writeObjects(control, "hcp-c", "logs", "before", 3)));
  });

  it("hcp-a black-holes and is declared out of service: each link runs its own workflow, in parallel", async () => {
    await control.blackHole("hcp-a");
    await local.stack.setConfig("outOfService", { value: JSON.stringify(["hcp-a"]) });
    const plan = planRecorder();
    const up = await local.stack.up({ onOutput, onEvent: plan.onEvent });
    expect(up.summary.result).toBe("succeeded");
    // Preview showed each link's numbered plan.
    expect(plan.planned["ab-finance"]).toContain("1. On hcp-b (replica), fail over link ab-finance");
    expect(plan.planned["ac-media"]).toContain("1. On hcp-c (replica), fail over link ac-media");
    expect(plan.planned["ca-logs"]).toContainEqual(expect.stringMatching(/^1\. On hcp-c \(primary\), suspend .*ca-logs/));
    expect(plan.planned["ab-shared"]).toContainEqual(expect.stringMatching(/^1\. On hcp-b .*fail over link ab-shared/));
    expect(plan.planned["bc-finance"] ?? []).toEqual([]);
    expect(up.outputs.activeSystems.value).toMatchObject({ "ab-finance": "replica", "ac-media": "replica", "bc-finance": "primary", "ca-logs": "primary" });
    // The DNS failover warning: hcp-a's link ca-logs is suspended, not failed over.
    expect(output.join("")).toContain("DNS failover is on for hcp-a, but not all of its links are failed over: ca-logs");
    written.finance.push(...(await writeObjects(control, "hcp-b", "finance", "during", 4)));
    written.media.push(...(await writeObjects(control, "hcp-c", "media", "during", 4)));
    written.shared.push(...(await writeObjects(control, "hcp-b", "shared", "during", 4)));
    written.logs.push(...(await writeObjects(control, "hcp-c", "logs", "during", 4)));
  });

  it("hcp-a back: the site recovers, chained and many-to-one links one after another", async () => {
    await control.bringUp("hcp-a");
    await local.stack.setConfig("outOfService", { value: "[]" });
    const up = await local.stack.up({ onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.activeSystems.value).toEqual({ "ab-finance": "primary", "ab-shared": "both", "bc-finance": "primary", "ac-media": "primary", "ca-logs": "primary" });
    const states = await failoverStates(local);
    const steps = (link: string) => (states[link]?.outputs.executedSteps ?? []) as Executed[];
    const finished = (link: string) => Math.max(...steps(link).map((s) => Date.parse(s.finishedAt)));
    const started = (link: string) => Math.min(...steps(link).map((s) => Date.parse(s.startedAt)));
    for (const link of ["ab-finance", "ac-media", "ca-logs", "ab-shared"]) expect(steps(link).length).toBeGreaterThan(0);
    // ab-finance before (bc-finance, nothing to do, then) ac-media, before ca-logs.
    expect(finished("ab-finance")).toBeLessThanOrEqual(started("ac-media"));
    expect(finished("ac-media")).toBeLessThanOrEqual(started("ca-logs"));
  });

  it("every object is on each system that must hold it; no password in state or output", async () => {
    for (const [tenant, holders] of Object.entries(HOLDERS)) {
      expect(written[tenant]).toHaveLength(7); // 3 before the outage, 4 on the survivors during it
      for (const system of holders) {
        await waitFor(`${tenant} on ${system}`, async () => {
          const keys = await control.listObjects(system, tenant);
          return written[tenant]?.every((k) => keys.includes(k)) ? true : undefined;
        });
      }
    }
    const stored = readBackendFiles(local.backendDir);
    for (const s of sim.systems) {
      expect(stored).not.toContain(s.password);
      expect(output.join("")).not.toContain(s.password);
    }
    expect(stored).toContain("hcp:SiteCoverage");
    // Each link names its systems' CA certificates by digest; the site's provider holds them once.
    const failovers = Object.entries(await failoverStates(local));
    expect(failovers).toHaveLength(5);
    for (const [, resource] of failovers) {
      for (const side of ["primary", "replica"]) {
        const system = resource.outputs[side] as Record<string, unknown>;
        expect(system).not.toHaveProperty("caCertificate");
        expect(system.caFromProvider).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
    }
  });
});
