/**
 * `hcp-readiness --stack <name> [--cwd <project dir>] [--out <file>]`: the readiness report of any stack.
 * Reads the systems afresh through a refresh preview (Pulumi's Automation API, the `pulumi` on PATH, in the
 * project directory): each ReplicationFailover's `read` computes its readiness, and the engine's events
 * carry what it read; nothing is written to the state and no lock is taken. (`pulumi refresh --preview-only
 * --json` lists the stored outputs, not what was read, so it is not used.) Exits 2 when a check fails, so a
 * scheduled job can alert on it.
 */
import * as fs from "fs";
import { Command } from "commander";
import { LocalWorkspace, type EngineEvent } from "@pulumi/pulumi/automation";
import type { ReadinessItem } from "../model/types";
import { renderReadinessReport, worstStatus, type LinkReadiness } from "./readinessReport";

const FAILOVER_TYPE = /(^|\/)hcp:ReplicationFailover$/;

/** The ReplicationFailovers of a refresh preview's events, each with the outputs its last event carries. */
export function linksOfRefreshEvents(events: readonly EngineEvent[]): LinkReadiness[] {
  const latest = new Map<string, Record<string, unknown>>();
  for (const e of events) {
    const meta = e.resOutputsEvent?.metadata ?? e.resourcePreEvent?.metadata;
    const state = meta?.new ?? meta?.old;
    if (!meta || !state || !FAILOVER_TYPE.test(state.type)) continue;
    latest.set(meta.urn, (state.outputs ?? {}) as Record<string, unknown>);
  }
  const system = (v: unknown) => (v && typeof v === "object" ? String((v as { name?: unknown }).name ?? "") : "");
  return [...latest].map(([urn, o]) => ({
    resource: urn.split("::").pop() ?? urn,
    link: String(o.link ?? ""),
    primary: system(o.primary),
    replica: system(o.replica),
    ...(typeof o.state === "string" ? { state: o.state } : {}),
    ...(typeof o.phase === "string" ? { phase: o.phase } : {}),
    readiness: Array.isArray(o.readiness) ? (o.readiness as ReadinessItem[]) : [],
  }));
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name("hcp-readiness")
    .description("Markdown report of whether each link's declared failover or recovery will work, read from the systems now")
    .requiredOption("-s, --stack <name>", "the stack (as `pulumi stack select` names it)")
    .option("-C, --cwd <dir>", "the Pulumi project directory", process.cwd())
    .option("-o, --out <file>", "write the report here instead of stdout")
    .parse([...argv]);
  const o = program.opts<{ stack: string; cwd: string; out?: string }>();
  const stack = await LocalWorkspace.selectStack({ stackName: o.stack, workDir: o.cwd });
  const events: EngineEvent[] = [];
  try {
    await stack.previewRefresh({ onEvent: (e) => events.push(e) });
  } catch (err) {
    throw new Error(`reading stack ${o.stack} (a refresh preview) failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const links = linksOfRefreshEvents(events);
  const report = renderReadinessReport({ stack: o.stack, generatedAt: new Date().toISOString(), links });
  if (o.out) fs.writeFileSync(o.out, `${report}\n`);
  else process.stdout.write(`${report}\n`);
  if (worstStatus(links) === "fail") process.exitCode = 2;
}
