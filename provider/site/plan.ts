/**
 * The site planner: a site declaration -> per link the ReplicationFailover declaration and the links it
 * waits for, with the warnings the documentation implies; or refusals naming the property at fault.
 * Pure: no IO, no clock.
 */
import { linkIntents } from "./intents";
import { orderEdges, predecessors, topologicalOrder } from "./order";
import type { LinkIntent, SiteDeclaration, SitePlan } from "./types";
import { validateSite } from "./validate";
import { dnsWarnings, orderWarnings } from "./warnings";

export function planSite(input: unknown): SitePlan {
  const failures = validateSite(input);
  if (failures.length > 0) {
    return { ok: false, refusals: failures.map((f) => ({ property: f.property, reason: f.reason, wayForward: "correct the site declaration" })) };
  }
  const site = input as SiteDeclaration;
  const declaration: SiteDeclaration = { ...site, outOfService: site.outOfService ?? [] };
  const { intents, refusals } = linkIntents(declaration);
  if (refusals.length > 0) return { ok: false, refusals };
  const order = orderEdges(declaration.links);
  // Order applies when links are taken back: a link that is failing over or suspending waits for nothing.
  const returning = new Set(intents.filter((i) => i.state === "replicating").map((i) => i.linkName));
  const withOrder: LinkIntent[] = intents.map((i) => ({
    ...i,
    after: returning.has(i.linkName) ? predecessors(order, i.linkName).filter((p) => returning.has(p)) : [],
  }));
  const byName = new Map(withOrder.map((i) => [i.linkName, i]));
  const sorted = topologicalOrder(
    withOrder.map((i) => i.linkName),
    order.filter((e) => returning.has(e.before) && returning.has(e.after)),
  ).map((name) => byName.get(name) as LinkIntent);
  const warnings = [...dnsWarnings(declaration, sorted), ...orderWarnings(declaration, sorted, order)];
  return { ok: true, links: sorted, order, warnings };
}

/** One refusal as a sentence: what is wrong and the way forward. */
export function describeSiteRefusal(r: { property: string; reason: string; wayForward: string }): string {
  return `${r.property ? `${r.property}: ` : ""}${r.reason}. Way forward: ${r.wayForward}.`;
}
