/**
 * Types of the pure site planner: a whole site declared at once (its systems, every link between them,
 * which systems are out of service) and what each link must do about it. Data only.
 */

export type SiteLinkType = "ACTIVE_PASSIVE" | "ACTIVE_ACTIVE";
export const SITE_LINK_TYPES: readonly SiteLinkType[] = ["ACTIVE_PASSIVE", "ACTIVE_ACTIVE"];

/** One link of the site; `primary` and `replica` name systems of the site. */
export interface SiteLink {
  linkName: string;
  primary: string;
  replica: string;
  type: SiteLinkType;
  tenants?: string[];
}

export interface SiteDeclaration {
  /** Names of the site's systems. */
  systems: string[];
  links: SiteLink[];
  /** Systems declared out of service. */
  outOfService: string[];
  /** HCP DNS failover: on for every system (true), for the named systems, or off (default). */
  dnsFailover?: boolean | string[];
}

/** The per-link ReplicationFailover state the site asks for. */
export type LinkTargetState = "replicating" | "failedOver" | "suspended";

/** Which documented workflow takes the link to its target (and back). */
export type SiteWorkflow = "primaryFailure" | "replicaFailure" | "activeActive" | "none";

/** What one link must do: the ReplicationFailover declaration, and what it waits for. */
export interface LinkIntent {
  linkName: string;
  primary: string;
  replica: string;
  type: SiteLinkType;
  state: LinkTargetState;
  /** The system that keeps serving an active/active link while failed over. */
  failOverTo?: "replica" | "primary";
  workflow: SiteWorkflow;
  /**
   * Whether the plan may rely on HCP's DNS failover for this link (else it says when to redirect clients);
   * absent when the site does not declare it: the link follows what its systems report.
   */
  dnsFailover?: boolean;
  /** Links that must finish before this one starts (names of other links of the site). */
  after: string[];
}

/** One ordering rule between two links, and why. */
export interface OrderEdge {
  before: string;
  after: string;
  /** "chained" (the first link's replica is the second's primary) or "manyToOne" (same replica). */
  kind: "chained" | "manyToOne";
  /** The system the two links share. */
  through: string;
}

export interface SiteRefusal {
  /** The property at fault, e.g. `links[2]` or `links`. */
  property: string;
  reason: string;
  wayForward: string;
}

export type SitePlan =
  | { ok: true; links: LinkIntent[]; order: OrderEdge[]; warnings: string[] }
  | { ok: false; refusals: SiteRefusal[] };

/** What one system's link list read gave: its link names, or that it did not answer (with why). */
export type LinkListReading = { reachable: true; links: string[] } | { reachable: false; error: string };
