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

/**
 * The definition, walked edge by edge: candidates in declaration order, one kept unless it closes a
 * cycle, then every edge another path implies dropped. orderEdges computes the same with bit sets.
 */
function definedOrder(links: ReturnType<typeof ap>[]) {
  type Edge = { before: string; after: string; kind: "chained" | "manyToOne"; through: string };
  const reaches = (edges: Edge[], from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop() as string;
      if (node === to) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      for (const e of edges) if (e.before === node) stack.push(e.after);
    }
    return false;
  };
  const passive = links.filter((l) => l.type === "ACTIVE_PASSIVE");
  const edges: Edge[] = [];
  passive.forEach((x, i) =>
    passive.forEach((y, j) => {
      if (i === j) return;
      const edge: Edge | undefined =
        x.replica.toLowerCase() === y.primary.toLowerCase()
          ? { before: x.linkName, after: y.linkName, kind: "chained", through: x.replica }
          : x.replica.toLowerCase() === y.replica.toLowerCase() && i < j
            ? { before: x.linkName, after: y.linkName, kind: "manyToOne", through: x.replica }
            : undefined;
      if (edge && !reaches(edges, edge.after, edge.before)) edges.push(edge);
    }),
  );
  return edges.filter((edge) => !reaches(edges.filter((e) => e !== edge), edge.before, edge.after));
}

test("on 300 random sites (chains, many-to-one, opposite links, both types) the order is the one the definition gives", () => {
  let state = 0x2545f491;
  const random = (n: number) => {
    // xorshift32: a fixed sequence, so a failure reproduces
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  for (let site = 0; site < 300; site++) {
    const systems = ["a", "b", "C", "c", "d", "e"].slice(0, 2 + random(4));
    const links = Array.from({ length: 1 + random(12) }, (_, i) => {
      const primary = systems[random(systems.length)] as string;
      const others = systems.filter((s) => s.toLowerCase() !== primary.toLowerCase());
      const replica = others[random(others.length)] ?? primary;
      return (random(4) === 0 ? aa : ap)(`l${i}`, primary, replica);
    });
    expect(orderEdges(links)).toEqual(definedOrder(links));
  }
});

test("200 links into one replica recover one after another: 199 edges, each link after the one declared before it", () => {
  const links = Array.from({ length: 200 }, (_, i) => ap(`l${String(i).padStart(3, "0")}`, `p${i}`, "dr"));
  const edges = orderEdges(links);
  expect(edges).toHaveLength(199);
  expect(edges.every((e, i) => e.before === links[i]?.linkName && e.after === links[i + 1]?.linkName)).toBe(true);
});
