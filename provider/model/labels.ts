/** How plans name the systems. */
import type { PlanOptions, Side } from "./types";

/** `hcp-a (primary)`. */
export function primaryLabel(opts: PlanOptions): string {
  return `${opts.primaryName} (primary)`;
}

/** `hcp-b (replica)`. */
export function replicaLabel(opts: PlanOptions): string {
  return `${opts.replicaName} (replica)`;
}

/** The label of either side. */
export function sideLabel(side: Side, opts: PlanOptions): string {
  return side === "primary" ? primaryLabel(opts) : replicaLabel(opts);
}
