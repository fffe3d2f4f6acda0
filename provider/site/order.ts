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
  const candidates: OrderEdge[] = [];
  for (const x of passive) {
    for (const y of passive) {
      if (x === y) continue;
      if (same(x.replica, y.primary)) candidates.push({ before: x.linkName, after: y.linkName, kind: "chained", through: x.replica });
      else if (SERIALIZE_RECOVERIES_INTO_ONE_REPLICA && same(x.replica, y.replica) && links.indexOf(x) < links.indexOf(y)) {
        candidates.push({ before: x.linkName, after: y.linkName, kind: "manyToOne", through: x.replica });
      }
    }
  }
  const edges: OrderEdge[] = [];
  for (const edge of candidates) {
    if (!reaches(edges, edge.after, edge.before)) edges.push(edge);
  }
  return transitiveReduction(edges);
}

/** Whether `to` can be reached from `from` along the edges. */
function reaches(edges: readonly OrderEdge[], from: string, to: string): boolean {
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
}

/** Drops an edge another path already implies, so each link waits only for its nearest predecessors. */
function transitiveReduction(edges: readonly OrderEdge[]): OrderEdge[] {
  return edges.filter((edge) => !reaches(edges.filter((e) => e !== edge), edge.before, edge.after));
}

/** The links each link waits for. */
export function predecessors(edges: readonly OrderEdge[], linkName: string): string[] {
  return edges.filter((e) => e.after === linkName).map((e) => e.before);
}

/** Link names in an order that respects the edges (stable: declaration order where free). */
export function topologicalOrder(names: readonly string[], edges: readonly OrderEdge[]): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const next = names.find((n) => !done.has(n) && predecessors(edges, n).every((p) => done.has(p) || !names.includes(p)));
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
