/**
 * Every documented workflow the planner can walk, in the order it tries them. Adding a workflow is adding
 * its table here (and its phase readings in planner/phase.ts).
 */
import { primaryFailure } from "./primaryFailure";
import { replicaFailure } from "./replicaFailure";
import type { Workflow } from "./types";

export const WORKFLOWS: readonly Workflow[] = [primaryFailure, replicaFailure];

export { primaryFailure, replicaFailure };
export type * from "./types";
