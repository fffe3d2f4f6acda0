/**
 * SiteCoverage against three simulated systems over HTTPS: check reads every reachable system's link list
 * and refuses links the site does not declare; a silent out-of-service system is expected.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { provider } from "../../provider/resources/siteCoverageProvider";
import type { CoverageInputs, CoverageOutputs } from "../../provider/resources/siteCoverage";
import type { SiteDeclaration } from "../../provider/site";
import type { SimulatorConfig } from "../../simulator";
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import { READ_AHEAD_MAX_AGE_MS } from "../../provider/engine/readAhead";
import { Driver, routeCount, useProviderSuite, MAPI } from "./helpers";

const siteConfig = JSON.parse(readFileSync(join(__dirname, "../../simulator/config.site.example.json"), "utf8")) as SimulatorConfig;
const suite = useProviderSuite(() => ({ systems: siteConfig.systems, links: siteConfig.links, replicationRate: siteConfig.replicationRate }));
const SYSTEMS = ["hcp-a", "hcp-b", "hcp-c"];

function site(outOfService: string[] = [], omit: string[] = []): SiteDeclaration {
  const links = (siteConfig.links ?? [])
    .filter((l) => !omit.includes(l.name))
    .map((l) => ({ linkName: l.name, primary: l.primary, replica: l.replica, type: l.type ?? "ACTIVE_PASSIVE" }));
  return { systems: SYSTEMS, links, outOfService };
}

const inputs = (s: SiteDeclaration): CoverageInputs => ({ systems: SYSTEMS.map((n) => suite.env.conn(n)), site: s });

test("every link declared: check passes, up records what each system listed, with one GET links per system", async () => {
  const driver = new Driver<CoverageInputs, CoverageOutputs>(provider);
  const result = await driver.up(inputs(site()));
  expect(result.operation).toBe("create");
  expect(result.outs.linksBySystem).toEqual({
    "hcp-a": ["ab-finance", "ac-media", "ab-shared", "ca-logs"],
    "hcp-b": ["ab-finance", "bc-finance", "ab-shared"],
    "hcp-c": ["bc-finance", "ac-media", "ca-logs"],
  });
  for (const system of SYSTEMS) expect(await routeCount(suite.env.sc, system, `GET ${MAPI}/links`)).toBe(2); // check + create
  expect(JSON.stringify(result.outs)).not.toContain(suite.env.a.password);
  // The next preview has nothing to do.
  expect((await driver.preview(inputs(site()))).diff?.changes).toBe(false);
});

test("links missing from the site fail check, naming them and the systems holding them", async () => {
  const outcome = await new Driver<CoverageInputs, CoverageOutputs>(provider).checkRaw(inputs(site([], ["bc-finance", "ca-logs"])));
  expect(outcome.failures).toEqual([
    {
      property: "links",
      reason: expect.stringContaining("bc-finance (on hcp-b and hcp-c), ca-logs (on hcp-a and hcp-c) exist on the systems but not in links"),
    },
  ]);
  expect(outcome.failures?.[0]?.reason).toContain("Way forward: add each of them to links");
});

test("the primary site out of service and down: check passes from the survivors' lists alone", async () => {
  await suite.env.sc.takeDown("hcp-a");
  const driver = new Driver<CoverageInputs, CoverageOutputs>(provider);
  const result = await driver.up(inputs(site(["hcp-a"])));
  expect(result.outs.linksBySystem["hcp-a"]).toBe("unreachable");
  expect(suite.logs.text()).not.toContain("did not answer");
});

test("the survivors still catch a link of the failed system that the site forgot", async () => {
  await suite.env.sc.takeDown("hcp-a");
  const outcome = await new Driver<CoverageInputs, CoverageOutputs>(provider).checkRaw(inputs(site(["hcp-a"], ["ac-media"])));
  expect(outcome.failures?.[0]?.reason).toContain("ac-media (on hcp-c)");
});

test("a system that is down but not declared out of service is warned about, not refused", async () => {
  await suite.env.sc.takeDown("hcp-c");
  const driver = new Driver<CoverageInputs, CoverageOutputs>(provider);
  await driver.check(inputs(site()));
  expect(suite.logs.text()).toContain("hcp-c did not answer");
  expect(suite.logs.text()).toContain("it is not declared out of service");
});

test("bad input is refused before any request, naming the property", async () => {
  const bad = inputs({ ...site(), outOfService: ["hcp-z"] });
  bad.systems[1] = { ...bad.systems[1]!, endpoint: "http://127.0.0.1:1" };
  const outcome = await new Driver<CoverageInputs, CoverageOutputs>(provider).checkRaw(bad);
  expect(outcome.failures?.map((f) => f.property)).toEqual(["systems[1].endpoint", "outOfService[0]"]);
  for (const system of SYSTEMS) expect(await routeCount(suite.env.sc, system, `GET ${MAPI}/links`)).toBe(0);
});

describe("read ahead for the failover checks that follow", () => {
  const failover = (link: string, primary: string, replica: string): FailoverInputs => ({
    link,
    primary: suite.env.conn(primary),
    replica: suite.env.conn(replica),
    state: "failedOver",
    pollIntervalSeconds: 1,
  });
  const linkReads = async (system: string) => routeCount(suite.env.sc, system, `GET ${MAPI}/links/{link}`);
  const plannedSteps = async (inputs: FailoverInputs) => (await new Driver<FailoverInputs, FailoverOutputs>(failoverProvider).check(inputs)).plannedSteps;

  test("the coverage check reads each declared link once per answering system; the failover checks then read nothing, and plan as a live read does", async () => {
    await suite.env.sc.takeDown("hcp-a");
    await new Driver<CoverageInputs, CoverageOutputs>(provider).check(inputs(site(["hcp-a"])));
    // hcp-b holds ab-finance, bc-finance and ab-shared; hcp-c holds bc-finance, ac-media and ca-logs.
    expect([await linkReads("hcp-b"), await linkReads("hcp-c")]).toEqual([3, 3]);
    const fromReadings = [await plannedSteps(failover("ab-finance", "hcp-a", "hcp-b")), await plannedSteps(failover("ac-media", "hcp-a", "hcp-c"))];
    expect([await linkReads("hcp-b"), await linkReads("hcp-c")]).toEqual([3, 3]);
    expect(fromReadings[0]).toContain("1. On hcp-b (replica), fail over link ab-finance");

    // Each reading serves one check: the same checks again read the live systems, and plan the same.
    const live = [await plannedSteps(failover("ab-finance", "hcp-a", "hcp-b")), await plannedSteps(failover("ac-media", "hcp-a", "hcp-c"))];
    expect([await linkReads("hcp-b"), await linkReads("hcp-c")]).toEqual([4, 4]);
    expect(live).toEqual(fromReadings);
  });

  test("a reading serves only the same connection: a check with other credentials reads for itself", async () => {
    await new Driver<CoverageInputs, CoverageOutputs>(provider).check(inputs(site()));
    const before = await linkReads("hcp-b");
    const wrong = { ...failover("ab-finance", "hcp-a", "hcp-b"), replica: { ...suite.env.conn("hcp-b"), password: "not-the-password" } };
    await new Driver<FailoverInputs, FailoverOutputs>(failoverProvider).checkRaw({ ...wrong, state: "replicating" });
    expect(await linkReads("hcp-b")).toBe(before + 1);
  });

  test("readings older than READ_AHEAD_MAX_AGE_MS are not used", async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask"] });
    try {
      await new Driver<CoverageInputs, CoverageOutputs>(provider).check(inputs(site()));
      const before = await linkReads("hcp-b");
      jest.setSystemTime(Date.now() + READ_AHEAD_MAX_AGE_MS + 1000);
      await plannedSteps({ ...failover("ab-finance", "hcp-a", "hcp-b"), state: "replicating" });
      expect(await linkReads("hcp-b")).toBe(before + 1);
    } finally {
      jest.useRealTimers();
    }
  });
});
