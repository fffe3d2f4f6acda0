import { Harness, errorMessage } from "./helpers";

/** Action rules: wrong side, wrong link type and wrong phase are refused with 400 and the state found. */

const LINK = "link-ab";
let h: Harness;

beforeAll(async () => {
  h = await Harness.start({
    timeSpeed: 0,
    systems: [{ name: "hcp-a" }, { name: "hcp-b" }],
    links: [
      { name: LINK, primary: "hcp-a", replica: "hcp-b", tenants: ["finance"] },
      { name: "link-aa", primary: "hcp-a", replica: "hcp-b", type: "ACTIVE_ACTIVE", tenants: ["shared"] },
    ],
  });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.control("POST", "/_sim/reset");
});

async function expectRefused(system: string, link: string, action: string, ...fragments: string[]): Promise<void> {
  const result = await h.action(system, link, action);
  expect(result.status).toBe(400);
  expect(result.body).toBe("");
  for (const fragment of fragments) expect(errorMessage(result)).toContain(fragment);
}

test("completeRecovery before beginRecovery is refused", async () => {
  await expectRefused("hcp-b", LINK, "completeRecovery", 'found statusMessage "Receiving data" (phase replicating)', "after beginRecovery");
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  await expectRefused("hcp-b", LINK, "completeRecovery", 'found statusMessage "Failed over"');
});

test("restore on a link that is not broken is refused", async () => {
  await expectRefused("hcp-b", LINK, "restore", "the link is not broken");
  await expectRefused("hcp-a", LINK, "restore", "the link is not broken");
});

test("failOver on the primary is refused; so is a second failOver", async () => {
  await expectRefused("hcp-a", LINK, "failOver", "must be sent to the replica (INBOUND side)", "hcp-a is its primary");
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  await expectRefused("hcp-b", LINK, "failOver", 'found statusMessage "Failed over"');
});

test("failBack on an active/passive link is refused", async () => {
  await expectRefused("hcp-b", LINK, "failBack", "failBack applies to active/active links only", "beginRecovery then completeRecovery");
});

test("beginRecovery on the primary or on a replicating link is refused", async () => {
  await expectRefused("hcp-b", LINK, "beginRecovery", 'found statusMessage "Receiving data"');
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  await expectRefused("hcp-a", LINK, "beginRecovery", "must be sent to the replica");
});

test("unknown, misspelt, multiple and bodied actions are refused", async () => {
  const typo = await h.action("hcp-b", LINK, "beginRecover");
  expect(typo.status).toBe(400);
  expect(errorMessage(typo)).toContain("Unknown action 'beginRecover'");
  const two = await h.mapi("hcp-b", "POST", `/links/${LINK}?suspend&failOver`);
  expect(two.status).toBe(400);
  const bodied = await h.mapi("hcp-b", "POST", `/links/${LINK}?suspend`, { body: "<link/>", contentType: "application/xml" });
  expect(bodied.status).toBe(400);
  expect(errorMessage(bodied)).toContain("takes no request body");
});

test("suspend and resume on either side; resume only when suspended", async () => {
  await expectRefused("hcp-a", LINK, "resume", "it is not suspended");
  expect((await h.action("hcp-a", LINK, "suspend")).status).toBe(200);
  expect(await h.link("hcp-a", LINK)).toMatchObject({ statusMessage: "Suspended by user", suspended: true, status: "WARNING" });
  expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Receiving data", suspended: false });
  expect((await h.action("hcp-a", LINK, "resume")).status).toBe(200);
  expect(await h.link("hcp-a", LINK)).toMatchObject({ statusMessage: "Sending data", suspended: false, status: "GOOD" });
});

test("a suspended link does not replicate", async () => {
  expect((await h.action("hcp-b", LINK, "suspend")).status).toBe(200);
  expect(await h.write("hcp-a", "finance", "held", "x")).toBe(201);
  await h.advance(3_600_000);
  expect((await h.objects("hcp-b", "finance")).has("held")).toBe(false);
  expect((await h.action("hcp-b", LINK, "resume")).status).toBe(200);
  await h.advance(3_600_000);
  expect((await h.objects("hcp-b", "finance")).has("held")).toBe(true);
});

test("every action is recorded in the receiving system's event log, refused ones too", async () => {
  await h.action("hcp-a", LINK, "failOver");
  await h.action("hcp-b", LINK, "suspend");
  const eventsA = await h.events("hcp-a");
  expect(eventsA.some((m) => m.startsWith("Link 'link-ab': failOver refused: failOver must be sent to the replica"))).toBe(true);
  expect(await h.events("hcp-b")).toContain("Link 'link-ab': suspend requested on hcp-b");
});

test("active/active: failOver on either side, failBack only on the side failed over to", async () => {
  expect(await h.link("hcp-a", "link-aa")).toMatchObject({ type: "ACTIVE_ACTIVE", statusMessage: "Synchronizing data", status: "GOOD" });
  await expectRefused("hcp-a", "link-aa", "beginRecovery", "beginRecovery applies to active/passive links only");
  await expectRefused("hcp-a", "link-aa", "failBack", "it is not failed over");
  expect((await h.action("hcp-a", "link-aa", "failOver")).status).toBe(200);
  expect(await h.link("hcp-b", "link-aa")).toMatchObject({ statusMessage: "Failed over" });
  expect(await h.access("hcp-a", "shared")).toBe("read-write");
  expect(await h.access("hcp-b", "shared")).toBe("read-write");
  await expectRefused("hcp-b", "link-aa", "failBack", "it failed over to hcp-a");
  expect((await h.action("hcp-a", "link-aa", "failBack")).status).toBe(200);
  expect(await h.link("hcp-b", "link-aa")).toMatchObject({ statusMessage: "Synchronizing data" });
});

test("active/active replicates both ways", async () => {
  expect(await h.write("hcp-a", "shared", "from-a", "a")).toBe(201);
  expect(await h.write("hcp-b", "shared", "from-b", "b")).toBe(201);
  await h.advance(60_000);
  for (const system of ["hcp-a", "hcp-b"]) {
    const keys = [...(await h.objects(system, "shared")).keys()];
    expect(keys).toEqual(expect.arrayContaining(["from-a", "from-b"]));
  }
});

test("autoFailover: the replica fails over by itself after autoFailoverMinutes without the primary", async () => {
  const settings = JSON.stringify({ failoverSettings: { local: { autoFailover: true, autoFailoverMinutes: 7 } } });
  expect((await h.mapi("hcp-b", "POST", `/links/${LINK}`, { body: settings, contentType: "application/json" })).status).toBe(200);
  await h.control("POST", "/_sim/systems/hcp-a/down");
  await h.advance(6 * 60_000);
  expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Stalled link" });
  await h.advance(2 * 60_000);
  expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Failed over" });
  expect(await h.events("hcp-b")).toContain("Link 'link-ab': failOver run automatically on hcp-b");
});

test("autoCompleteRecovery: the replica completes recovery by itself once close to up to date", async () => {
  const settings = JSON.stringify({ failoverSettings: { remote: { autoCompleteRecovery: true, autoCompleteRecoveryMinutes: 1 } } });
  expect((await h.mapi("hcp-a", "POST", `/links/${LINK}`, { body: settings, contentType: "application/json" })).status).toBe(200);
  expect((await h.action("hcp-b", LINK, "failOver")).status).toBe(200);
  expect(await h.write("hcp-b", "finance", "late", "x")).toBe(201);
  await h.advance(5 * 60_000); // the write is now 5 minutes old and not yet sent
  expect((await h.action("hcp-b", LINK, "beginRecovery")).status).toBe(200);
  expect(await h.link("hcp-b", LINK)).toMatchObject({ statusMessage: "Recovering data" });
  await h.advance(60_000);
  await h.advance(1_000);
  expect(await h.link("hcp-a", LINK)).toMatchObject({ statusMessage: "Sending data" });
  expect(await h.events("hcp-b")).toContain("Link 'link-ab': completeRecovery run automatically on hcp-b");
});
