/** Bad site declarations: each failure names the property and the allowed values. */
import { planSite, validateSite } from "../../provider/site";
import { drillSite } from "./fixtures";

function failures(input: unknown): Record<string, string> {
  return Object.fromEntries(validateSite(input).map((f) => [f.property, f.reason]));
}

test("a good declaration has no failures", () => {
  expect(validateSite(drillSite(["hcp-a"], ["hcp-a"]))).toEqual([]);
});

test("links naming unknown systems, a bad type, a repeated name", () => {
  const site = drillSite();
  site.links[2] = { linkName: "ab", primary: "hcp-x", replica: "hcp-c", type: "PASSIVE" as never };
  expect(failures(site)).toEqual({
    "links[2].linkName": 'links[2].linkName repeats "ab" (link names are case-insensitive)',
    "links[2].primary": 'links[2].primary must name one of the site\'s systems: "hcp-a", "hcp-b", "hcp-c"; got "hcp-x"',
    "links[2].type": 'links[2].type must be one of "ACTIVE_PASSIVE", "ACTIVE_ACTIVE"; got "PASSIVE"',
  });
});

test("a link from a system to itself, tenants that are not names", () => {
  const site = drillSite();
  site.links[0] = { linkName: "aa", primary: "hcp-a", replica: "HCP-A", type: "ACTIVE_PASSIVE", tenants: ["ok", ""] };
  expect(failures(site)).toEqual({
    "links[0].replica": 'links[0].replica must be a different system from links[0].primary; both are "hcp-a"',
    "links[0].tenants[1]": "links[0].tenants[1] must be a name of 1 to 63 letters, digits, '.', '_' or '-'; got \"\"",
  });
});

test("outOfService and dnsFailover must name systems of the site", () => {
  expect(failures({ ...drillSite(["hcp-z"]), dnsFailover: ["hcp-y"] })).toEqual({
    "outOfService[0]": 'outOfService[0] must name one of the site\'s systems: "hcp-a", "hcp-b", "hcp-c"; got "hcp-z"',
    "dnsFailover[0]": 'dnsFailover[0] must name one of the site\'s systems: "hcp-a", "hcp-b", "hcp-c"; got "hcp-y"',
  });
  expect(failures({ ...drillSite(), dnsFailover: "yes" })).toEqual({ dnsFailover: 'dnsFailover must be true, false or a list of the site\'s systems; got "yes"' });
});

test("systems and links are required", () => {
  expect(failures({ systems: [], links: [], outOfService: [] })).toEqual({
    systems: "systems must be a non-empty list of names; got []",
    links: "links must be a non-empty list of { linkName, primary, replica, type }; got []",
  });
  expect(failures({ systems: ["a", "A"], links: [{ linkName: "l", primary: "a", replica: "b", type: "ACTIVE_PASSIVE" }], outOfService: [] })).toEqual({
    "systems[1]": 'systems[1] repeats "A"',
    "links[0].replica": 'links[0].replica must name one of the site\'s systems: "a"; got "b"',
  });
});

test("the planner refuses bad input with the same property names", () => {
  const plan = planSite({ ...drillSite(), outOfService: ["nope"] });
  expect(plan).toEqual({ ok: false, refusals: [{ property: "outOfService[0]", reason: expect.stringContaining("got \"nope\""), wayForward: "correct the site declaration" }] });
});
