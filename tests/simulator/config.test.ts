import { join } from "node:path";
import { defaultConfig, loadConfigFile, resolveConfig } from "../../simulator";

/** Configuration defaults and checks (no servers started). */

test("the default: hcp-a and hcp-b on 9.2.27, link-ab with finance and media, admin and the AD account", () => {
  const config = resolveConfig(defaultConfig());
  expect(config.systems.map((s) => [s.name, s.softwareVersion, s.port])).toEqual([
    ["hcp-a", "9.2.27", 0],
    ["hcp-b", "9.2.27", 0],
  ]);
  expect(config.links).toEqual([
    { name: "link-ab", primary: "hcp-a", replica: "hcp-b", type: "ACTIVE_PASSIVE", tenants: ["finance", "media"], directories: [], exchangeCertificates: true },
  ]);
  expect(config.systems[0]?.users.map((u) => [u.username, u.type])).toEqual([
    ["admin", "local"],
    ["admin@corp.example", "ad"],
  ]);
  expect(resolveConfig()).toEqual(config);
});

test("the example file in simulator/ is valid", async () => {
  const config = resolveConfig(await loadConfigFile(join(__dirname, "../../simulator/config.example.json")));
  expect(config.systems.map((s) => s.port)).toEqual([9090, 9091]);
  expect(config.timeSpeed).toBe(60);
});

test("errors name the property", () => {
  expect(() => resolveConfig({ systems: [{ name: "a" }, { name: "A" }] })).toThrow("systems[1].name: 'A' is used twice");
  expect(() => resolveConfig({ systems: [{ name: "a" }], links: [{ name: "l", primary: "a", replica: "b" }] })).toThrow("links[0].replica: not one of the systems");
  expect(() => resolveConfig({ timeSpeed: -1 })).toThrow("timeSpeed: a number >= 0");
  expect(() => resolveConfig({ users: [{ username: "x", password: "y", roles: ["MONITOR"] }] })).toThrow("needs a local account with the ADMINISTRATOR role");
});
