/** The order links are taken back in: chained and many-to-one A/P links in a set order, A/A in any order. */
import { orderEdges, planSite, topologicalOrder, waves, type SitePlan } from "../../provider/site";
import { aa, ap, chain, drillSite } from "./fixtures";

function after(plan: SitePlan): Record<string, string[]> {
  if (!plan.ok) throw new Error(`refused: ${JSON.stringify(plan.refusals)}`);
  return Object.fromEntries(plan.links.map((l) => [l.linkName, l.after]));
}

test("A->B->C with B back: AB (restored on A) finishes before BC recovers (H001 'System B fails')", () => {
  expect(orderEdges(chain().links)).toEqual([{ before: "ab", after: "bc", kind: "chained", through: "b" }]);
  expect(after(planSite(chain()))).toEqual({ ab: [], bc: ["ab"] });
});

test("while B is out nothing waits: AB suspends and BC fails over in parallel", () => {
  expect(after(planSite(chain(["b"])))).toEqual({ ab: [], bc: [] });
});

test("a longer chain recovers in the order of the chain, each link after its nearest predecessor", () => {
  const site = { systems: ["a", "b", "c", "d"], links: [ap("cd", "c", "d"), ap("bc", "b", "c"), ap("ab", "a", "b")], outOfService: [] };
  const plan = planSite(site);
  expect(after(plan)).toEqual({ ab: [], bc: ["ab"], cd: ["bc"] });
  if (plan.ok) expect(plan.links.map((l) => l.linkName)).toEqual(["ab", "bc", "cd"]);
});

test("many-to-one A->C, B->C: one recovery into C at a time, in declared order", () => {
  const site = { systems: ["a", "b", "c"], links: [ap("bc", "b", "c"), ap("ac", "a", "c")], outOfService: [] };
  expect(orderEdges(site.links)).toEqual([{ before: "bc", after: "ac", kind: "manyToOne", through: "c" }]);
  expect(after(planSite(site))).toEqual({ bc: [], ac: ["bc"] });
});

test("active/active links wait for nothing and nothing waits for them", () => {
  const site = { systems: ["a", "b", "c"], links: [aa("ab", "a", "b"), aa("bc", "b", "c"), aa("ac", "a", "c")], outOfService: [] };
  expect(orderEdges(site.links)).toEqual([]);
  expect(waves(["ab", "bc", "ac"], [])).toEqual([["ab", "bc", "ac"]]);
});

test("opposite links A->B and B->A make no cycle: the declared order decides", () => {
  const links = [ap("ab", "a", "b"), ap("ba", "b", "a")];
  expect(orderEdges(links)).toEqual([{ before: "ab", after: "ba", kind: "chained", through: "b" }]);
  expect(() => topologicalOrder(["ab", "ba"], orderEdges(links))).not.toThrow();
});

test("the drill site: independent links in the first wave, the chained and many-to-one ones after", () => {
  const plan = planSite(drillSite());
  expect(after(plan)).toEqual({ ab: [], "ab-aa": [], bc: ["ab"], ac: ["bc"], ca: ["ac"] });
  if (!plan.ok) return;
  expect(waves(plan.links.map((l) => l.linkName), plan.order)).toEqual([["ab", "ab-aa"], ["bc"], ["ac"], ["ca"]]);
});

test("a cycle in a given edge list is reported, naming the links", () => {
  expect(() =>
    topologicalOrder(["x", "y"], [
      { before: "x", after: "y", kind: "chained", through: "b" },
      { before: "y", after: "x", kind: "chained", through: "a" },
    ]),
  ).toThrow("the link order has a cycle among x, y");
});
