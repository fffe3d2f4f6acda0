/**
 * ReplicationFailover's diff: besides the planned steps and changed inputs, an `up` that stopped before the
 * declared state was reached (its outputs record another phase) makes the next `up` run, even when the
 * preview could not see that (check sees only the previous inputs).
 */
import { provider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";

const system = (name: string, port: number) => ({ name, endpoint: `https://127.0.0.1:${port}`, username: "admin", password: "x" });
const inputs = (extra: Partial<FailoverInputs> = {}): FailoverInputs => ({
  link: "link-ab",
  primary: system("hcp-a", 9090),
  replica: system("hcp-b", 9091),
  state: "replicating",
  plannedSteps: [],
  ...extra,
});
const outputs = (phase: string, extra: Partial<FailoverInputs> = {}): FailoverOutputs => ({
  ...inputs(extra),
  activeSystem: "primary",
  phase,
  plannedSteps: [],
  executedSteps: [],
  primaryAccess: "read-write",
  replicaAccess: "read-only",
  splitBrain: false,
});

async function changes(olds: FailoverOutputs, news: FailoverInputs): Promise<boolean | undefined> {
  return (await provider.diff!("link-ab:hcp-a->hcp-b", olds, news)).changes;
}

test("no diff once the last up reached the declared state and nothing is planned", async () => {
  expect(await changes(outputs("replicating"), inputs())).toBe(false);
  expect(await changes(outputs("failedOver", { state: "failedOver" }), inputs({ state: "failedOver" }))).toBe(false);
  // A pending cross-release request keeps the link failed over.
  expect(await changes(outputs("pendingAcceptance", { state: "failedOver" }), inputs({ state: "failedOver" }))).toBe(false);
  expect(await changes(outputs("recovering", { state: "recovering" }), inputs({ state: "recovering" }))).toBe(false);
});

test("a last up that stopped short is continued, with or without planned steps", async () => {
  for (const phase of ["recovering", "completing", "failedOver", "unknown"]) {
    expect(await changes(outputs(phase), inputs())).toBe(true);
  }
  expect(await changes(outputs("replicating"), inputs({ plannedSteps: ["1. On hcp-b (replica), fail over link link-ab"] }))).toBe(true);
});

test("outputs that misreport the systems as read now (a system came back) make the next up refresh them", async () => {
  const stale = { ...outputs("replicating"), primaryAccess: "unreachable" as const };
  expect(await changes(stale, inputs({ observedAccess: "primary read-write/read-only" }))).toBe(true);
  expect(await changes(outputs("replicating"), inputs({ observedAccess: "primary read-write/read-only" }))).toBe(false);
});
