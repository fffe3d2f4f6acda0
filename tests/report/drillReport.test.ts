/** The drill report: RPO and RTO per transition, the timeline of steps with times, objects before and after. */
import { renderDrillReport } from "../../provider/report/drillReport";

const failover = {
  label: "fail over to hcp-b (hcp-a down)",
  activeSystem: "replica",
  phase: "failedOver",
  executedSteps: [
    { number: 1, label: "1", title: "On hcp-b (replica), fail over link link-ab", outcome: "done", startedAt: "2026-01-01T10:00:00.000Z", finishedAt: "2026-01-01T10:00:02.500Z" },
    { number: 2, label: "2", title: "DNS failover is off: direct clients | to hcp-b", outcome: "noticed", startedAt: "2026-01-01T10:00:02.500Z", finishedAt: "2026-01-01T10:00:02.500Z" },
  ],
  lastTransition: {
    from: "replicating" as const,
    to: "failedOver" as const,
    startedAt: "2026-01-01T09:59:59.000Z",
    finishedAt: "2026-01-01T10:00:03.000Z",
    seconds: 4,
    dataBehindAtStart: { objects: 7, bytes: 700, seconds: 20, source: "last known" as const, readAt: "2026-01-01T09:50:00.000Z" },
  },
};

test("a report with two runs, figures and object counts", () => {
  const md = renderDrillReport({
    title: "Drill",
    stack: "dr",
    generatedAt: "2026-01-01T11:00:00.000Z",
    runs: [failover, { label: "recover", executedSteps: [], lastTransition: { ...failover.lastTransition, from: "recovering", to: "replicating", dataBehindAtStart: "unknown" } }],
    objects: { what: "objects in tenant finance", before: { "hcp-a": 5, "hcp-b": 5 }, after: { "hcp-a": 125, "hcp-b": 125 } },
  });
  expect(md).toContain("| fail over to hcp-b (hcp-a down) | replicating | failedOver | 2026-01-01T09:59:59.000Z | 2026-01-01T10:00:03.000Z | 4 | 7 objects, 700 bytes, 20 s (last known, read at 2026-01-01T09:50:00.000Z) |");
  expect(md).toContain("| recover | recovering | replicating | 2026-01-01T09:59:59.000Z | 2026-01-01T10:00:03.000Z | 4 | unknown |");
  expect(md).toContain("| 1 | On hcp-b (replica), fail over link link-ab | done | 2026-01-01T10:00:00.000Z | 2026-01-01T10:00:02.500Z | 2.5 |");
  expect(md).toContain("| 2 | DNS failover is off: direct clients \\| to hcp-b | noticed |"); // a pipe in a title does not break the table
  expect(md).toContain("Counted: objects in tenant finance.");
  expect(md).toContain("| hcp-a | 5 | 125 |");
  expect(md).toContain("Afterwards: active system replica, phase failedOver.");
});

test("without transitions or counts it says so", () => {
  const md = renderDrillReport({ title: "Drill", stack: "dr", generatedAt: "t", runs: [{ label: "last pulumi up" }], objectsNote: "Not counted: MAPI lists no objects." });
  expect(md).toContain("No transition recorded");
  expect(md).toContain("No step ran.");
  expect(md).toContain("Not counted: MAPI lists no objects.");
});

test("a kept reading reads as a lower bound with its age, and the report says which clock each time is on", () => {
  const md = renderDrillReport({
    title: "Drill",
    stack: "dr",
    generatedAt: "2026-01-01T10:10:00.000Z",
    runs: [
      {
        label: "fail over (hcp-a down)",
        lastTransition: {
          from: "replicating",
          to: "failedOver",
          startedAt: "2026-01-01T10:00:00.000Z",
          finishedAt: "2026-01-01T10:00:04.000Z",
          seconds: 4,
          dataBehindAtStart: { objects: 0, bytes: 0, seconds: 0, source: "last known", readAt: "2026-01-01T09:55:00.000Z", ageSeconds: 300, lowerBound: true },
        },
      },
    ],
  });
  expect(md).toContain("at least 0 objects, 0 bytes, 0 s (last known, read at 2026-01-01T09:55:00.000Z, 300 s before the transition began); anything written after it is unknown");
  expect(md).not.toMatch(/\| 0 objects/);
  expect(md).toMatch(/Clocks: started, finished and the RTO are the wall clock .*; the data behind, its read time and its seconds are on the systems' own clock/);
});
