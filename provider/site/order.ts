/**
 * The order in which the links of a site are taken back into service, as a dependency graph: which link
 * must finish before which (hcp-workflows.md 3f). Failed-over active/passive links fail back in a set
 * order in chained and many-to-one topologies; active/active links in any order. Links without an edge
 * between them run in parallel.
 */
import { SERIALIZE_RECOVERIES_INTO_ONE_REPLICA } from "../mapi/assumptions";
import { same } from "./intents";
import type { OrderEdge, SiteLink } from "./types";

/**
 * Edges among active/passive links, in declaration order:
 * - chained: X's replica is Y's primary (A->B->C): X first, so the middle system is whole again before it
 *   serves or sends on (H001 "System B fails": restore AB, then restore and recover BC);
 * - many-to-one: X and Y share their replica and X is declared first (an assumption, see
 *   SERIALIZE_RECOVERIES_INTO_ONE_REPLICA).
 * An edge that would close a cycle (A->B and B->A) is left out, so the declared order decides.
 */
export function orderEdges(links: readonly SiteLink[]): OrderEdge[] {
  const passive = links.filter((l) => l.type === "ACTIVE_PASSIVE");
  const graph = new Reachability(passive.length);
  const accepted: Array<{ from: number; to: number; edge: OrderEdge }> = [];
  passive.forEach((x, i) => {
    passive.forEach((y, j) => {
      if (i === j) return;
      let edge: OrderEdge | undefined;
      if (same(x.replica, y.primary)) edge = { before: x.linkName, after: y.linkName, kind: "chained", through: x.replica };
      else if (SERIALIZE_RECOVERIES_INTO_ONE_REPLICA && same(x.replica, y.replica) && i < j) {
        edge = { before: x.linkName, after: y.linkName, kind: "manyToOne", through: x.replica };
      }
      if (edge && !graph.reaches(j, i)) {
        graph.add(i, j);
        accepted.push({ from: i, to: j, edge });
      }
    });
  });
  // Transitive reduction: an edge u->v is implied when another successor of u already reaches v.
  const successors = new Map<number, number[]>();
  for (const { from, to } of accepted) {
    const list = successors.get(from);
    if (list) list.push(to);
    else successors.set(from, [to]);
  }
  return accepted
    .filter(({ from, to }) => !(successors.get(from) ?? []).some((w) => w !== to && graph.reaches(w, to)))
    .map(({ edge }) => edge);
}

/**
 * Which node reaches which along the edges added so far: one bit set per node, kept transitively closed
 * as edges arrive, so a query is a bit test. A site of many links into one replica has an edge between
 * every pair of them (n² edges): walking the edges for each query would cost a second at 50 links.
 */
class Reachability {
  private readonly words: number;
  private readonly reach: Uint32Array[];

  constructor(private readonly nodes: number) {
    this.words = Math.ceil(nodes / 32);
    this.reach = Array.from({ length: nodes }, () => new Uint32Array(this.words));
  }

  reaches(from: number, to: number): boolean {
    return from === to || (bit(this.row(from), to) & (1 << (to & 31))) !== 0;
  }

  /** Adds from->to: every node that reaches `from` (and `from` itself) now reaches `to` and all it reaches. */
  add(from: number, to: number): void {
    const gained = Uint32Array.from(this.row(to));
    gained[to >>> 5] = bit(gained, to) | (1 << (to & 31));
    for (let a = 0; a < this.nodes; a++) {
      if (!this.reaches(a, from)) continue;
      const row = this.row(a);
      for (let w = 0; w < this.words; w++) row[w] = (row[w] ?? 0) | (gained[w] ?? 0);
    }
  }

  private row(node: number): Uint32Array {
    return this.reach[node] ?? new Uint32Array(this.words);
  }
}

/** The word of `bits` that holds node `n`'s bit. */
function bit(bits: Uint32Array, n: number): number {
  return bits[n >>> 5] ?? 0;
}

/** The links each link waits for. */
export function predecessors(edges: readonly OrderEdge[], linkName: string): string[] {
  return edges.filter((e) => e.after === linkName).map((e) => e.before);
}

/** Link names in an order that respects the edges (stable: declaration order where free). */
export function topologicalOrder(names: readonly string[], edges: readonly OrderEdge[]): string[] {
  const known = new Set(names);
  const waitsFor = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of edges) if (known.has(e.before)) waitsFor.get(e.after)?.push(e.before);
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const next = names.find((n) => !done.has(n) && (waitsFor.get(n) ?? []).every((p) => done.has(p)));
    if (next === undefined) throw new Error(`the link order has a cycle among ${names.filter((n) => !done.has(n)).join(", ")}`);
    done.add(next);
    order.push(next);
  }
  return order;
}

/** Links grouped in waves: every link of a wave can run in parallel once the earlier waves finished. */
export function waves(names: readonly string[], edges: readonly OrderEdge[]): string[][] {
  const level = new Map<string, number>();
  for (const name of topologicalOrder(names, edges)) {
    const before = predecessors(edges, name).filter((p) => names.includes(p));
    level.set(name, before.length === 0 ? 0 : Math.max(...before.map((p) => level.get(p) ?? 0)) + 1);
  }
  const result: string[][] = [];
  for (const name of names) (result[level.get(name) ?? 0] ??= []).push(name);
  return result;
}
