/** Coverage: links on a declared system but missing from the site are refused; an out-of-service system may be silent. */
import { checkCoverage, type LinkListReading } from "../../provider/site";
import { drillSite } from "./fixtures";

const read = (links: string[]): LinkListReading => ({ reachable: true, links });
const silent: LinkListReading = { reachable: false, error: "connection timed out" };

test("every link of every system declared: nothing refused", () => {
  const result = checkCoverage(
    drillSite(),
    new Map([
      ["hcp-a", read(["ab", "ac", "ab-aa", "ca"])],
      ["hcp-b", read(["ab", "bc", "ab-aa"])],
      ["hcp-c", read(["bc", "ac", "ca"])],
    ]),
  );
  expect(result).toEqual({ refusals: [], warnings: [], unread: [] });
});

test("links missing from the site are refused, naming each with the systems holding it, and the way forward", () => {
  const result = checkCoverage(
    drillSite(),
    new Map([
      ["hcp-a", read(["ab", "ac", "ab-aa", "ca", "ad-archive"])],
      ["hcp-b", read(["ab", "bc", "ab-aa", "BX"])],
      ["hcp-c", read(["bc", "ac", "ca", "bx"])],
    ]),
  );
  expect(result.refusals).toHaveLength(1);
  expect(result.refusals[0]?.property).toBe("links");
  expect(result.refusals[0]?.reason).toBe(
    "the site does not cover every link of its systems: ad-archive (on hcp-a), BX (on hcp-b and hcp-c) exist on the systems but not in links, and would be left behind when a system is taken out of service",
  );
  expect(result.refusals[0]?.wayForward).toContain("add each of them to links as { linkName, primary, replica, type }");
});

test("a system out of service that does not answer is expected: no refusal, no warning", () => {
  const result = checkCoverage(drillSite(["hcp-a"]), new Map([["hcp-a", silent], ["hcp-b", read(["ab", "bc", "ab-aa"])], ["hcp-c", read(["bc", "ac", "ca"])]]));
  expect(result).toEqual({ refusals: [], warnings: [], unread: ["hcp-a"] });
});

test("the survivors' lists still catch a forgotten link of the failed system", () => {
  const result = checkCoverage(drillSite(["hcp-a"]), new Map([["hcp-a", silent], ["hcp-b", read(["ab", "bc", "ab-aa", "ab-old"])], ["hcp-c", read(["bc", "ac", "ca"])]]));
  expect(result.refusals[0]?.reason).toContain("ab-old (on hcp-b)");
});

test("a silent system that is not out of service is a warning, not a refusal", () => {
  const result = checkCoverage(drillSite(), new Map([["hcp-a", silent], ["hcp-b", read(["ab", "bc", "ab-aa"])], ["hcp-c", read(["bc", "ac", "ca"])]]));
  expect(result.refusals).toEqual([]);
  expect(result.warnings).toEqual(["hcp-a did not answer (connection timed out), so its links could not be checked for coverage; it is not declared out of service"]);
});

test("a declared link neither of its reachable systems lists is a warning", () => {
  const result = checkCoverage(drillSite(), new Map([["hcp-a", read(["ab", "ac", "ab-aa"])], ["hcp-b", read(["ab", "bc", "ab-aa"])], ["hcp-c", read(["bc", "ac"])]]));
  expect(result.warnings).toEqual(["link ca is in links but neither hcp-c nor hcp-a lists it"]);
});
