/**
 * Building a resource object skips the stack traces Pulumi stamps on its own promises (printed only with
 * PULUMI_DEBUG_PROMISE_LEAKS): they cost a 50-link site half a second before its first resource reached the
 * engine. The limit is put back afterwards, also when construction throws.
 */
import * as pulumi from "@pulumi/pulumi";
import { ReplicationFailover } from "../../provider";

beforeAll(() =>
  pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, "hcp-replication", "test", true),
);

const system = (name: string, port: number) => ({ name, endpoint: `https://127.0.0.1:${port}`, username: "admin", password: "pw" });

/** The number of stack frames of every trace formatted while `build` runs. */
function framesFormattedDuring(build: () => void): number[] {
  const frames: number[] = [];
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, callSites) => {
    frames.push(callSites.length);
    return original ? original(error, callSites) : String(error);
  };
  try {
    build();
  } finally {
    Error.prepareStackTrace = original;
  }
  return frames;
}

const built: pulumi.CustomResource[] = [];
const failover = () => {
  built.push(new ReplicationFailover(`f${built.length}`, { link: "l", primary: system("a", 1), replica: system("b", 2), state: "replicating" }));
};

// Registration goes on after the constructor returns: let it finish before the environment is torn down.
afterAll(() => Promise.all(built.map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve())))));

test("a ReplicationFailover is built with one stack trace (where it was declared), not one per promise; the limit is restored", () => {
  const before = Error.stackTraceLimit;
  const frames = framesFormattedDuring(failover);
  expect(frames.length).toBeGreaterThan(20); // Pulumi still makes its promises
  // The one trace with frames is Pulumi's own reading of where the resource was declared (its own limit).
  expect(frames.filter((n) => n > 0)).toHaveLength(1);
  expect(Error.stackTraceLimit).toBe(before);
});

test("with PULUMI_DEBUG_PROMISE_LEAKS the traces are kept, for Pulumi's leak report", () => {
  process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
  try {
    expect(framesFormattedDuring(failover).some((n) => n > 0)).toBe(true);
  } finally {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  }
});

test("a constructor that throws restores the limit", () => {
  const before = Error.stackTraceLimit;
  expect(() => new ReplicationFailover("bad", { link: "l", primary: system("a", 1), replica: system("b", 2), state: "replicating" }, { parent: {} as pulumi.Resource })).toThrow();
  expect(Error.stackTraceLimit).toBe(before);
});
