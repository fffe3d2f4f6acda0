/**
 * The workflow tables are data the planner walks: every route names steps of its own table, in order;
 * ids are unique; every documented step has a number in each edition that lists it, ascending.
 */
import { WORKFLOWS } from "../../provider/workflows";
import type { Edition } from "../../provider/model/types";

const EDITIONS: Edition[] = ["9.x", "7.x"];

describe("workflow tables", () => {
  it("step ids are unique across all tables", () => {
    const ids = WORKFLOWS.flatMap((w) => w.steps.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(WORKFLOWS.map((w) => [w.id, w] as const))("%s: numbers rise in table order in each edition, from 1, without gaps", (_id, w) => {
    for (const edition of EDITIONS) {
      const numbers = w.steps.map((s) => s.numbers[edition]).filter((n): n is number => n !== undefined);
      expect(numbers).toEqual(numbers.map((_n, i) => i + 1));
    }
  });

  it.each(WORKFLOWS.map((w) => [w.id, w] as const))("%s: every route runs forward through steps of its own table", (_id, w) => {
    const index = (id: string) => w.steps.findIndex((s) => s.id === id);
    for (const route of Object.values(w.routes)) {
      if (!route) continue;
      expect(index(route.through)).toBeGreaterThanOrEqual(0);
      for (const entry of Object.values(route.from)) {
        expect(index(entry as string)).toBeGreaterThanOrEqual(0);
        expect(index(entry as string)).toBeLessThanOrEqual(index(route.through));
      }
    }
  });

  it.each(WORKFLOWS.map((w) => [w.id, w] as const))("%s: actions name a MAPI action, checks a check, waits say what they wait for", (_id, w) => {
    for (const s of w.steps) {
      if (s.kind === "action") expect(s.action).toBeDefined();
      if (s.kind === "check") expect(s.check).toBeDefined();
      if (s.kind === "wait" || s.kind === "operator") expect(s.waitingFor).toBeDefined();
      expect(s.needs.length).toBeGreaterThan(0);
    }
  });
});
