/**
 * `hcp-drill-report --stack <name> [--cwd <project dir>] [--out <file>]`: the drill report of any stack,
 * from `pulumi stack output --json` (the failover's executedSteps and lastTransition, exported by the
 * program) and `pulumi stack history --json`. Runs the `pulumi` on PATH in the project directory.
 */
import * as fs from "fs";
import { Command } from "commander";
import { renderDrillReport, type DrillRun } from "./drillReport";
import { pulumiJson } from "./pulumiCli";

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name("hcp-drill-report")
    .description("Markdown report of a stack's last failover or recovery: steps with times, RPO and RTO")
    .requiredOption("-s, --stack <name>", "the stack (as `pulumi stack select` names it)")
    .option("-C, --cwd <dir>", "the Pulumi project directory", process.cwd())
    .option("-o, --out <file>", "write the report here instead of stdout")
    .parse([...argv]);
  const o = program.opts<{ stack: string; cwd: string; out?: string }>();
  const outputs = (await pulumiJson(["stack", "output", "--stack", o.stack], o.cwd)) as Record<string, unknown>;
  const history = (await pulumiJson(["stack", "history", "--stack", o.stack], o.cwd)) as Array<{ kind: string; result: string; startTime: string; endTime?: string }>;
  if (outputs.executedSteps === undefined && outputs.lastTransition === undefined) {
    throw new Error(`stack ${o.stack} exports neither executedSteps nor lastTransition: export them from the ReplicationFailover (see the README)`);
  }
  const run: DrillRun = {
    label: "last pulumi up",
    executedSteps: outputs.executedSteps as DrillRun["executedSteps"],
    lastTransition: outputs.lastTransition as DrillRun["lastTransition"],
    activeSystem: outputs.activeSystem as string | undefined,
    phase: outputs.phase as string | undefined,
  };
  const report = renderDrillReport({
    title: `Failover drill report: ${o.stack}`,
    stack: o.stack,
    generatedAt: new Date().toISOString(),
    runs: [run],
    objectsNote:
      "Not counted: the HCP Management API does not list objects. Count them per tenant with your data-plane tools " +
      "(`npm run demo` counts them on the simulator).",
    updates: history.map((u) => ({ kind: u.kind, result: u.result, startTime: u.startTime, endTime: u.endTime })),
  });
  if (o.out) fs.writeFileSync(o.out, report);
  else process.stdout.write(`${report}\n`);
}
