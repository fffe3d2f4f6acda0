import {
  runTransition,
  WorkflowRefusedError,
  WorkflowStepError,
  WorkflowTimeoutError,
  type TransitionRequest,
} from "../../provider/engine/executor";
import { WorkflowCancelledError } from "../../provider/engine/cancelled";
import { WorkflowError } from "../../provider/engine/errors";
import type { DeclaredState, PlanOptions } from "../../provider/model/types";
import { FakeWorld } from "./fakeWorld";

const OPTIONS: PlanOptions = {
  dnsFailover: false,
  completeRecoveryWhenBehindSeconds: 120,
  linkName: "link-ab",
  primaryName: "hcp-a",
  replicaName: "hcp-b",
};

function request(world: FakeWorld, declared: DeclaredState, lines: string[], extra: Partial<TransitionRequest> = {}): TransitionRequest {
  return {
    declared,
    options: OPTIONS,
    observe: () => world.observe(),
    runAction: (side, action) => world.runAction(side, action),
    log: (line) => lines.push(line),
    sleep: (ms) => world.sleep(ms),
    now: () => world.now,
    waitTimeoutSeconds: 1800,
    pollIntervalSeconds: 15,
    endpoints: { primary: "https://admin.hcp-a.example.com:9090", replica: "https://admin.hcp-b.example.com:9090" },
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<WorkflowError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowError);
    return err as WorkflowError;
  }
  throw new Error("expected the transition to fail");
}

const outcomes = (executed: { label: string; outcome: string }[]) => executed.map((e) => `${e.label}:${e.outcome}`);

describe("runTransition", () => {
  it("fails over while the primary is down, then tells the operator to redirect clients", async () => {
    const world = new FakeWorld();
    world.primaryUp = false;
    const lines: string[] = [];
    const result = await runTransition(request(world, "failedOver", lines));
    expect(world.actions).toEqual(["replica:failOver"]);
    expect(outcomes(result.executed)).toEqual(["1:done", "2:noticed"]);
    expect(result.phase).toBe("failedOver");
    expect(result.final.replica.link?.statusMessage).toBe("Failed over");
    expect(lines).toContain("Step 2 NOTICE: DNS failover is off: direct clients to write only to hcp-b (replica)");
    for (const e of result.executed) {
      expect(e.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(e.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });

  it("does nothing when live state matches", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    const lines: string[] = [];
    const result = await runTransition(request(world, "failedOver", lines));
    expect(result.executed).toEqual([]);
    expect(world.actions).toEqual([]);
    expect(lines[0]).toContain("nothing to do");
  });

  it("recovers a rebuilt cross-release primary: restore, a person accepts, recovery, completion", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    world.primaryHasLink = false;
    world.crossRelease = true;
    world.acceptAt = world.now + 60_000;
    const lines: string[] = [];
    const result = await runTransition(request(world, "replicating", lines));

    expect(world.actions).toEqual(["replica:restore", "replica:beginRecovery", "replica:completeRecovery"]);
    expect(outcomes(result.executed)).toEqual([
      "3:done", "4:done", "5:done", "6:done", "7:done", "8:done", "9:done", "10:done", "11:noticed",
    ]);
    expect(result.executed.map((e) => e.number)).toEqual([...result.executed.map((e) => e.number ?? 0)].sort((a, b) => a - b));
    expect(result.phase).toBe("replicating");

    // the plan up front
    expect(lines).toContain("Plan from phase failedOver to \"replicating\" (9 steps):");
    expect(lines).toContain("  5. On hcp-b (replica), restore link link-ab (it is missing on hcp-a (primary))");
    // what the person must do, where, and until when
    const action = lines.findIndex((l) => l.startsWith("Step 6 ACTION REQUIRED"));
    expect(action).toBeGreaterThan(-1);
    expect(lines[action]).toContain("accept the restored link link-ab on hcp-a (primary)");
    expect(lines[action + 1]).toContain("https://admin.hcp-a.example.com:8000");
    expect(lines[action + 1]).toContain("hcp-a (primary)");
    expect(lines[action + 4]).toMatch(/Waiting until 2025-06-01T12:30:00.000Z \(30m\), checking every 15 s/);
    expect(lines.filter((l) => l.startsWith("Step 6 ACTION REQUIRED"))).toHaveLength(1);
    expect(lines.some((l) => /^Step 6 waiting for a person \(29m 45s left\): phase pendingAcceptance; no ETA \(a person must act\)$/.test(l))).toBe(true);
    // progress while recovering: phase, data behind (objects, bytes, seconds), time left
    const progress = lines.filter((l) => l.startsWith("Step 8 waiting"));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[0]).toMatch(
      /^Step 8 waiting for data to be within 120 s of up to date \(30m left\): phase recovering; data behind: 9,000 objects, 36\.9 MB, 15m behind \(up to date as of 2025-06-01T11:46:\d\d\.\d{3}Z\); no ETA \(the transfer rate is not reported\)$/,
    );
    expect(lines.some((l) => l.startsWith("Step 10 waiting for data recovery to finish"))).toBe(true);
    expect(lines).toContain(
      'Step 11 NOTICE: DNS failover is off: once the system log shows "Replication data recovery completed", direct clients to write only to hcp-a (primary)',
    );
    // Each wait polls first after pollIntervalSeconds, then backs off by half up to 8 times that.
    expect(world.sleeps[0]).toBe(15_000);
    expect(Math.max(...world.sleeps)).toBe(120_000);
    for (let i = 1; i < world.sleeps.length; i++) {
      const [prev, next] = [world.sleeps[i - 1], world.sleeps[i]];
      expect([15_000, Math.min(120_000, prev * 1.5)]).toContain(next); // a new wait starts again at 15 s
    }
  });

  it("takes up a pending request the plan could not predict (no software versions)", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    world.primaryHasLink = false;
    world.crossRelease = true;
    world.reportVersions = false;
    world.acceptAt = world.now + 30_000;
    const lines: string[] = [];
    const result = await runTransition(request(world, "recovering", lines));
    expect(lines).toContain("Plan from phase failedOver to \"recovering\" (4 steps):");
    expect(outcomes(result.executed)).toEqual(["3:done", "4:done", "5:done", "6:done", "7:done"]);
    expect(world.actions).toEqual(["replica:restore", "replica:beginRecovery"]);
  });

  it("resumes after a failed action without repeating the steps already done", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    world.primaryHasLink = false;
    world.failNext = { action: "beginRecovery", apply: false, message: "HTTP 503 from POST https://hcp-b:9090/…?beginRecovery: busy" };
    const first = await failure(runTransition(request(world, "replicating", [])));
    expect(first).toBeInstanceOf(WorkflowStepError);
    expect(first.message).toContain("Step 6 (On hcp-b (replica), begin data recovery on link link-ab) failed: HTTP 503");
    expect(first.message).toContain("It was not retried; steps finished in this run: 3, 4, 5");
    expect(first.message).toContain("re-run `pulumi up`");
    expect(outcomes(first.executed)).toEqual(["3:done", "4:done", "5:done"]);
    expect(first.phase).toBe("failedOver");
    expect(world.actions).toEqual(["replica:restore", "replica:beginRecovery"]);

    const result = await runTransition(request(world, "replicating", []));
    // restore is not planned again: the link is no longer broken
    expect(world.actions).toEqual(["replica:restore", "replica:beginRecovery", "replica:beginRecovery", "replica:completeRecovery"]);
    expect(outcomes(result.executed)).toEqual(["3:done", "4:done", "6:done", "7:done", "8:done", "9:done", "10:noticed"]);
  });

  it("treats an action that failed but took effect as done, and does not send it again", async () => {
    const world = new FakeWorld();
    world.phase = "recovering";
    world.behindSeconds = 10;
    world.failNext = { action: "completeRecovery", apply: true, message: "No answer from POST … within 30000 ms (timeoutMs)" };
    const lines: string[] = [];
    const result = await runTransition(request(world, "replicating", lines));
    expect(world.actions).toEqual(["replica:completeRecovery"]);
    expect(outcomes(result.executed)).toEqual(["8:done", "9:done", "10:noticed"]);
    expect(lines.some((l) => l.includes("moved on to phase completing anyway: treating completeRecovery as done"))).toBe(true);
  });

  it("records steps that live state shows done as already done (resume after Ctrl-C)", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    const lines: string[] = [];
    // Someone (or a previous run) sends beginRecovery between planning and step 7.
    let observed = 0;
    const req = request(world, "recovering", lines, {
      observe: async () => {
        observed++;
        if (observed === 3) world.phase = "recovering";
        return world.observe();
      },
    });
    const result = await runTransition(req);
    expect(world.actions).toEqual([]);
    expect(outcomes(result.executed)).toEqual(["3:done", "4:done", "6:already-done"]);
    expect(lines).toContain("Step 6 already done: On hcp-b (replica), begin data recovery on link link-ab");
  });

  it("times out a wait with what it waited for and what it last saw; a re-run resumes", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    world.catchUpRate = 0; // recovery makes no progress
    const lines: string[] = [];
    const err = await failure(runTransition(request(world, "replicating", lines, { waitTimeoutSeconds: 120, pollIntervalSeconds: 50 })));
    expect(err).toBeInstanceOf(WorkflowTimeoutError);
    expect(err.message).toBe(
      "Timed out after 2m (waitTimeoutSeconds) waiting for step 7 (Wait until data recovery on link link-ab is within 120 s of up to date): " +
        "waited for data recovery on link link-ab to be within 120 s of up to date. Last seen: phase recovering; data behind: " +
        "9,000 objects, 36.9 MB, 15m behind (up to date as of 2025-06-01T11:47:00.000Z); no ETA (the transfer rate is not reported). Nothing was undone: re-running `pulumi up` " +
        "resumes from this step (raise waitTimeoutSeconds to wait longer).",
    );
    expect(outcomes(err.executed)).toEqual(["3:done", "4:done", "6:done"]);
    // Polls back off: 50 s, then 75 s cut to the 70 s left before the deadline.
    expect(world.sleeps).toEqual([50_000, 70_000]);
    expect(lines.filter((l) => l.startsWith("Step 7 waiting")).map((l) => /\((.*) left\)/.exec(l)?.[1])).toEqual(["2m", "1m 10s", "0s"]);

    world.catchUpRate = 5;
    const result = await runTransition(request(world, "replicating", []));
    expect(world.actions).toEqual(["replica:beginRecovery", "replica:completeRecovery"]);
    expect(outcomes(result.executed)).toEqual(["7:done", "8:done", "9:done", "10:noticed"]);
  });

  it("times out waiting for a person, having told them once what to do", async () => {
    const world = new FakeWorld();
    world.phase = "pending";
    const lines: string[] = [];
    const err = await failure(runTransition(request(world, "recovering", lines, { waitTimeoutSeconds: 60, pollIntervalSeconds: 20 })));
    expect(err).toBeInstanceOf(WorkflowTimeoutError);
    expect(err.message).toContain(
      "waited for a person to accept the pending request for link link-ab in the System Management Console of hcp-a (primary)",
    );
    expect(lines.filter((l) => l.includes("ACTION REQUIRED"))).toHaveLength(1);
    // 9.x systems: the 9.x table does not number the acceptance; the observed pending request brings it in.
    expect(lines.filter((l) => l.startsWith("Step (before step 6) waiting for a person"))).toHaveLength(4);
    expect(world.actions).toEqual([]);
  });

  it("stops when a pending request is rejected (the link moved back), repeating nothing", async () => {
    const world = new FakeWorld();
    world.phase = "pending";
    world.rejectAt = world.now + 40_000;
    const err = await failure(runTransition(request(world, "recovering", [])));
    expect(err).toBeInstanceOf(WorkflowStepError);
    expect(err.message).toContain("moved back to phase failedOver: step 5");
    expect(err.message).toContain("was the request rejected in the console?");
    expect(world.actions).toEqual([]);
  });

  it("refuses up front with found, expected and the way forward, changing nothing", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    world.primaryUp = false;
    const err = await failure(runTransition(request(world, "replicating", [])));
    expect(err).toBeInstanceOf(WorkflowRefusedError);
    expect(err.message).toMatch(/^hcp-a \(primary\) cannot be reached \(.*\); data recovery onto it \(step 3 onwards\) needs it\. Found: phase failedOver; hcp-a \(primary\) unreachable\. Expected: hcp-a \(primary\) back online and reachable\. Way forward: /);
    expect(err.executed).toEqual([]);
    expect(world.actions).toEqual([]);
  });

  it("refuses at the certificate check (step 3) before any action", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    world.trusted = false;
    const err = await failure(runTransition(request(world, "replicating", [])));
    expect(err).toBeInstanceOf(WorkflowRefusedError);
    expect(err.message).toContain("does not trust the replication server certificate");
    expect(err.executed).toEqual([]);
    expect(world.actions).toEqual([]);
  });

  it("keeps waiting through a primary outage during recovery, and refuses a suspension", async () => {
    const world = new FakeWorld();
    world.phase = "recovering";
    let polls = 0;
    world.onSleep.push((w) => {
      polls++;
      if (polls === 2) w.primaryUp = false;
      if (polls === 4) w.primaryUp = true;
    });
    const lines: string[] = [];
    const result = await runTransition(request(world, "replicating", lines));
    expect(result.phase).toBe("replicating");
    expect(lines.some((l) => l.includes("hcp-a (primary) unreachable"))).toBe(true);

    const w2 = new FakeWorld();
    w2.phase = "recovering";
    w2.onSleep.push((w) => (w.suspended = true));
    const err = await failure(runTransition(request(w2, "replicating", [])));
    expect(err).toBeInstanceOf(WorkflowRefusedError);
    expect(err.message).toContain("is suspended on");
    expect(w2.actions).toEqual([]);
  });

  it("does not end the completion wait while the primary is silent (its Stalled link is ambiguous)", async () => {
    const world = new FakeWorld();
    world.phase = "completing";
    world.behindSeconds = 0;
    let polls = 0;
    world.onSleep.push((w) => {
      polls++;
      if (polls === 1) w.primaryUp = false; // the replica now shows "Stalled link": reads as replicating
      if (polls === 3) w.primaryUp = true;
    });
    const lines: string[] = [];
    const result = await runTransition(request(world, "replicating", lines, { pollIntervalSeconds: 10 }));
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(outcomes(result.executed)).toEqual(["9:done", "10:noticed"]);
    expect(lines.some((l) => l.startsWith("Step 9 waiting") && l.includes("hcp-a (primary) unreachable"))).toBe(true);
  });

  it("does not call an action or a wait done while a system is silent, even right after the action", async () => {
    const world = new FakeWorld();
    world.phase = "recovering";
    world.behindSeconds = 0;
    world.completingMs = 0;
    const lines: string[] = [];
    let sent = false;
    const req = request(world, "replicating", lines, {
      runAction: async (side, action) => {
        await world.runAction(side, action);
        sent = true;
        world.primaryUp = false; // right after completeRecovery the primary goes quiet
      },
    });
    world.onSleep.push((w) => {
      if (sent && w.sleeps.length >= 3) w.primaryUp = true;
    });
    const result = await runTransition(req);
    expect(world.actions).toEqual(["replica:completeRecovery"]);
    // "Stalled link" with the primary silent cannot show whether completeRecovery took effect: step 9
    // waits (never re-sending it) until both answer; by then recovery has finished, so step 10 is done.
    expect(outcomes(result.executed)).toEqual(["8:done", "9:already-done", "10:noticed"]);
    expect(lines.filter((l) => l.startsWith("Step 8 waiting") && l.includes("cannot be told")).length).toBeGreaterThanOrEqual(2);
  });

  it("Ctrl-C before an action is sent stops the run as a stop, not as an error of the action, with nothing re-read", async () => {
    const world = new FakeWorld();
    world.phase = "recovering";
    world.behindSeconds = 0;
    const lines: string[] = [];
    let observed = 0;
    const req = request(world, "replicating", lines, {
      observe: () => (observed++, world.observe()),
      runAction: async () => {
        throw new WorkflowCancelledError("Stopped by Ctrl-C before sending completeRecovery to the replica.");
      },
    });
    const err = await failure(runTransition(req));
    expect(err).toBeInstanceOf(WorkflowCancelledError);
    expect(err.message).toBe("Stopped by Ctrl-C before sending completeRecovery to the replica.");
    expect(world.actions).toEqual([]);
    expect(lines.some((l) => l.includes("reported an error"))).toBe(false);
    expect(observed).toBe(1); // the reading the plan was made from; none after the stop
  });

  it("turns a throwing observe into a WorkflowStepError that carries the steps done", async () => {
    const world = new FakeWorld();
    world.phase = "failedOver";
    let n = 0;
    const err = await failure(
      runTransition(
        request(world, "recovering", [], {
          observe: async () => {
            if (++n === 3) throw new Error("socket hang up");
            return world.observe();
          },
        }),
      ),
    );
    expect(err).toBeInstanceOf(WorkflowStepError);
    expect(err.message).toContain("socket hang up");
    expect(outcomes(err.executed)).toEqual(["3:done", "4:done"]);
  });

  it("every error is JSON-serialisable with executed steps and phase", async () => {
    const world = new FakeWorld();
    world.phase = "completing";
    world.suspended = true;
    const err = await failure(runTransition(request(world, "replicating", [])));
    const json = JSON.parse(JSON.stringify(err));
    expect(json).toMatchObject({ name: "WorkflowRefusedError", executed: [], phase: "suspended" });
  });
});
