/**
 * Plans, refusals and figures as text: steps numbered as the edition's table does, one line per step.
 */
import type { Plan, PlannedStep, Refusal } from "./types";

/** `6. On hcp-b …`, or `Before step 6: …` for a step the edition does not number. */
export function formatStep(step: Pick<PlannedStep, "number" | "label" | "title">): string {
  return step.number !== undefined ? `${step.label}. ${step.title}` : `${capitalise(step.label)}: ${step.title}`;
}

/** How progress lines name a step: `Step 6`, or `Step (before step 6)`. */
export function stepRef(step: Pick<PlannedStep, "number" | "label">): string {
  return step.number !== undefined ? `Step ${step.label}` : `Step (${step.label})`;
}

/** How a sentence names a step: `step 6`, or `the step before step 6`. */
export function stepPhrase(step: Pick<PlannedStep, "number" | "label">): string {
  return step.number !== undefined ? `step ${step.label}` : `the step ${step.label}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One message from a refusal: reason, found, expected, way forward. */
export function describeRefusal(refusal: Refusal): string {
  const reason = /[.!?]$/.test(refusal.reason) ? refusal.reason : `${refusal.reason}.`;
  return `${reason} Found: ${refusal.found}. Expected: ${refusal.expected}. Way forward: ${refusal.wayForward}`;
}

/**
 * `["HCP System Management Help 9.x, Primary system failure workflow:", "1. On hcp-b (replica), fail over
 * link link-ab", "2. …"]`: the document once, then its numbered steps; `[]` when nothing is to be done; for
 * a refusal, four lines: Refused, Found, Expected, Way forward. Warnings follow the steps they concern, and
 * the plan's notes (the data a failover leaves behind) end it.
 */
export function formatPlan(plan: Plan): string[] {
  if (!plan.ok) {
    const r = plan.refusal;
    return [`Refused: ${r.reason}`, `Found: ${r.found}`, `Expected: ${r.expected}`, `Way forward: ${r.wayForward}`];
  }
  if (plan.steps.length === 0) return [];
  return [
    ...(plan.source ? [`${plan.source.document}:`] : []),
    ...plan.steps.map(formatStep),
    ...(plan.warnings ?? []).map((w) => `Warning: ${w}`),
    ...(plan.notes ?? []),
  ];
}

/** `1h 2m 3s`, `45s`, `0s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s || parts.length === 0) parts.push(`${s}s`);
  return parts.join(" ");
}

/** `12.3 MB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `12 objects, 4096 bytes, 40 s`; `unknown` when nothing was reported. */
export function lagFigures(lag: { objects?: number; bytes?: number; seconds?: number }): string {
  const parts: string[] = [];
  if (lag.objects !== undefined) parts.push(`${lag.objects} object${lag.objects === 1 ? "" : "s"}`);
  if (lag.bytes !== undefined) parts.push(`${lag.bytes} bytes`);
  if (lag.seconds !== undefined) parts.push(`${lag.seconds} s`);
  return parts.length > 0 ? parts.join(", ") : "unknown";
}
