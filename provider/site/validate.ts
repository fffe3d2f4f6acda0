/**
 * Checks a site declaration before anything else looks at it. Each failure names the property
 * (`links[2].primary`) and says what is allowed.
 */
import { SITE_LINK_TYPES, type SiteDeclaration } from "./types";

export interface SiteFailure {
  property: string;
  reason: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function validateSite(input: unknown): SiteFailure[] {
  const failures: SiteFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  if (typeof input !== "object" || input === null) return [{ property: "", reason: "a site declaration { systems, links, outOfService } is required" }];
  const site = input as Record<string, unknown>;

  const systems = nameList(site.systems, "systems", fail, { required: true });
  const allowed = systems.map((s) => `"${s}"`).join(", ") || "(no systems declared)";
  const known = new Set(systems.map((s) => s.toLowerCase()));
  const systemRef = (property: string, value: unknown): boolean => {
    if (typeof value !== "string" || !known.has(value.toLowerCase())) {
      fail(property, `${property} must name one of the site's systems: ${allowed}; got ${describe(value)}`);
      return false;
    }
    return true;
  };

  if (!Array.isArray(site.links) || site.links.length === 0) {
    fail("links", `links must be a non-empty list of { linkName, primary, replica, type }; got ${describe(site.links)}`);
  } else {
    const seen = new Set<string>();
    site.links.forEach((raw, i) => {
      const at = `links[${i}]`;
      if (typeof raw !== "object" || raw === null) {
        fail(at, `${at} must be { linkName, primary, replica, type, tenants? }; got ${describe(raw)}`);
        return;
      }
      const link = raw as Record<string, unknown>;
      if (typeof link.linkName !== "string" || link.linkName.trim() === "" || link.linkName.length > 64) {
        fail(`${at}.linkName`, `${at}.linkName must be a link name of 1 to 64 characters; got ${describe(link.linkName)}`);
      } else if (seen.has(link.linkName.toLowerCase())) {
        fail(`${at}.linkName`, `${at}.linkName repeats "${link.linkName}" (link names are case-insensitive)`);
      } else {
        seen.add(link.linkName.toLowerCase());
      }
      const primaryOk = systemRef(`${at}.primary`, link.primary);
      const replicaOk = systemRef(`${at}.replica`, link.replica);
      if (primaryOk && replicaOk && String(link.primary).toLowerCase() === String(link.replica).toLowerCase()) {
        fail(`${at}.replica`, `${at}.replica must be a different system from ${at}.primary; both are "${String(link.primary)}"`);
      }
      if (typeof link.type !== "string" || !SITE_LINK_TYPES.includes(link.type as never)) {
        fail(`${at}.type`, `${at}.type must be one of ${SITE_LINK_TYPES.map((t) => `"${t}"`).join(", ")}; got ${describe(link.type)}`);
      }
      if (link.tenants !== undefined) nameList(link.tenants, `${at}.tenants`, fail, { required: false });
    });
  }

  const outOfService = nameList(site.outOfService ?? [], "outOfService", fail, { required: false, pattern: false });
  outOfService.forEach((name, i) => systemRef(`outOfService[${i}]`, name));

  const dns = site.dnsFailover;
  if (dns !== undefined && typeof dns !== "boolean") {
    if (!Array.isArray(dns)) fail("dnsFailover", `dnsFailover must be true, false or a list of the site's systems; got ${describe(dns)}`);
    else nameList(dns, "dnsFailover", fail, { required: false, pattern: false }).forEach((name, i) => systemRef(`dnsFailover[${i}]`, name));
  }
  return failures;
}

/** A list of unique names (case-insensitive); returns the valid ones. */
function nameList(
  value: unknown,
  property: string,
  fail: (property: string, reason: string) => void,
  options: { required: boolean; pattern?: boolean },
): string[] {
  if (!Array.isArray(value) || (options.required && value.length === 0)) {
    fail(property, `${property} must be a ${options.required ? "non-empty " : ""}list of names; got ${describe(value)}`);
    return [];
  }
  const names: string[] = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const at = `${property}[${i}]`;
    if (typeof item !== "string" || item.trim() === "" || (options.pattern !== false && !NAME.test(item))) {
      fail(at, `${at} must be a name of 1 to 63 letters, digits, '.', '_' or '-'; got ${describe(item)}`);
    } else if (seen.has(item.toLowerCase())) {
      fail(at, `${at} repeats "${item}"`);
    } else {
      seen.add(item.toLowerCase());
      names.push(item);
    }
  });
  return names;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

/** Narrows after validateSite returned no failures. */
export function isValidSite(input: unknown): input is SiteDeclaration {
  return validateSite(input).length === 0;
}
