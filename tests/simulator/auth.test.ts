import { createHash } from "node:crypto";
import { Harness, REPLICATION, errorMessage, hcpAuthorization, httpsRequest } from "./helpers";

/** Both documented auth schemes; 403 (not 401) on bad or missing credentials; roles. */

let h: Harness;

beforeAll(async () => {
  h = await Harness.start({
    timeSpeed: 0,
    users: [
      { username: "lgreen", password: "p4ssw0rd" },
      { username: "admin@corp.example", password: "hcp-sim-password", type: "ad" },
      { username: "watcher", password: "look-only", roles: ["MONITOR"] },
    ],
  });
});
afterAll(() => h.stop());

function get(path: string, authorization?: string): ReturnType<typeof httpsRequest> {
  return httpsRequest(`${h.system("hcp-a").endpoint}${path}`, h.ca, { headers: authorization ? { Authorization: authorization } : {} });
}

test("the documented HCP-scheme test vector", async () => {
  const header = hcpAuthorization("lgreen", "p4ssw0rd");
  expect(header).toBe("HCP bGdyZWVu:2a9d119df47ff993b662a8ef36f9ea20");
  const result = await get(REPLICATION, header);
  expect(result.status).toBe(200);
  expect(result.headers["x-hcp-softwareversion"]).toBe("9.2.27");
  expect(h.system("hcp-a").username).toBe("lgreen");
});

test("the MD5 is accepted in upper case too", async () => {
  expect((await get(REPLICATION, "HCP bGdyZWVu:2A9D119DF47FF993B662A8EF36F9EA20")).status).toBe(200);
});

test("the AD scheme: user@domain:password", async () => {
  expect((await get(REPLICATION, "AD admin@corp.example:hcp-sim-password")).status).toBe(200);
  expect((await get(REPLICATION, "AD Admin@CORP.example:hcp-sim-password")).status).toBe(200);
  const wrong = await get(REPLICATION, "AD admin@corp.example:nope");
  expect(wrong.status).toBe(403);
  expect((await get(REPLICATION, "AD lgreen@corp.example:p4ssw0rd")).status).toBe(403); // a local account is not an AD one
});

test("a bad password is 403 with a reason that does not echo the credentials", async () => {
  const header = `HCP ${Buffer.from("lgreen").toString("base64")}:${createHash("md5").update("wrong").digest("hex")}`;
  const result = await get(REPLICATION, header);
  expect(result.status).toBe(403);
  expect(errorMessage(result)).toBe("Invalid username or password");
  expect(result.headers["x-hcp-softwareversion"]).toBe("9.2.27");
  expect((await get(REPLICATION, hcpAuthorization("nobody", "p4ssw0rd"))).status).toBe(403);
});

test("missing or unknown-scheme credentials are 403", async () => {
  const missing = await get(REPLICATION);
  expect(missing.status).toBe(403);
  expect(errorMessage(missing)).toContain("Authentication required");
  expect((await get(REPLICATION, "Basic bGdyZWVuOnA0c3N3MHJk")).status).toBe(403);
  expect((await get(REPLICATION, "HCP garbage")).status).toBe(403);
});

test("a monitor account reads but cannot change", async () => {
  const watcher = hcpAuthorization("watcher", "look-only");
  expect((await get(`${REPLICATION}/links/link-ab?verbose=true`, watcher)).status).toBe(200);
  const action = await httpsRequest(`${h.system("hcp-b").endpoint}${REPLICATION}/links/link-ab?suspend`, h.ca, {
    method: "POST",
    headers: { Authorization: watcher },
  });
  expect(action.status).toBe(403);
  expect(errorMessage(action)).toContain("administrator role");
});

test("the data plane needs the same credentials; the control API needs none", async () => {
  const anonymous = await httpsRequest(`${h.system("hcp-a").endpoint}/data/finance/x`, h.ca, { method: "PUT", body: "x" });
  expect(anonymous.status).toBe(403);
  expect((await get("/data/finance", hcpAuthorization("lgreen", "p4ssw0rd"))).status).toBe(200);
  expect((await httpsRequest(`${h.system("hcp-a").endpoint}/_sim/self`, h.ca)).status).toBe(200);
});
