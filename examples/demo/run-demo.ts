/**
 * `npm run demo`: a failover drill on the built-in simulator, with the real Pulumi CLI.
 * The primary fails, `pulumi up` fails over to the replica, applications keep writing there, the primary
 * comes back, and `pulumi up` recovers: every object written during the outage reaches the primary.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, defaultConfig } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";
import { createDemoStack } from "./demoStack";
import { ensurePulumi } from "./workspace";
import { renderDrillReport, type DrillRun } from "../../provider/report/drillReport";
import type * as auto from "@pulumi/pulumi/automation";

const tenant = "finance";
const outageWrites = 120;
/** Where the drill report is written (`npm run demo -- --report <file>`; default drill-report.md here). */
const reportFile = path.resolve(process.argv.includes("--report") ? process.argv[process.argv.indexOf("--report") + 1] : "drill-report.md");

/** What one `pulumi up` left in the stack outputs, for the report. */
function runOf(label: string, up: auto.UpResult): DrillRun {
  const value = (k: string) => up.outputs[k]?.value as never;
  return { label, executedSteps: value("executedSteps"), lastTransition: value("lastTransition"), activeSystem: value("activeSystem"), phase: value("phase") };
}

/** Objects in the link's tenants on each system, as the simulator's data plane holds them. */
async function countObjects(control: SimulatorClient): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of ["hcp-a", "hcp-b"]) {
    counts[name] = (await control.state(name)).tenants.filter((t) => t.name === "finance" || t.name === "media").reduce((n, t) => n + t.objects, 0);
  }
  return counts;
}

function banner(text: string): void {
  process.stdout.write(`\n=== ${text}\n`);
}

async function main(): Promise<void> {
  banner("Pulumi CLI");
  const cli = await ensurePulumi();
  process.stdout.write(`pulumi ${cli.version} (${cli.source})\n`);

  banner("Starting the HCP simulator: hcp-a (primary) and hcp-b (replica), link link-ab, tenants finance and media");
  // One simulated minute passes in one real second, and the link replicates one object every two
  // simulated seconds: recovering what was written during the outage takes a few visible polls.
  const sim = await startSimulator({ ...defaultConfig(), timeSpeed: 60, replicationRate: { objectsPerSecond: 0.5, bytesPerSecond: 10 * 1024 * 1024 } });
  const control = new SimulatorClient(sim);
  for (const s of sim.systems) process.stdout.write(`${s.name}: ${s.endpoint} (CA ${s.caFile})\n`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-demo-"));
  const redirectLog = path.join(workDir, "client-redirects.log");
  const { stack, cleanup } = await createDemoStack({ sim, redirectLog });
  const out = (line: string) => process.stdout.write(line);

  try {
    banner("pulumi up: take the existing link under management (state = replicating)");
    await stack.up({ onOutput: out });

    banner("Applications write 5 objects to the primary");
    for (let i = 1; i <= 5; i++) await control.putObject("hcp-a", tenant, `before-outage-${i}.txt`, `written to hcp-a #${i}`);

    const objectsBefore = await countObjects(control);

    banner("The primary system fails (simulator: hcp-a down)");
    await control.takeDown("hcp-a");

    banner("pulumi config set state failedOver; pulumi preview --diff shows the plan");
    await stack.setConfig("state", { value: "failedOver" });
    await stack.preview({ diff: true, onOutput: out });

    banner("pulumi up: fail over to the replica");
    const failover = await stack.up({ onOutput: out });
    const runs: DrillRun[] = [runOf("fail over to hcp-b (hcp-a down)", failover)];
    process.stdout.write(`activeSystem = ${failover.outputs.activeSystem.value}, replica is ${failover.outputs.replicaAccess.value}\n`);

    banner(`Applications keep writing: ${outageWrites} objects to the replica while failed over`);
    for (let i = 1; i <= outageWrites; i++) {
      const res = await control.putObject("hcp-b", tenant, `during-outage-${i}.txt`, `written to hcp-b #${i}`);
      if (res.status >= 300) throw new Error(`write to hcp-b refused: HTTP ${res.status} ${res.message ?? ""}`);
    }

    banner("The primary comes back online (simulator: hcp-a up)");
    await control.bringUp("hcp-a");

    banner("pulumi config set state replicating; pulumi preview --diff shows the recovery plan");
    await stack.setConfig("state", { value: "replicating" });
    await stack.preview({ diff: true, onOutput: out });

    banner("pulumi up: recover (begin recovery, wait, complete recovery, wait for completion)");
    const recovery = await stack.up({ onOutput: out });
    runs.push(runOf("recover onto hcp-a", recovery));
    process.stdout.write(`activeSystem = ${recovery.outputs.activeSystem.value}, primary is ${recovery.outputs.primaryAccess.value}\n`);

    banner("Result");
    const onPrimary = await control.listObjects("hcp-a", tenant);
    const written = [...[...Array(5)].map((_, i) => `before-outage-${i + 1}.txt`), ...[...Array(outageWrites)].map((_, i) => `during-outage-${i + 1}.txt`)];
    const missing = written.filter((k) => !onPrimary.includes(k));
    process.stdout.write(`objects in ${tenant} on hcp-a: ${onPrimary.length}; written during the drill: ${written.length}; missing: ${missing.length}\n`);
    const completed = (await control.events("hcp-a")).find((e) => e.message.includes("Replication data recovery completed"));
    process.stdout.write(`hcp-a system log: ${completed ? `"${completed.message}"` : "no recovery-completed entry"}\n`);
    if (fs.existsSync(redirectLog)) process.stdout.write(`client redirects:\n${fs.readFileSync(redirectLog, "utf8")}`);
    fs.writeFileSync(
      reportFile,
      renderDrillReport({
        title: "HCP failover drill (simulator)",
        stack: stack.name,
        generatedAt: new Date().toISOString(),
        runs,
        objects: {
          what: "objects held in tenants finance and media (the tenants of link-ab), as the simulator's data plane lists them, just before hcp-a failed and after recovery",
          before: objectsBefore,
          after: await countObjects(control),
        },
      }),
    );
    process.stdout.write(`drill report: ${reportFile}\n`);
    if (missing.length > 0 || !completed) throw new Error(`the drill did not end as expected: missing ${missing.join(", ") || "nothing"}`);
    banner("Drill complete: failed over and recovered with no object lost");
  } finally {
    // The link stays (its deletion is guarded); the demo's stack and backend are simply removed.
    await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    cleanup();
    await sim.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
