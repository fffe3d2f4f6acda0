/** The provider behind SiteCoverage: reads every reachable system's link list (GET only) and checks coverage. */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { readAhead } from "../engine/readAhead";
import { checkCoverage } from "../site/coverage";
import { isOut, same } from "../site/intents";
import { describeSiteRefusal } from "../site/plan";
import type { LinkListReading } from "../site/types";
import { validateSite } from "../site/validate";
import type { CoverageInputs, CoverageOutputs } from "./siteCoverage";
import { configureProviderCertificates } from "./providerCertificates";
import { Checks } from "./validate";
import { connect, warnLog } from "./runtime";
import { isUnknown, wireSafe } from "./wire";

/** A system declared out of service is expected to be silent: it gets one short try, not the full timeout. */
const OUT_OF_SERVICE_TIMEOUT_MS = 5000;

function validate(news: CoverageInputs): dynamic.CheckFailure[] {
  const c = new Checks();
  if (!Array.isArray(news.systems) || news.systems.length === 0) c.fail("systems", "systems must be a non-empty list of HcpSystem connections");
  else news.systems.forEach((s, i) => c.system(`systems[${i}]`, s));
  return [...c.failures, ...validateSite(news.site)];
}

/**
 * Every system's link list. With `readAhead` (check only), each system that answers also has the declared
 * links it lists read now, in parallel, for the failover checks that follow (engine/readAhead.ts).
 */
async function readLinkLists(inputs: CoverageInputs, options: { readAhead: boolean }): Promise<Map<string, LinkListReading>> {
  const readings = await Promise.all(
    inputs.systems.map(async (system): Promise<[string, LinkListReading]> => {
      const client = connect(system, isOut(inputs.site, system.name) ? { timeoutMs: OUT_OF_SERVICE_TIMEOUT_MS } : {});
      try {
        const links = await client.listLinks();
        if (options.readAhead) {
          const listed = new Set(links);
          const declared = inputs.site.links.filter((l) => (same(l.primary, system.name) || same(l.replica, system.name)) && listed.has(l.linkName));
          await readAhead(client, system, declared.map((l) => l.linkName));
        }
        return [system.name, { reachable: true, links }];
      } catch (err) {
        return [system.name, { reachable: false, error: err instanceof Error ? err.message : String(err) }];
      } finally {
        client.close();
      }
    }),
  );
  return new Map(readings);
}

/** The coverage failures (for check) and what each system listed. */
async function assess(inputs: CoverageInputs, options = { readAhead: false }): Promise<{ failures: dynamic.CheckFailure[]; linksBySystem: CoverageOutputs["linksBySystem"] }> {
  const readings = await readLinkLists(inputs, options);
  const result = checkCoverage(inputs.site, readings);
  const warn = warnLog("SiteCoverage");
  for (const w of result.warnings) warn(w);
  const linksBySystem: CoverageOutputs["linksBySystem"] = {};
  for (const [name, reading] of readings) linksBySystem[name] = reading.reachable ? reading.links : "unreachable";
  return { failures: result.refusals.map((r) => ({ property: r.property, reason: describeSiteRefusal({ ...r, property: "" }) })), linksBySystem };
}

/** What identifies the check, without credentials: outputs keep only this (nothing secret reaches them). */
function identity(value: { systems: Array<{ name: string; endpoint: string }>; site: CoverageInputs["site"] }) {
  return { systems: value.systems.map((s) => ({ name: s.name, endpoint: s.endpoint })), site: value.site };
}

function outputsOf(inputs: CoverageInputs, linksBySystem: CoverageOutputs["linksBySystem"]): CoverageOutputs {
  return { ...identity(inputs), linksBySystem } as unknown as CoverageOutputs;
}

export const provider = wireSafe<CoverageInputs, CoverageOutputs>({
  // Under a ReplicationSite: the CA certificates its resources name by digest.
  configure: configureProviderCertificates,

  async check(_olds, news) {
    const failures = validate(news);
    if (failures.length > 0) return { failures };
    if (news.systems.some((s) => [s.endpoint, s.username, s.password].some(isUnknown))) return { inputs: news };
    const { failures: uncovered } = await assess(news, { readAhead: true });
    return uncovered.length > 0 ? { failures: uncovered } : { inputs: news };
  },

  async diff(_id, olds, news) {
    const changed = JSON.stringify(identity(olds)) !== JSON.stringify(identity(news));
    return { changes: changed, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs) {
    const { linksBySystem } = await assess(inputs);
    const id = `site:${inputs.systems.map((s) => s.name).join(",")}`;
    return { id, outs: outputsOf(inputs, linksBySystem) };
  },

  async update(_id, _olds, news) {
    const { linksBySystem } = await assess(news);
    return { outs: outputsOf(news, linksBySystem) };
  },

  async read(id, props) {
    if (!props) throw new Error(`SiteCoverage ${id}: nothing is known about this resource; import is not supported`);
    return { id, props };
  },

  async delete() {
    // A check only: nothing on the systems belongs to it.
  },
});
