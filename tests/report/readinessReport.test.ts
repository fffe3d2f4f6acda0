/** The readiness report: the links of a refresh preview, the verdict and one table per link. */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { linksOfRefreshEvents } from "../../provider/report/readinessCli";
import { renderReadinessReport, worstStatus } from "../../provider/report/readinessReport";

const items = [
  { check: "role on hcp-a", status: "pass" as const, detail: "administrator role" },
  { check: "certificate expiry on hcp-b", status: "warn" as const, detail: 'the replication server certificate of hcp-b, "CN=hcp-b", expires on 2026-12-10 (in 6 days)', wayForward: "Renew it | upload it." },
];

const failoverType = "pulumi-nodejs:dynamic/hcp:ReplicationFailover";
const siteAb = "urn:pulumi:dr::p::hcp:index:ReplicationSite$pulumi-nodejs:dynamic/hcp:ReplicationFailover::site-ab";
const stored = { link: "ab", primary: { name: "hcp-a", password: "[secret]" }, replica: { name: "hcp-b" }, state: "failedOver", phase: "failedOver", readiness: [items[0]] };
const event = (kind: "resourcePreEvent" | "resOutputsEvent", urn: string, type: string, outputs: Record<string, unknown>, op = "refresh") =>
  ({ sequence: 0, timestamp: 0, [kind]: { metadata: { op, urn, type, provider: "", new: { type, urn, outputs } } } }) as unknown as EngineEvent;
const events: EngineEvent[] = [
  event("resourcePreEvent", "urn:pulumi:dr::p::pulumi:pulumi:Stack::p-dr", "pulumi:pulumi:Stack", {}),
  // The refresh announces the stored outputs, then the outputs its read returned.
  event("resourcePreEvent", siteAb, failoverType, stored),
  event("resourcePreEvent", "urn:pulumi:dr::p::pulumi-nodejs:dynamic/hcp:ReplicationLink::link", "pulumi-nodejs:dynamic/hcp:ReplicationLink", { readiness: items }),
  // Stored by a release before readiness: listed with no checks.
  event("resourcePreEvent", "urn:pulumi:dr::p::pulumi-nodejs:dynamic/hcp:ReplicationFailover::old", failoverType, { link: "cd" }),
  event("resOutputsEvent", siteAb, failoverType, { ...stored, phase: "replicating", readiness: items }, "update"),
];

test("only ReplicationFailovers (a site's children included) are read, each with what its read returned", () => {
  const links = linksOfRefreshEvents(events);
  expect(links).toEqual([
    { resource: "site-ab", link: "ab", primary: "hcp-a", replica: "hcp-b", state: "failedOver", phase: "replicating", readiness: items },
    { resource: "old", link: "cd", primary: "", replica: "", readiness: [] },
  ]);
});

test("the verdict is the worst check; each link gets a summary row and a table, cells escaped", () => {
  const links = linksOfRefreshEvents(events);
  expect(worstStatus(links)).toBe("warn");
  expect(worstStatus([{ ...links[0], readiness: [...items, { check: "lag", status: "fail", detail: "behind" }] }])).toBe("fail");
  expect(worstStatus([{ ...links[0], readiness: [items[0]] }])).toBe("pass");
  const md = renderReadinessReport({ stack: "dr", generatedAt: "2026-12-04T10:00:00.000Z", links });
  expect(md).toContain("**Ready, with warnings:**");
  expect(md).toContain("| ab | hcp-a -> hcp-b | failedOver | replicating | 1 | 1 | 0 |");
  expect(md).toContain("## ab (site-ab)");
  expect(md).toContain('| certificate expiry on hcp-b | **warn** | the replication server certificate of hcp-b, "CN=hcp-b", expires on 2026-12-10 (in 6 days) | Renew it \\| upload it. |');
  expect(md).not.toContain("[secret]");
});

test("a stack without readiness says how to get it", () => {
  expect(renderReadinessReport({ stack: "dr", generatedAt: "t", links: [] })).toContain("run `pulumi up` once");
});
