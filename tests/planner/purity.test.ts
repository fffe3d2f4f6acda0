/**
 * The planner takes data only: it makes no requests, imports no IO module, and does not change its input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { accessModes, formatPlan, observePhase, planTransition, type DeclaredState } from "../../provider/planner";
import { OPTS, PHASE_SIDES, phaseObs, type Reach } from "./fixtures";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

// The modules themselves (not TypeScript's frozen namespace copies), so their functions can be spied on.
const http: typeof import("node:http") = require("node:http");
const https: typeof import("node:https") = require("node:https");
const net: typeof import("node:net") = require("node:net");
const tls: typeof import("node:tls") = require("node:tls");

describe("planner purity", () => {
  afterEach(() => jest.restoreAllMocks());

  it("makes no network request for any declared state x phase x reachability", () => {
    const spies = [
      jest.spyOn(http, "request"),
      jest.spyOn(https, "request"),
      jest.spyOn(net, "connect"),
      jest.spyOn(net, "createConnection"),
      jest.spyOn(tls, "connect"),
    ];
    const before = JSON.stringify(phaseObs("failedOver", "both"));
    for (const declared of ["replicating", "failedOver", "recovering"] as DeclaredState[]) {
      for (const fixture of Object.keys(PHASE_SIDES)) {
        for (const reach of ["both", "primaryDown", "replicaDown", "bothDown"] as Reach[]) {
          const o = deepFreeze(phaseObs(fixture, reach));
          const plan = planTransition(declared, o, OPTS);
          formatPlan(plan);
          accessModes(o, observePhase(o));
        }
      }
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(JSON.stringify(phaseObs("failedOver", "both"))).toBe(before);
  });

  it("is deterministic: the same observation gives the same plan", () => {
    const o = phaseObs("failedOver", "both");
    expect(planTransition("replicating", o, OPTS)).toEqual(planTransition("replicating", o, OPTS));
  });

  it.each(["planner", "workflows"])("%s: imports nothing but planner and workflow modules, mapi types and mapi assumptions (data)", (folder) => {
    const dir = path.join(__dirname, "../../provider", folder);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      const imports = [...source.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm)].map((m) => ({
        typeOnly: !!m[2],
        from: m[3],
      }));
      for (const imp of imports) {
        const allowed =
          imp.from.startsWith("./") ||
          imp.from === "../workflows" ||
          imp.from.startsWith("../workflows/") ||
          imp.from.startsWith("../planner/") ||
          imp.from === "../mapi/assumptions" ||
          (imp.from === "../mapi/types" && imp.typeOnly);
        expect({ file, ...imp, allowed }).toEqual({ file, ...imp, allowed: true });
      }
      expect(source).not.toMatch(/require\(/);
    }
    const assumptions = fs.readFileSync(path.join(dir, "../mapi/assumptions.ts"), "utf8");
    for (const m of assumptions.matchAll(/^import\s+(type\s+)?[^;]*from\s+"([^"]+)"/gm)) expect(m[1]).toBe("type ");
  });
});
