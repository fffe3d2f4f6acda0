/** Warnings the documentation implies: DNS failover needs every link failed over; failback order in chains. */
import { planSite } from "../../provider/site";
import { aa, ap, chain, drillSite } from "./fixtures";

function warnings(input: unknown): string[] {
  const plan = planSite(input);
  if (!plan.ok) throw new Error(`refused: ${JSON.stringify(plan.refusals)}`);
  return plan.warnings;
}

test("DNS failover on a system whose links are not all failed over: names the suspended link", () => {
  const site = { systems: ["a", "b", "c"], links: [ap("ab", "a", "b"), ap("ca", "c", "a")], outOfService: ["a"], dnsFailover: ["a"] };
  expect(warnings(site)).toEqual([
    "DNS failover is on for a, but not all of its links are failed over: ca (suspended: a is its replica). HCP's DNS failover succeeds only when every link of the system is failed over to the target; domain-name requests for the tenants of these links will fail (IP-addressed requests still work). Redirect those clients yourself.",
    // C -> A -> B is a chain through a: the order warning comes too.
    "Failback order matters for the links a takes out of service: when it is back, they are taken back one after another: ca before ab (chained through a). Links not named here are taken back in parallel.",
  ]);
});

test("DNS failover on a system whose links fail over to different systems", () => {
  const site = { systems: ["a", "b", "c"], links: [ap("ab", "a", "b"), aa("ac", "a", "c")], outOfService: ["a"], dnsFailover: true };
  expect(warnings(site)).toEqual([expect.stringContaining("DNS failover is on for a, but its links fail over to different systems (b, c)")]);
});

test("no DNS warning when every link of the system fails over to one system, or DNS failover is off", () => {
  const site = { systems: ["a", "b"], links: [ap("ab", "a", "b"), aa("ab2", "a", "b")], outOfService: ["a"], dnsFailover: true };
  expect(warnings(site)).toEqual([]);
  expect(warnings({ ...drillSite(["hcp-a"]), dnsFailover: false }).some((w) => w.startsWith("DNS"))).toBe(false);
});

test("the middle of a chain out of service: warns that AB comes back before BC", () => {
  expect(warnings(chain(["b"]))).toEqual([
    "Failback order matters for the links b takes out of service: when it is back, they are taken back one after another: ab before bc (chained through b). Links not named here are taken back in parallel.",
  ]);
});

test("the replica of a many-to-one topology out: warns of the order into it", () => {
  const site = { systems: ["a", "b", "c"], links: [ap("ac", "a", "c"), ap("bc", "b", "c")], outOfService: ["c"] };
  expect(warnings(site)).toEqual([expect.stringContaining("ac before bc (both replicate to c)")]);
});

test("no order warning when the links a system takes with it are independent, or nothing is out", () => {
  expect(warnings(chain(["a"]))).toEqual([]);
  expect(warnings(chain())).toEqual([]);
});
