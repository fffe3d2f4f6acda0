/**
 * A stack's readiness as a Markdown report: per link, whether the declared failover or recovery will
 * work, from the `readiness` checks its ReplicationFailover read from the systems (provider/planner/
 * readiness.ts). Pure: the links come from a refresh preview of the stack (readinessCli.ts).
 */
import type { ReadinessItem } from "../model/types";

/** One ReplicationFailover of the stack (a site's links are ReplicationFailovers too). */
export interface LinkReadiness {
  /** The resource's Pulumi name, e.g. "failover" or "site-ab-finance". */
  resource: string;
  link: string;
  primary: string;
  replica: string;
  /** The state the stack declares, and the phase the systems are in. */
  state?: string;
  phase?: string;
  readiness: readonly ReadinessItem[];
}

export interface ReadinessReportInput {
  stack: string;
  generatedAt: string;
  links: readonly LinkReadiness[];
}

const cell = (text: string | undefined): string => (text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
const MARK: Readonly<Record<ReadinessItem["status"], string>> = { pass: "pass", warn: "**warn**", fail: "**FAIL**" };

function count(items: readonly ReadinessItem[], status: ReadinessItem["status"]): number {
  return items.filter((i) => i.status === status).length;
}

/** "fail": a check failed; "warn": one warns; else "pass". */
export function worstStatus(links: readonly LinkReadiness[]): ReadinessItem["status"] {
  const all = links.flatMap((l) => l.readiness);
  return all.some((i) => i.status === "fail") ? "fail" : all.some((i) => i.status === "warn") ? "warn" : "pass";
}

export function renderReadinessReport(input: ReadinessReportInput): string {
  const out: string[] = [`# Readiness: ${input.stack}`, "", `Stack \`${input.stack}\`, read from the systems ${input.generatedAt}.`, ""];
  if (input.links.length === 0) {
    out.push("The stack has no ReplicationFailover with readiness checks: run `pulumi up` once with this package's current version.");
    return out.join("\n");
  }
  const verdict = worstStatus(input.links);
  out.push(
    verdict === "fail"
      ? "**Not ready:** a check fails; the declared transition of that link would be refused or stop. See the way forward of each failing check."
      : verdict === "warn"
        ? "**Ready, with warnings:** nothing blocks the declared transitions; read the warnings before an outage."
        : "**Ready:** every check passes.",
    "",
    "| link | systems | declared | phase | pass | warn | fail |",
    "|---|---|---|---|---|---|---|",
  );
  for (const l of input.links) {
    const r = l.readiness;
    out.push(`| ${cell(l.link)} | ${cell(l.primary)} -> ${cell(l.replica)} | ${cell(l.state)} | ${cell(l.phase)} | ${count(r, "pass")} | ${count(r, "warn")} | ${count(r, "fail")} |`);
  }
  for (const l of input.links) {
    out.push("", `## ${l.link} (${l.resource})`, "", "| check | status | detail | way forward |", "|---|---|---|---|");
    for (const i of l.readiness) out.push(`| ${cell(i.check)} | ${MARK[i.status]} | ${cell(i.detail)} | ${cell(i.wayForward)} |`);
  }
  return out.join("\n");
}
