/**
 * Coverage: no link of a failed site may be forgotten. From what each system's link list said, refuse
 * (naming them) links that exist on a declared system but are missing from the site's `links`.
 */
import { isOut, same } from "./intents";
import type { LinkListReading, SiteDeclaration, SiteRefusal } from "./types";

export interface CoverageResult {
  refusals: SiteRefusal[];
  warnings: string[];
  /** Systems whose link list could not be read (expected for systems out of service). */
  unread: string[];
}

export function checkCoverage(site: SiteDeclaration, readings: ReadonlyMap<string, LinkListReading>): CoverageResult {
  const declared = new Set(site.links.map((l) => l.linkName.toLowerCase()));
  // Keyed case-insensitively (HCP link names are): the name as first listed, and the systems listing it.
  const missing = new Map<string, { name: string; on: string[] }>();
  const warnings: string[] = [];
  const unread: string[] = [];
  const seen = new Set<string>();
  for (const system of site.systems) {
    const reading = [...readings.entries()].find(([name]) => same(name, system))?.[1];
    if (!reading || !reading.reachable) {
      unread.push(system);
      // A system declared out of service that does not answer is what out of service means.
      if (!isOut(site, system)) {
        warnings.push(`${system} did not answer${reading ? ` (${reading.error})` : ""}, so its links could not be checked for coverage; it is not declared out of service`);
      }
      continue;
    }
    for (const link of reading.links) {
      seen.add(link.toLowerCase());
      const key = link.toLowerCase();
      if (!declared.has(key)) missing.set(key, { name: missing.get(key)?.name ?? link, on: [...(missing.get(key)?.on ?? []), system] });
    }
  }
  const refusals: SiteRefusal[] = [];
  if (missing.size > 0) {
    const list = [...missing.values()]
      .sort((x, y) => x.name.localeCompare(y.name))
      .map(({ name, on }) => `${name} (on ${on.join(" and ")})`)
      .join(", ");
    refusals.push({
      property: "links",
      reason: `the site does not cover every link of its systems: ${list} ${missing.size === 1 ? "exists" : "exist"} on the systems but not in links, and would be left behind when a system is taken out of service`,
      wayForward: `add ${missing.size === 1 ? "it" : "each of them"} to links as { linkName, primary, replica, type } (adding its other system to systems if it is not there), or delete the link on the systems if it is no longer used`,
    });
  }
  const reachableBoth = (l: { primary: string; replica: string }) => [l.primary, l.replica].every((s) => !unread.some((u) => same(u, s)));
  for (const link of site.links) {
    if (reachableBoth(link) && !seen.has(link.linkName.toLowerCase())) {
      warnings.push(`link ${link.linkName} is in links but neither ${link.primary} nor ${link.replica} lists it`);
    }
  }
  return { refusals, warnings, unread };
}
