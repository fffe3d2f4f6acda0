/**
 * The planner takes data only: it makes no requests and does not change its input (its imports: tests/layers.test.ts).
 */
import { accessModes, planTransition } from "../../provider/planner";
import { formatPlan } from "../../provider/model/format";
import { observePhase } from "../../provider/readings/phase";
import { type DeclaredState } from "../../provider/model/types";
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
    for (const declared of ["replicating", "failedOver", "recovering", "suspended"] as DeclaredState[]) {
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
});
