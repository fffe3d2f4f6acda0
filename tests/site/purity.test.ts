/** The site planner takes data only: no request, no change to its input. */
import { checkCoverage, planSite } from "../../provider/site";
import { drillSite } from "./fixtures";

const https: typeof import("node:https") = require("node:https");
const net: typeof import("node:net") = require("node:net");

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

test("plans every out-of-service choice of the drill site without a request and without changing the input", () => {
  const spies = [jest.spyOn(https, "request"), jest.spyOn(net, "connect")];
  for (const out of [[], ["hcp-a"], ["hcp-b"], ["hcp-c"], ["hcp-a", "hcp-c"]]) {
    const site = deepFreeze(drillSite(out, true));
    expect(() => planSite(site)).not.toThrow();
    checkCoverage(site, new Map([["hcp-a", { reachable: true as const, links: ["x"] }]]));
  }
  for (const spy of spies) expect(spy).not.toHaveBeenCalled();
});
