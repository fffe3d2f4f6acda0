/**
 * ReplicationSite: one declaration for every link of a site (DESIGN.md, resource 4). Declaring a system
 * out of service fails over every link on which it is the active side; taking it back recovers or fails
 * back every link in the order the documentation requires. Its children are a SiteCoverage check and one
 * ReplicationFailover per link, ordered with dependsOn from the site planner's graph, so preview shows
 * each link's numbered plan and independent links run in parallel.
 */
import * as pulumi from "@pulumi/pulumi";
import { planSite, describeSiteRefusal } from "../site/plan";
import { describeOrder } from "../site/warnings";
import type { LinkIntent, SiteDeclaration, SiteLinkType } from "../site/types";
import type { ReadinessItem } from "../model/types";
import { ReplicationFailover, type ReplicationFailoverArgs } from "./replicationFailover";
import { SiteCoverage } from "./siteCoverage";
import { SiteProvider } from "./siteProvider";
import type { HcpSystem } from "./system";

export interface SiteLinkArgs {
  /** The link's name on both systems. */
  linkName: string;
  /** Name of the system (in `systems`) that is the link's primary (for active/active: the first side). */
  primary: string;
  /** Name of the system (in `systems`) that is the link's replica (for active/active: the second side). */
  replica: string;
  type: SiteLinkType;
  /** The tenants the link carries (documentation of the site; shown in `links`). */
  tenants?: string[];
}

export interface ReplicationSiteArgs {
  /** Every system of the site; `name` is how links and `outOfService` refer to it. */
  systems: HcpSystem[];
  /** Every link between the site's systems: coverage refuses a link the systems have and this list lacks. */
  links: SiteLinkArgs[];
  /** The systems declared out of service (e.g. a failed data centre). */
  outOfService: string[];
  /** HCP DNS failover: on for every system (true), for the systems named, or off (default). */
  dnsFailover?: boolean | string[];
  /** Passed to every link's ReplicationFailover. */
  completeRecoveryWhenBehindSeconds?: pulumi.Input<number>;
  waitTimeoutSeconds?: pulumi.Input<number>;
  pollIntervalSeconds?: pulumi.Input<number>;
}

export class ReplicationSite extends pulumi.ComponentResource {
  /** The per-link failover resources, by link name. */
  readonly failovers: Readonly<Record<string, ReplicationFailover>>;
  readonly coverage: SiteCoverage;
  /** What the documentation implies a person must know about this declaration. */
  readonly warnings: readonly string[];
  /** Where failback order matters: "ab before bc (chained through hcp-b)". */
  readonly failbackOrder: readonly string[];
  /** Per link, the state it is declared in and the links it waits for. */
  readonly links: readonly LinkIntent[];
  /** Per link, the steps `up` will run. */
  readonly plannedSteps: pulumi.Output<Record<string, string[]>>;
  /** Per link, the system serving clients now ("both" while an active/active link replicates). */
  readonly activeSystems: pulumi.Output<Record<string, string>>;
  /** Per link, its readiness checks (see ReplicationFailover.readiness). */
  readonly readiness: pulumi.Output<Record<string, ReadinessItem[]>>;

  constructor(name: string, args: ReplicationSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hcp:index:ReplicationSite", name, {}, opts);
    const site = declarationOf(args);
    const plan = planSite(site);
    if (!plan.ok) {
      throw new Error(`ReplicationSite ${name}: ${plan.refusals.map(describeSiteRefusal).join("\n")}`);
    }
    const systems = new Map(args.systems.map((s) => [s.name.toLowerCase(), s]));
    const system = (n: string) => systems.get(n.toLowerCase()) as HcpSystem;
    for (const warning of plan.warnings) void pulumi.log.warn(warning, this);

    // The children run under the site's provider, which holds the systems' CA certificates once.
    const provider = new SiteProvider(`${name}-provider`, args.systems, { parent: this });
    this.coverage = new SiteCoverage(`${name}-coverage`, { systems: args.systems, site }, { parent: this, provider });
    const failovers: Record<string, ReplicationFailover> = {};
    for (const intent of plan.links) {
      const failoverArgs = {
        link: intent.linkName,
        primary: system(intent.primary),
        replica: system(intent.replica),
        state: intent.state,
        ...(intent.failOverTo ? { failOverTo: intent.failOverTo } : {}),
        ...(intent.dnsFailover !== undefined ? { dnsFailover: intent.dnsFailover } : {}),
        completeRecoveryWhenBehindSeconds: args.completeRecoveryWhenBehindSeconds,
        waitTimeoutSeconds: args.waitTimeoutSeconds,
        pollIntervalSeconds: args.pollIntervalSeconds,
      } satisfies ReplicationFailoverArgs;
      failovers[intent.linkName] = new ReplicationFailover(`${name}-${intent.linkName}`, failoverArgs, {
        parent: this,
        provider,
        dependsOn: [this.coverage, ...intent.after.map((l) => failovers[l] as ReplicationFailover)],
      });
    }
    this.failovers = failovers;
    this.warnings = plan.warnings;
    this.failbackOrder = describeOrder(plan.order);
    this.links = plan.links;
    const each = <T>(pick: (f: ReplicationFailover) => pulumi.Output<T>) =>
      pulumi.all(Object.fromEntries(Object.entries(failovers).map(([link, f]) => [link, pick(f)]))) as pulumi.Output<Record<string, T>>;
    this.plannedSteps = each((f) => f.plannedSteps);
    this.activeSystems = each((f) => f.activeSystem as pulumi.Output<string>);
    this.readiness = each((f) => f.readiness);
    this.registerOutputs({
      plannedSteps: this.plannedSteps,
      activeSystems: this.activeSystems,
      readiness: this.readiness,
      warnings: this.warnings,
      failbackOrder: this.failbackOrder,
    });
  }
}

/** The declaration by name (what the pure planner and the coverage check see). */
function declarationOf(args: ReplicationSiteArgs): SiteDeclaration {
  return {
    systems: (args.systems ?? []).map((s) => s?.name),
    links: (args.links ?? []).map((l) => ({ linkName: l.linkName, primary: l.primary, replica: l.replica, type: l.type, ...(l.tenants ? { tenants: [...l.tenants] } : {}) })),
    outOfService: args.outOfService ?? [],
    ...(args.dnsFailover !== undefined ? { dnsFailover: args.dnsFailover } : {}),
  };
}
