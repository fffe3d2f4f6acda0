import { describeRefusal } from "../../provider/model/format";
import { planTransition } from "../../provider/planner";
import { type DeclaredState, type Plan } from "../../provider/model/types";
import { link, obs, OPTS } from "./fixtures";

/** "Unrecognized link" (a documented unhealthy state without a documented meaning) gets a refusal of its own. */

function refusalOf(plan: Plan) {
  if (plan.ok) throw new Error(`expected a refusal, got steps ${plan.steps.map((s) => s.number).join(",")}`);
  return plan.refusal;
}

describe('"Unrecognized link"', () => {
  it.each<DeclaredState>(["failedOver", "recovering", "replicating"])("on the replica: refused for %s with its reading, found, expected and way forward", (declared) => {
    const r = refusalOf(planTransition(declared, obs({ primary: "Failed over", replica: "Unrecognized link" }), OPTS));
    expect(r.reason).toBe(
      'hcp-b (replica) reports "Unrecognized link" for link link-ab: an unhealthy state in which no step of the workflow can tell the phase ' +
        "(read here as: the system does not recognise the other system's record of this link (for example, the link was deleted and created " +
        "again, or changed, on one system only); HCP lists it among the unhealthy states without saying more)",
    );
    expect(r.found).toBe('hcp-b (replica) reports "Unrecognized link"');
    expect(r.expected).toBe('link link-ab recognised on both systems, e.g. "Failed over", "Recovering data" or "Receiving data" on hcp-b (replica)');
    expect(r.wayForward).toContain("In the System Management Console of hcp-b (replica) and of hcp-a (primary), compare link link-ab");
    expect(r.wayForward).toContain("Nothing was changed.");
    expect(r.waitable).toBeUndefined();
  });

  it("on the primary, with the replica otherwise in a known phase", () => {
    const r = refusalOf(planTransition("replicating", obs({ primary: "Unrecognized link", replica: "Failed over" }), OPTS));
    expect(r.reason).toMatch(/^hcp-a \(primary\) reports "Unrecognized link" for link link-ab: an unhealthy state/);
    expect(r.found).toBe('hcp-a (primary) reports "Unrecognized link" while hcp-b (replica) reports "Failed over"');
    expect(describeRefusal(r)).toContain("Way forward: In the System Management Console of hcp-a (primary) and of hcp-b (replica)");
  });

  it("other unexpected messages keep the general refusal", () => {
    const r = refusalOf(planTransition("replicating", obs({ primary: "Sending data", replica: "Weird status" }), OPTS));
    expect(r.reason).toBe('hcp-b (replica) reports status "Weird status" for link link-ab, which this workflow does not expect here');
  });
});

describe("a replication service shut down (shutDownAllLinks)", () => {
  const shutDown = () => {
    const o = obs({ primary: "Sending data", replica: { ...link("INBOUND", "Suspended by user"), suspended: true, status: "WARNING" } });
    return { ...o, replica: { ...o.replica, service: { status: "SHUTDOWN" as const } } } as typeof o;
  };

  it("its links read suspended; the refusal names reestablishAllLinks, not resume", () => {
    const r = refusalOf(planTransition("failedOver", shutDown(), OPTS));
    expect(r.found).toBe("replicationService status SHUTDOWN on hcp-b (replica)");
    expect(r.wayForward).toMatch(/^Reestablish the replication service of hcp-b \(replica\) \(POST \/mapi\/services\/replication\?reestablishAllLinks/);
    expect(r.wayForward).toContain("Resuming the link would not.");
  });

  it("the same link suspended by a user, the service enabled: the suspended-link refusal stands", () => {
    const o = shutDown();
    const r = refusalOf(planTransition("failedOver", { ...o, replica: { ...o.replica, service: { status: "ENABLED" as const } } }, OPTS));
    expect(r.found).not.toContain("SHUTDOWN");
    expect(r.wayForward).toMatch(/Resume it on hcp-b/);
  });
});
