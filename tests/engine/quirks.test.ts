/**
 * The executor meeting HCP's delays and quirks (FakeWorld plays them): beginRecovery refused for a while
 * after a certificate upload, an action accepted (200) without effect and its other documented spelling,
 * and a tenant whose recovery HCP paused by itself during the waits of steps 7 and 10.
 */
import { runTransition, WorkflowStepError, WorkflowTimeoutError, type TransitionRequest } from "../../provider/engine/executor";
import { WorkflowError } from "../../provider/engine/errors";
import { notYetAvailable } from "../../provider/engine/actionEffects";
import { MapiHttpError } from "../../provider/mapi/errors";
import type { DeclaredState, PlanOptions } from "../../provider/model/types";
import { FakeWorld } from "./fakeWorld";

const OPTIONS: PlanOptions = { dnsFailover: true, completeRecoveryWhenBehindSeconds: 120, linkName: "link-ab", primaryName: "hcp-a", replicaName: "hcp-b" };

function request(world: FakeWorld, declared: DeclaredState, lines: string[], extra: Partial<TransitionRequest> = {}): TransitionRequest {
  return {
    declared,
    options: OPTIONS,
    observe: () => world.observe(),
    runAction: (side, action, spelling) => world.runAction(side, action, spelling),
    tenants: world.tenants,
    log: (line) => lines.push(line),
    sleep: (ms) => world.sleep(ms),
    now: () => world.now,
    waitTimeoutSeconds: 1800,
    pollIntervalSeconds: 15,
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

const failedOver = () => {
  const world = new FakeWorld();
  world.phase = "failedOver";
  return world;
};

describe("beginRecovery unavailable after a certificate upload", () => {
  it("keeps retrying with progress within waitTimeoutSeconds, then recovers; executedSteps says so", async () => {
    const world = failedOver();
    world.beginRecoveryUnavailableUntil = world.now + 12 * 60_000; // more than ten minutes, as documented
    const lines: string[] = [];
    const result = await runTransition(request(world, "recovering", lines));
    expect(result.phase).toBe("recovering");
    const attempts = world.actions.filter((a) => a === "replica:beginRecovery").length;
    expect(attempts).toBeGreaterThan(3);
    expect(attempts).toBeLessThan(15); // backs off: 15 s, 22.5 s, … up to 2 min
    const progress = lines.filter((l) => l.startsWith("Step 6: hcp-b (replica) refused beginRecovery as not available yet"));
    expect(progress).toHaveLength(attempts - 1);
    expect(progress[0]).toBe(
      "Step 6: hcp-b (replica) refused beginRecovery as not available yet (Begin recovery is not available yet for link 'link-ab' on hcp-b: new trusted " +
        "replication certificates were uploaded recently). HCP documents that Begin Recovery can take more than ten minutes to become available " +
        "after new trusted replication certificates are uploaded: trying again in 15s, until 2025-06-01T12:30:00.000Z (30m left of waitTimeoutSeconds).",
    );
    const step7 = result.executed.find((e) => e.number === 6);
    expect(step7?.outcome).toBe("done");
    expect(step7?.note).toMatch(/^beginRecovery was refused as not available yet \d+ time\(s\) over 1\dm( \d+s)? before it was accepted$/);
  });

  it("times out at waitTimeoutSeconds naming what it waited for and HCP's last answer", async () => {
    const world = failedOver();
    world.beginRecoveryUnavailableUntil = world.now + 3_600_000;
    const err = await failure(runTransition(request(world, "recovering", [], { waitTimeoutSeconds: 300 })));
    expect(err).toBeInstanceOf(WorkflowTimeoutError);
    expect(err.message).toContain("waiting for step 6 (On hcp-b (replica), begin data recovery on link link-ab): waited for beginRecovery to become available on hcp-b (replica)");
    expect(err.message).toContain("HCP still answered: Begin recovery is not available yet");
    expect(err.message).toContain("re-running `pulumi up` resumes from this step");
  });

  it("any other refusal still stops at once, without a retry", async () => {
    const world = failedOver();
    world.failNext = { action: "beginRecovery", apply: false, message: "HTTP 400 from POST …?beginRecovery: certificates not trusted" };
    const err = await failure(runTransition(request(world, "recovering", [])));
    expect(err).toBeInstanceOf(WorkflowStepError);
    expect(world.actions).toEqual(["replica:beginRecovery"]);
    expect(err.message).toContain("Step 6 (On hcp-b (replica), begin data recovery on link link-ab) failed: HTTP 400 from POST …?beginRecovery: certificates not trusted");
    expect(err.message).toContain("It was not retried");
  });

  it("recognises only a 400 whose X-HCP-ErrorMessage says not available yet, for the actions that document it", () => {
    const http = (status: number, message: string) =>
      new MapiHttpError({ status, method: "POST", url: "https://h/x", path: "/x", hcpErrorMessage: message });
    expect(notYetAvailable("beginRecovery", http(400, "Begin recovery is not available yet for link 'l'"))).toBeDefined();
    expect(notYetAvailable("beginRecovery", http(400, "beginRecovery is not yet available"))).toBeDefined();
    expect(notYetAvailable("beginRecovery", http(503, "Begin recovery is not available yet"))).toBeUndefined();
    expect(notYetAvailable("beginRecovery", http(400, "Cannot beginRecovery: found statusMessage \"Receiving data\""))).toBeUndefined();
    expect(notYetAvailable("completeRecovery", http(400, "completeRecovery is not available yet"))).toBeUndefined();
    expect(notYetAvailable("beginRecovery", new Error("not available yet"))).toBeUndefined();
  });
});

describe("an action accepted without effect", () => {
  it("is sent once more under its other documented spelling, which is recorded in executedSteps", async () => {
    const world = failedOver();
    world.beginRecoverySpellings = ["beginRecover"];
    world.ignoresUnknownParameters = true;
    const lines: string[] = [];
    const started = world.now;
    const result = await runTransition(request(world, "recovering", lines));
    expect(world.actions).toEqual(["replica:beginRecovery", "replica:beginRecover"]);
    expect(result.phase).toBe("recovering");
    expect(world.now - started).toBeLessThanOrEqual(61_000); // the bound, not the 30-minute deadline
    expect(lines).toContain(
      "Step 6: hcp-b (replica) accepted ?beginRecovery (HTTP 200), but link link-ab is still in phase failedOver after 60 s. HCP ignores " +
        "query parameters it does not know, and its documentation also spells this action beginRecover: sending it once as ?beginRecover.",
    );
    expect(lines.some((l) => /^Step 6 waiting for \?beginRecovery to take effect \(\d+s left of 60 s\): phase failedOver$/.test(l))).toBe(true);
    expect(result.executed.find((e) => e.number === 6)?.note).toBe("sent as ?beginRecover: ?beginRecovery was accepted (HTTP 200) without effect");
  });

  it("with no spelling left, stops precisely after the bound instead of waiting until the deadline", async () => {
    const world = failedOver();
    world.beginRecoverySpellings = ["beginRecoverNow"];
    world.ignoresUnknownParameters = true;
    const started = world.now;
    const err = await failure(runTransition(request(world, "replicating", [])));
    expect(err).toBeInstanceOf(WorkflowStepError);
    expect(world.actions).toEqual(["replica:beginRecovery", "replica:beginRecover"]);
    expect(world.now - started).toBeLessThanOrEqual(125_000);
    expect(err.message).toBe(
      "Step 6 (On hcp-b (replica), begin data recovery on link link-ab): hcp-b (replica) accepted ?beginRecovery and ?beginRecover (HTTP 200), " +
        "but link link-ab stayed in phase failedOver for 60 s after each: HCP ignores query parameters it does not know, so this system may " +
        "understand none of ?beginRecovery, ?beginRecover. Nothing else was sent; steps finished in this run: 3, 4. Read the system log of " +
        "hcp-b (replica), run the step in its System Management Console if it must happen now, then re-run `pulumi up`: it continues from the phase it finds.",
    );
    expect(err.executed.map((e) => e.number)).toEqual([3, 4]);
  });

  it("an action with one spelling that has no effect is reported after the bound, not resent", async () => {
    const world = new FakeWorld();
    world.phase = "recovering";
    world.behindSeconds = 10;
    const original = world.runAction.bind(world);
    world.runAction = async (side, action, spelling) => {
      if (action === "completeRecovery") return void world.actions.push(`${side}:${action}`); // 200, nothing happens
      return original(side, action, spelling);
    };
    const err = await failure(runTransition(request(world, "replicating", [])));
    expect(world.actions).toEqual(["replica:completeRecovery"]);
    expect(err.message).toContain("hcp-b (replica) accepted ?completeRecovery (HTTP 200), but link link-ab stayed in phase recovering for 60 s: the action had no effect");
  });
});

describe("a tenant whose recovery HCP paused by itself", () => {
  it("reads tenants only once recovery stops progressing, reports tenant, cause and way forward, and finishes once resumed", async () => {
    const world = failedOver();
    const lines: string[] = [];
    let polls = 0;
    world.onSleep.push((w) => {
      polls++;
      if (polls === 3) w.tenantStatus.set("finance", "AUTO_PAUSED"); // the primary lost Active Directory
      if (polls === 3) expect(w.tenantReads).toBe(0); // a recovery that moves costs no tenant read
      if (polls === 12) w.tenantStatus.set("finance", "REPLICATING"); // fixed and resumed in the console
    });
    const result = await runTransition(request(world, "replicating", lines));
    expect(result.phase).toBe("replicating");
    const required = lines.findIndex((l) => l.startsWith("Step 7 ACTION REQUIRED"));
    expect(lines[required]).toBe(
      "Step 7 ACTION REQUIRED: data recovery of tenant finance on link link-ab is AUTO_PAUSED on hcp-b (replica): HCP paused it by itself, so its data is not recovered and this wait cannot finish.",
    );
    expect(lines[required + 1]).toContain("Cause: MAPI does not report it; during data recovery the documented one is that during data recovery, the primary cannot reach Active Directory");
    expect(lines[required + 2]).toContain(
      "Way forward: fix the cause (e.g. restore the primary's connection to Active Directory), then resume tenant finance on hcp-b (replica): POST /mapi/services/replication/links/link-ab/content/tenants/finance?resume, or Resume",
    );
    expect(lines.filter((l) => l.includes("ACTION REQUIRED"))).toHaveLength(1);
    expect(lines.some((l) => /^Step 7 waiting for .*; tenant finance AUTO_PAUSED on hcp-b \(replica\): its data waits until it is resumed/.test(l))).toBe(true);
    expect(lines).toContain("Step 7: tenant finance on link link-ab is replicating again (was AUTO_PAUSED); recovery of its data goes on");
    // One full read (list + 2 tenants), then one read of the paused tenant per poll.
    expect(world.tenantReads).toBeLessThan(15);
  });

  it("the timeout of the wait names the paused tenant", async () => {
    const world = failedOver();
    world.onSleep.push((w) => {
      if (w.phase === "recovering") w.tenantStatus.set("media", "AUTO_PAUSED");
    });
    const err = await failure(runTransition(request(world, "replicating", [], { waitTimeoutSeconds: 900 })));
    expect(err).toBeInstanceOf(WorkflowTimeoutError);
    expect(err.message).toContain("Last seen: phase recovering; data behind:");
    expect(err.message).toContain("tenant media AUTO_PAUSED on hcp-b (replica): its data waits until it is resumed (POST /mapi/services/replication/links/link-ab/content/tenants/media?resume)");
  });

  it("a tenant paused by a user is reported too; without a reader nothing is read", async () => {
    const world = failedOver();
    world.onSleep.push((w) => {
      if (w.phase === "recovering") w.tenantStatus.set("finance", "PAUSED");
    });
    const lines: string[] = [];
    await failure(runTransition(request(world, "replicating", lines, { waitTimeoutSeconds: 600 })));
    expect(lines.some((l) => l.startsWith("Step 7 ACTION REQUIRED: tenant finance on link link-ab is PAUSED on hcp-b (replica) (paused by a user)"))).toBe(true);

    const silent = failedOver();
    silent.onSleep.push((w) => {
      if (w.phase === "recovering") w.tenantStatus.set("finance", "AUTO_PAUSED");
    });
    await failure(runTransition(request(silent, "replicating", [], { waitTimeoutSeconds: 600, tenants: undefined })));
    expect(silent.tenantReads).toBe(0);
  });
});
