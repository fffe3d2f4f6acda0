/**
 * Plans as text: numbered as in the seed workflow, one line per step.
 */
import type { Plan } from "./types";

/**
 * `["1. On hcp-b (replica), fail over link link-ab", "2. …"]`; `[]` when nothing is to be done; for a
 * refusal, four lines: Refused, Found, Expected, Way forward. Warnings follow the steps they concern.
 */
export function formatPlan(plan: Plan): string[] {
  if (!plan.ok) {
    const r = plan.refusal;
    return [`Refused: ${r.reason}`, `Found: ${r.found}`, `Expected: ${r.expected}`, `Way forward: ${r.wayForward}`];
  }
  return [...plan.steps.map((s) => `${s.seedStep}. ${s.title}`), ...(plan.steps.length > 0 ? (plan.warnings ?? []).map((w) => `Warning: ${w}`) : [])];
}
