/** Per link, the state a site declaration asks for: every row of the rule table. */
import { planSite, type LinkIntent, type SitePlan } from "../../provider/site";
import { aa, ap, drillSite } from "./fixtures";

function links(plan: SitePlan): Record<string, Pick<LinkIntent, "state" | "workflow" | "failOverTo">> {
  if (!plan.ok) throw new Error(`refused: ${JSON.stringify(plan.refusals)}`);
  return Object.fromEntries(plan.links.map((l) => [l.linkName, { state: l.state, workflow: l.workflow, ...(l.failOverTo ? { failOverTo: l.failOverTo } : {}) }]));
}

test("nothing out of service: every link replicates", () => {
  expect(links(planSite(drillSite()))).toEqual({
    ab: { state: "replicating", workflow: "none" },
    bc: { state: "replicating", workflow: "none" },
    ac: { state: "replicating", workflow: "none" },
    "ab-aa": { state: "replicating", workflow: "none" },
    ca: { state: "replicating", workflow: "none" },
  });
});

test("the primary site out: A/P primary fails over, A/P replica is suspended, A/A fails over to the other side", () => {
  expect(links(planSite(drillSite(["hcp-a"])))).toEqual({
    ab: { state: "failedOver", workflow: "primaryFailure" },
    bc: { state: "replicating", workflow: "none" },
    ac: { state: "failedOver", workflow: "primaryFailure" },
    "ab-aa": { state: "failedOver", workflow: "activeActive", failOverTo: "replica" },
    ca: { state: "suspended", workflow: "replicaFailure" },
  });
});

test("an A/A link whose replica is out fails over to its primary", () => {
  expect(links(planSite(drillSite(["hcp-b"])))["ab-aa"]).toEqual({ state: "failedOver", workflow: "activeActive", failOverTo: "primary" });
});

test("both systems of a link out of service: refused, naming the link and the way forward", () => {
  const plan = planSite(drillSite(["hcp-a", "hcp-b"]));
  expect(plan.ok).toBe(false);
  if (plan.ok) return;
  expect(plan.refusals.map((r) => r.property)).toEqual(["links[0]", "links[3]"]);
  expect(plan.refusals[0]?.reason).toBe("link ab: both of its systems, hcp-a and hcp-b, are declared out of service, so nothing can serve its tenants");
  expect(plan.refusals[0]?.wayForward).toContain("keep hcp-a or hcp-b in service");
});

test("system names match case-insensitively, as HCP names do", () => {
  const plan = planSite({ systems: ["A", "B"], links: [ap("ab", "a", "b")], outOfService: ["a"] });
  expect(links(plan)).toEqual({ ab: { state: "failedOver", workflow: "primaryFailure" } });
});

test("dnsFailover is per link from its primary (A/P) or either side (A/A), and stays the same when a system goes out", () => {
  const site = { systems: ["a", "b", "c"], links: [ap("ab", "a", "b"), ap("cb", "c", "b"), aa("bc", "b", "c")], dnsFailover: ["c"] };
  for (const outOfService of [[], ["c"]]) {
    const plan = planSite({ ...site, outOfService });
    if (!plan.ok) throw new Error("refused");
    expect(Object.fromEntries(plan.links.map((l) => [l.linkName, l.dnsFailover]))).toEqual({ ab: false, cb: true, bc: true });
  }
});
