/**
 * What each link must do when some systems are out of service (DESIGN.md, resource 4): the documented
 * workflow for the side that failed, as the per-link ReplicationFailover declaration.
 */
import type { LinkIntent, SiteDeclaration, SiteLink, SiteRefusal } from "./types";

/** The rule table: which side is out of service -> target state, workflow and the side that serves. */
const RULES = {
  ACTIVE_PASSIVE: {
    none: { state: "replicating", workflow: "none" },
    primary: { state: "failedOver", workflow: "primaryFailure" },
    replica: { state: "suspended", workflow: "replicaFailure" },
  },
  ACTIVE_ACTIVE: {
    none: { state: "replicating", workflow: "none" },
    primary: { state: "failedOver", workflow: "activeActive", failOverTo: "replica" },
    replica: { state: "failedOver", workflow: "activeActive", failOverTo: "primary" },
  },
} as const;

export function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function isOut(site: SiteDeclaration, system: string): boolean {
  return site.outOfService.some((s) => same(s, system));
}

export function dnsFailoverOn(site: SiteDeclaration, system: string): boolean {
  const dns = site.dnsFailover;
  return dns === true || (Array.isArray(dns) && dns.some((s) => same(s, system)));
}

/** The intent of every link, or a refusal for each link that neither of its systems can serve. */
export function linkIntents(site: SiteDeclaration): { intents: Omit<LinkIntent, "after">[]; refusals: SiteRefusal[] } {
  const intents: Omit<LinkIntent, "after">[] = [];
  const refusals: SiteRefusal[] = [];
  site.links.forEach((link, i) => {
    const primaryOut = isOut(site, link.primary);
    const replicaOut = isOut(site, link.replica);
    if (primaryOut && replicaOut) {
      refusals.push({
        property: `links[${i}]`,
        reason: `link ${link.linkName}: both of its systems, ${link.primary} and ${link.replica}, are declared out of service, so nothing can serve its tenants`,
        wayForward: `keep ${link.primary} or ${link.replica} in service (remove it from outOfService), or take ${link.linkName} out of the site's links once it is no longer needed`,
      });
      return;
    }
    const side = primaryOut ? "primary" : replicaOut ? "replica" : "none";
    const rule: { state: LinkIntent["state"]; workflow: LinkIntent["workflow"]; failOverTo?: LinkIntent["failOverTo"] } = RULES[link.type][side];
    intents.push({
      linkName: link.linkName,
      primary: link.primary,
      replica: link.replica,
      type: link.type,
      state: rule.state,
      ...(rule.failOverTo ? { failOverTo: rule.failOverTo } : {}),
      workflow: rule.workflow,
      ...(site.dnsFailover !== undefined ? { dnsFailover: linkDnsFailover(site, link) } : {}),
    });
  });
  return { intents, refusals };
}

/**
 * DNS failover of a link as the site declares it, kept the same whether or not a system is out (a change
 * would show as a diff of every link): the primary's for an active/passive link, either side's for an
 * active/active link. Undeclared, each link follows what its systems report.
 */
function linkDnsFailover(site: SiteDeclaration, link: SiteLink): boolean {
  return dnsFailoverOn(site, link.primary) || (link.type === "ACTIVE_ACTIVE" && dnsFailoverOn(site, link.replica));
}
