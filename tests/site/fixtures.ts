/** Site declarations used by the site planner tests: a chained A->B->C, a many-to-one into C, and both types. */
import type { SiteDeclaration, SiteLink } from "../../provider/site";

export const ap = (linkName: string, primary: string, replica: string): SiteLink => ({ linkName, primary, replica, type: "ACTIVE_PASSIVE" });
export const aa = (linkName: string, primary: string, replica: string): SiteLink => ({ linkName, primary, replica, type: "ACTIVE_ACTIVE" });

/** A -> B -> C, A -> C and B -> C into C, A <-> B active/active, C -> A. */
export function drillSite(outOfService: string[] = [], dnsFailover?: SiteDeclaration["dnsFailover"]): SiteDeclaration {
  return {
    systems: ["hcp-a", "hcp-b", "hcp-c"],
    links: [ap("ab", "hcp-a", "hcp-b"), ap("bc", "hcp-b", "hcp-c"), ap("ac", "hcp-a", "hcp-c"), aa("ab-aa", "hcp-a", "hcp-b"), ap("ca", "hcp-c", "hcp-a")],
    outOfService,
    ...(dnsFailover !== undefined ? { dnsFailover } : {}),
  };
}

export function chain(outOfService: string[] = []): SiteDeclaration {
  return { systems: ["a", "b", "c"], links: [ap("ab", "a", "b"), ap("bc", "b", "c")], outOfService };
}
