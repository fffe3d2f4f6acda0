/**
 * A failover drill as a Markdown report: each transition's RTO and data behind at its start (RPO
 * exposure), the timeline of steps with their times, and objects counted on each system before and after.
 * Pure: the figures come from the stack outputs of each `pulumi up` and, where a data plane can be read
 * (the simulator), from object listings.
 */
import { describeDataBehindAtStart, type LastTransition } from "../engine/lastTransition";
import type { ExecutedStepRecord } from "../resources/replicationFailover";

/** What one `pulumi up` of the drill left in the stack outputs. */
export interface DrillRun {
  /** What the run was for, e.g. "fail over to hcp-b". */
  label: string;
  executedSteps?: ExecutedStepRecord[];
  lastTransition?: LastTransition;
  activeSystem?: string;
  phase?: string;
}

export interface ObjectCounts {
  /** What was counted, said in the report (e.g. "objects listed in tenant finance through the data plane"). */
  what: string;
  /** system -> count, before the drill and after it. */
  before: Record<string, number>;
  after: Record<string, number>;
}

export interface DrillReportInput {
  title: string;
  stack: string;
  generatedAt: string;
  runs: DrillRun[];
  objects?: ObjectCounts;
  /** Said instead of the object table when nothing could be counted. */
  objectsNote?: string;
  /** Updates from `pulumi stack history` (kind, result, start and end), newest first as the CLI gives them. */
  updates?: Array<{ kind: string; result: string; startTime: string; endTime?: string }>;
}

const cell = (text: string | number | undefined): string => String(text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");

function seconds(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? `${Math.round(ms / 100) / 10}` : "";
}

function behind(t: LastTransition): string {
  return describeDataBehindAtStart(t.dataBehindAtStart);
}

function stepName(s: ExecutedStepRecord): string {
  return s.label;
}

/** The report as Markdown. */
export function renderDrillReport(input: DrillReportInput): string {
  const out: string[] = [`# ${input.title}`, "", `Stack \`${input.stack}\`, report written ${input.generatedAt}.`, ""];

  out.push("## RPO and RTO per transition", "");
  const transitions = input.runs.filter((r) => r.lastTransition);
  if (transitions.length === 0) {
    out.push("No transition recorded (`lastTransition` is empty: no `up` has changed the link's direction yet).", "");
  } else {
    out.push("| run | from | to | started | finished | RTO (s) | data behind at start (RPO exposure) |", "|---|---|---|---|---|---|---|");
    for (const r of transitions) {
      const t = r.lastTransition as LastTransition;
      out.push(`| ${cell(r.label)} | ${t.from} | ${t.to} | ${t.startedAt} | ${t.finishedAt} | ${t.seconds} | ${cell(behind(t))} |`);
    }
    out.push(
      "",
      "RTO is the time `pulumi up` took from its first reading of the systems to the declared state. The data behind is " +
        "what the receiving side lacked when the transition began: read live when the primary answered, else the last " +
        "reading the resource kept, with its time and its age: then it is a lower bound, as whatever was written after it is unknown.",
      "",
      "Clocks: started, finished and the RTO are the wall clock of the machine that ran `pulumi up`; the data behind, " +
        "its read time and its seconds are on the systems' own clock (their `Date` header and link statistics).",
      "",
    );
  }

  out.push("## Timeline", "");
  const withSteps = input.runs.filter((r) => (r.executedSteps ?? []).length > 0);
  if (withSteps.length === 0) out.push("No step ran.", "");
  for (const r of withSteps) {
    out.push(`### ${cell(r.label)}`, "", "| step | what | outcome | started | finished | seconds |", "|---|---|---|---|---|---|");
    for (const s of r.executedSteps ?? []) {
      out.push(`| ${stepName(s)} | ${cell(s.title)} | ${s.outcome} | ${s.startedAt} | ${s.finishedAt} | ${seconds(s.startedAt, s.finishedAt)} |`);
    }
    out.push("", `Afterwards: active system ${r.activeSystem ?? "?"}, phase ${r.phase ?? "?"}.`, "");
  }

  out.push("## Objects on each system", "");
  if (input.objects) {
    const systems = [...new Set([...Object.keys(input.objects.before), ...Object.keys(input.objects.after)])].sort();
    out.push(`Counted: ${input.objects.what}.`, "", "| system | before | after |", "|---|---|---|");
    for (const s of systems) out.push(`| ${s} | ${input.objects.before[s] ?? ""} | ${input.objects.after[s] ?? ""} |`);
    out.push("");
  } else {
    out.push(input.objectsNote ?? "Not counted.", "");
  }

  if (input.updates && input.updates.length > 0) {
    out.push("## Updates of the stack", "", "| kind | result | started | ended |", "|---|---|---|---|");
    for (const u of input.updates) out.push(`| ${u.kind} | ${u.result} | ${u.startTime} | ${u.endTime ?? ""} |`);
    out.push("");
  }
  return out.join("\n");
}
