/**
 * The pure planner: observed state of both systems + declared state -> ordered workflow steps or a
 * refusal. No IO here; the only imports from `../mapi` are types and the data in `assumptions.ts`.
 */
export * from "./types";
export { observePhase, analysePhase, isSuspended, EXPECTED_REPLICA_MESSAGES, EXPECTED_PRIMARY_MESSAGES, type PhaseAnalysis, type PhaseLabels } from "./phase";
export { planTransition, chooseWorkflow, plannedStep, stepLabel, tableStep, splitBrainAfter, evaluateCheck, dataBehind, isBehind, describeRefusal, type CheckResult } from "./plan";
export { accessModes } from "./access";
export { formatPlan, formatStep, stepRef } from "./format";
export { primaryLabel, replicaLabel, sideLabel } from "./labels";
