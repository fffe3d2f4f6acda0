import { accessModes } from "../../provider/planner";
import { dataBehind } from "../../provider/readings/dataBehind";
import { evaluateCheck } from "../../provider/readings/checks";
import { observePhase } from "../../provider/readings/phase";
import { type Observation } from "../../provider/model/types";
import { BEHIND, link, NOW, obs, OPTS, phaseObs, type Reach } from "./fixtures";

describe("accessModes (model table)", () => {
  const table: [string, Reach, string, string][] = [
    ["replicating", "both", "read-write", "read-only"],
    ["failedOver", "both", "read-only", "read-write"],
    ["pendingAcceptance", "both", "read-only", "read-write"],
    ["recovering", "both", "read-only", "read-write"],
    ["completing", "both", "read-only", "read-only"],
    ["failedOver", "primaryDown", "unreachable", "read-write"],
    ["replicating", "replicaDown", "read-write", "unreachable"],
    ["replicating", "bothDown", "unreachable", "unreachable"],
  ];
  it.each(table)("%s (%s): primary %s, replica %s", (fixture, reach, p, r) => {
    const o = phaseObs(fixture, reach);
    expect(accessModes(o, observePhase(o))).toEqual({ primaryAccess: p, replicaAccess: r });
  });

  it("split brain: a primary not told of the failover stays read-write", () => {
    const unaware = obs({ primary: "Sending data", replica: "Failed over" });
    expect(accessModes(unaware, "failedOver")).toEqual({ primaryAccess: "read-write", replicaAccess: "read-write" });
    const reconnected = obs({ primary: "Failed over", replica: "Failed over" });
    expect(accessModes(reconnected, "failedOver", { splitBrain: true })).toEqual({ primaryAccess: "read-write", replicaAccess: "read-write" });
    expect(accessModes(reconnected, "failedOver", {}).primaryAccess).toBe("read-only");
  });

  it("a rebuilt primary without the link is read-write", () => {
    const rebuilt = obs({ primary: null, replica: "Failed over" });
    expect(accessModes(rebuilt, observePhase(rebuilt))).toEqual({ primaryAccess: "read-write", replicaAccess: "read-write" });
  });

  it("a suspended link keeps the access of the phase underneath", () => {
    const o = obs({ primary: "Failed over", replica: link("INBOUND", "Suspended by user", { suspended: true }) });
    expect(observePhase(o)).toBe("suspended");
    expect(accessModes(o, "suspended")).toEqual({ primaryAccess: "read-only", replicaAccess: "read-write" });
  });
});

describe("evaluateCheck", () => {
  const withTrust = (trust: Observation["trust"]) => obs({ primary: "Failed over", replica: "Failed over", trust });

  it("step 3 passes when both sides trust each other", () => {
    expect(evaluateCheck("certificatesTrusted", withTrust({ primaryTrustsReplica: true, replicaTrustsPrimary: true }), OPTS).passed).toBe(true);
  });

  it("step 3 refuses with the missing direction and the way forward", () => {
    const r = evaluateCheck("certificatesTrusted", withTrust({ primaryTrustsReplica: false, replicaTrustsPrimary: true }), OPTS);
    expect(r.passed).toBe(false);
    if (r.passed) return;
    expect(r.refusal.reason).toBe("hcp-a (primary) does not trust the replication server certificate of hcp-b (replica)");
    expect(r.refusal.wayForward).toContain("ReplicationCertificateTrust");
    expect(r.refusal.wayForward).toContain("dependsOn");
  });

  it("step 3 passes with a note when trust could not be read", () => {
    const r = evaluateCheck("certificatesTrusted", withTrust({ primaryTrustsReplica: "unknown", replicaTrustsPrimary: true }), OPTS);
    expect(r).toMatchObject({ passed: true });
    if (r.passed) expect(r.detail).toContain("could not be read");
  });

  it("step 3 applies only to a rebuilt primary: with the link still on the primary, trust is not needed", () => {
    const unknown = { primaryTrustsReplica: "unknown", replicaTrustsPrimary: "unknown" } as const;
    const r = evaluateCheck("certificatesTrusted", withTrust(unknown), OPTS);
    expect(r).toEqual({
      passed: true,
      detail:
        "hcp-a (primary) and hcp-b (replica) both still have link link-ab, so neither was rebuilt: re-exchanging " +
        "certificates applies only to a rebuilt system; HCP refuses restore, beginRecovery and resume if trust is missing",
    });
    // A rebuilt primary (no link) whose trust could not be read gets the other note.
    const rebuilt = evaluateCheck("certificatesTrusted", obs({ primary: null, replica: "Failed over", trust: unknown }), OPTS);
    expect(rebuilt.passed && rebuilt.detail).toContain("could not be read");
  });

  it("step 4 needs the link on the replica", () => {
    expect(evaluateCheck("linkOnReplica", obs({ primary: "Failed over", replica: "Failed over" }), OPTS).passed).toBe(true);
    const r = evaluateCheck("linkOnReplica", obs({ primary: null, replica: null }), OPTS);
    expect(r.passed).toBe(false);
    if (!r.passed) expect(r.refusal.wayForward).toContain("ReplicationLink");
  });

  it("knows only the checks the tables name", () => {
    expect(() => evaluateCheck("beginRecovery" as never, phaseObs("failedOver", "both"), OPTS)).toThrow(RangeError);
  });
});

describe("dataBehind", () => {
  it("reads objects, bytes and seconds behind from the replica's statistics", () => {
    expect(dataBehind(obs({ primary: "Receiving data", replica: "Recovering data", stats: BEHIND }))).toEqual({
      objects: 1234,
      bytes: 5_600_000,
      seconds: 600,
      upToDateAsOf: new Date(NOW - 600_000).toISOString(),
    });
  });
  it("is empty without statistics", () => {
    expect(dataBehind(obs({ primary: "Receiving data", replica: "Recovering data" }))).toEqual({});
  });
});
