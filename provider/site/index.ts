/**
 * The pure site planner (no IO): a whole site's declaration -> each link's ReplicationFailover declaration,
 * the order links are taken back in, the coverage check and the warnings the documentation implies.
 */
export * from "./types";
export { planSite, describeSiteRefusal } from "./plan";
export { validateSite, type SiteFailure } from "./validate";
export { checkCoverage, type CoverageResult } from "./coverage";
export { orderEdges, topologicalOrder, waves, predecessors } from "./order";
export { describeOrder } from "./warnings";
export { dnsFailoverOn, isOut } from "./intents";
