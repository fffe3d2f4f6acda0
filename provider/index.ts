/**
 * pulumi-hcp-replication: HCP replication failover and recovery as Pulumi resources.
 * Heavy modules (the MAPI client, the planner, the executor) are loaded inside the providers on demand.
 */
export type { HcpSystem, AuthType } from "./resources/system";
export { ReplicationCertificateTrust } from "./resources/replicationCertificateTrust";
export type { ReplicationCertificateTrustArgs } from "./resources/replicationCertificateTrust";
export { ReplicationLink } from "./resources/replicationLink";
export type { ReplicationLinkArgs, LinkKind, TypeConversion } from "./resources/replicationLink";
export { ReplicationFailover, failoverStates, failOverTargets, recoveryPerformanceLevels } from "./resources/replicationFailover";
export type { ReplicationFailoverArgs, FailoverState, FailOverTarget, RecoveryPerformanceLevel, ActiveSystem, AccessMode, ExecutedStepRecord } from "./resources/replicationFailover";
export type { ReadinessItem } from "./model/types";
export type { FailoverSettings, LinkPriority } from "./mapi/types";
export { ReplicationSite } from "./resources/replicationSite";
export type { ReplicationSiteArgs, SiteLinkArgs } from "./resources/replicationSite";
export { SiteCoverage } from "./resources/siteCoverage";
export type { SiteCoverageArgs } from "./resources/siteCoverage";
export type { LinkIntent, SiteLinkType, LinkTargetState } from "./site/types";
