/** The replication lag before a failover (pure), and the record of a transition's RTO and RPO exposure. */
import { describeLagBeforeFailover, keepLag, replicationLag } from "../../provider/readings/lag";
import { lastTransitionOf } from "../../provider/engine/lastTransition";
import type { Observation } from "../../provider/model/types";
import { link, NOW, OPTS } from "./fixtures";

function replicating(primaryStats: object | undefined, primaryMessage = "Sending data"): Observation {
  return {
    primary: { reachable: true, link: link("OUTBOUND", primaryMessage, primaryStats ? { statistics: primaryStats } : {}) },
    replica: { reachable: true, link: link("INBOUND", "Receiving data") },
    trust: { primaryTrustsReplica: true, replicaTrustsPrimary: true },
    now: NOW,
  };
}

const primaryDown: Observation = {
  primary: { reachable: false, error: "connect ECONNREFUSED" },
  replica: { reachable: true, link: link("INBOUND", "Stalled link") },
  trust: { primaryTrustsReplica: "unknown", replicaTrustsPrimary: true },
  now: NOW,
};

test("the lag is what the primary has still to send, in objects, bytes and seconds", () => {
  const lag = replicationLag(replicating({ objectsPending: 12, bytesPending: 4096, upToDateAsOfMillis: NOW - 40_000 }));
  expect(lag).toEqual({ objects: 12, bytes: 4096, seconds: 40, readAt: "2025-06-01T12:00:00.000Z" });
  expect(describeLagBeforeFailover(replicating({ objectsPending: 12, bytesPending: 4096, upToDateAsOfMillis: NOW - 40_000 }), undefined, OPTS)).toBe(
    "Data behind: hcp-b is 12 objects, 4096 bytes, 40 s behind hcp-a (read now)",
  );
});

test("nothing pending is up to date, whatever time the system gives as up to date", () => {
  expect(replicationLag(replicating({ objectsPending: 0, bytesPending: 0, upToDateAsOfMillis: NOW - 3_600_000 }))).toMatchObject({ objects: 0, bytes: 0, seconds: 0 });
});

test("no live lag from a primary that is down, cut off, or reports no statistics", () => {
  expect(replicationLag(primaryDown)).toBeUndefined();
  expect(replicationLag(replicating({ objectsPending: 3 }, "Stalled link"))).toBeUndefined();
  expect(replicationLag(replicating(undefined))).toBeUndefined();
});

test("the kept reading changes only when the lag does, so a saved plan stays valid while it holds", () => {
  const first = { objects: 0, bytes: 0, seconds: 0, readAt: "2025-06-01T10:00:00.000Z" };
  const same = { objects: 0, bytes: 0, seconds: 0, readAt: "2025-06-01T11:00:00.000Z" };
  const other = { objects: 5, bytes: 10, seconds: 3, readAt: "2025-06-01T11:00:00.000Z" };
  expect(keepLag(first, same)).toBe(first);
  expect(keepLag(first, other)).toBe(other);
  expect(keepLag(first, undefined)).toBe(first);
  expect(keepLag(undefined, other)).toBe(other);
});

test("with the primary down the plan shows the last known lag and its time, or says it is unknown", () => {
  const kept = { objects: 7, bytes: 700, seconds: 20, readAt: "2025-06-01T11:58:00.000Z" };
  expect(describeLagBeforeFailover(primaryDown, kept, OPTS)).toBe(
    "Data behind: hcp-a does not answer; last known: hcp-b was at least 7 objects, 700 bytes, 20 s behind hcp-a (read at 2025-06-01T11:58:00.000Z); anything written to hcp-a after that is unknown",
  );
  expect(describeLagBeforeFailover(primaryDown, undefined, OPTS)).toBe("Data behind: hcp-a does not answer, and no earlier reading is known: what hcp-b lacks is unknown");
});

describe("lastTransition", () => {
  const ran = [{ outcome: "done" }, { outcome: "noticed" }];
  test("a failover with the primary down records RTO and the last known lag", () => {
    const kept = { objects: 7, bytes: 700, seconds: 20, readAt: "2025-06-01T11:58:00.000Z" };
    expect(lastTransitionOf({ from: "replicating", to: "failedOver", start: primaryDown, keptLag: kept, startedAt: NOW, finishedAt: NOW + 4_250, ran })).toEqual({
      from: "replicating",
      to: "failedOver",
      startedAt: "2025-06-01T12:00:00.000Z",
      finishedAt: "2025-06-01T12:00:04.250Z",
      seconds: 4.3,
      dataBehindAtStart: { objects: 7, bytes: 700, seconds: 20, source: "last known", readAt: kept.readAt, ageSeconds: 120, lowerBound: true },
    });
  });
  test("a planned failover records the lag read when it began; without any reading it is unknown", () => {
    const start = replicating({ objectsPending: 2, bytesPending: 20, upToDateAsOfMillis: NOW - 5_000 });
    expect(lastTransitionOf({ from: "replicating", to: "failedOver", start, startedAt: NOW, finishedAt: NOW + 1000, ran })?.dataBehindAtStart).toEqual({
      objects: 2,
      bytes: 20,
      seconds: 5,
      source: "live",
      readAt: "2025-06-01T12:00:00.000Z",
    });
    expect(lastTransitionOf({ from: "replicating", to: "failedOver", start: primaryDown, startedAt: NOW, finishedAt: NOW + 1000, ran })?.dataBehindAtStart).toBe("unknown");
  });
  test("a run that changed nothing records no transition", () => {
    expect(lastTransitionOf({ from: "failedOver", to: "failedOver", start: primaryDown, startedAt: NOW, finishedAt: NOW, ran: [] })).toBeUndefined();
    expect(lastTransitionOf({ from: "replicating", to: "failedOver", start: primaryDown, startedAt: NOW, finishedAt: NOW, ran: [{ outcome: "already-done" }] })).toBeUndefined();
  });
});
