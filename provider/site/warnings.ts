/**
 * What the documentation implies a person must know about a site declaration (hcp-workflows.md 3f):
 * DNS failover works per cluster only when every link of the system is failed over to one target, and
 * failback order matters in chained and many-to-one topologies.
 */
import { dnsFailoverOn, isOut, same } from "./intents";
import type { LinkIntent, OrderEdge, SiteDeclaration } from "./types";

/** The system that serves a link's tenants while `system` is out, or undefined when the link is not failed over. */
function failedOverTo(intent: LinkIntent, system: string): string | undefined {
  if (intent.state !== "failedOver") return undefined;
  if (intent.type === "ACTIVE_ACTIVE") return intent.failOverTo === "primary" ? intent.primary : intent.replica;
  return same(intent.primary, system) ? intent.replica : undefined;
}

/** DNS failover on an out-of-service system whose links are not all failed over to one system. */
export function dnsWarnings(site: SiteDeclaration, intents: readonly LinkIntent[]): string[] {
  const warnings: string[] = [];
  for (const system of site.outOfService) {
    if (!dnsFailoverOn(site, system)) continue;
    const own = intents.filter((i) => same(i.primary, system) || same(i.replica, system));
    const notFailedOver = own.filter((i) => failedOverTo(i, system) === undefined);
    const targets = [...new Set(own.map((i) => failedOverTo(i, system)).filter((t): t is string => t !== undefined))];
    if (notFailedOver.length > 0) {
      const list = notFailedOver.map((i) => `${i.linkName} (${i.state}${i.state === "suspended" ? `: ${system} is its replica` : ""})`).join(", ");
      warnings.push(
        `DNS failover is on for ${system}, but not all of its links are failed over: ${list}. HCP's DNS failover succeeds only when every link of the system is failed over to the target; domain-name requests for the tenants of these links will fail (IP-addressed requests still work). Redirect those clients yourself.`,
      );
    }
    if (targets.length > 1) {
      warnings.push(
        `DNS failover is on for ${system}, but its links fail over to different systems (${targets.join(", ")}): DNS can send ${system}'s domain name to only one of them. Redirect the clients of the others yourself.`,
      );
    }
  }
  return warnings;
}

/**
 * For links an out-of-service system takes with it, the order in which they will come back: the
 * administrator learns it now, before the site is taken back.
 */
export function orderWarnings(site: SiteDeclaration, intents: readonly LinkIntent[], edges: readonly OrderEdge[]): string[] {
  const affected = new Set(intents.filter((i) => i.state !== "replicating").map((i) => i.linkName));
  const relevant = edges.filter((e) => affected.has(e.before) && affected.has(e.after));
  if (relevant.length === 0) return [];
  const out = site.outOfService.join(", ");
  const pairs = relevant.map((e) => `${e.before} before ${e.after} (${e.kind === "chained" ? `chained through ${e.through}` : `both replicate to ${e.through}`})`).join("; ");
  return [`Failback order matters for the links ${out} takes out of service: when it is back, they are taken back one after another: ${pairs}. Links not named here are taken back in parallel.`];
}

/** Every edge where the failback order matters, for the site's outputs. */
export function describeOrder(edges: readonly OrderEdge[]): string[] {
  return edges.map((e) => `${e.before} before ${e.after} (${e.kind === "chained" ? `chained through ${e.through}` : `many-to-one into ${e.through}`})`);
}

export { isOut };
