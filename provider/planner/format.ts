/**
 * Plans as text: numbered as the edition's table does, one line per step.
 */
import type { Plan, PlannedStep } from "./types";

/** `6. On hcp-b …`, or `Before step 6: …` for a step the edition does not number. */
export function formatStep(step: PlannedStep): string {
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

/**
 * `["HCP System Management Help 9.x, Primary system failure workflow:", "1. On hcp-b (replica), fail over
 * link link-ab", "2. …"]`: the document once, then its numbered steps; `[]` when nothing is to be done; for
 * a refusal, four lines: Refused, Found, Expected, Way forward. Warnings follow the steps they concern.
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
  ];
}
