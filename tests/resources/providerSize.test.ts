/**
 * Dynamic-provider hygiene: each resource class serializes its provider as `pulumi.dynamic.Resource`
 * does (runtime.serializeFunction(() => provider) into the `__provider` property). Constructing the
 * classes under Pulumi's mocks captures exactly that text; it must stay small, capture no module, and
 * still work when loaded the way the provider host loads it.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ReplicationCertificateTrust, ReplicationFailover, ReplicationLink } from "../../provider";

const LIMIT = 100 * 1024;
const captured = new Map<string, string>();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        captured.set(args.type, String(args.inputs["__provider"]));
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "hcp-replication",
    "test",
    true,
  );
  const system = (name: string, port: number) => ({ name, endpoint: `https://127.0.0.1:${port}`, username: "admin", password: "size-test-password" });
  const a = system("hcp-a", 9090);
  const b = system("hcp-b", 9091);
  const resources: pulumi.CustomResource[] = [
    new ReplicationCertificateTrust("b-trusts-a", { certificateOf: a, trustedBy: b }),
    new ReplicationLink("link", { primary: a, replica: b, linkName: "link-ab", type: "ACTIVE_PASSIVE", remoteHost: "hcp-b.example.com" }),
    new ReplicationFailover("failover", { link: "link-ab", primary: a, replica: b, state: "replicating" }),
  ];
  await Promise.all(resources.map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))));
});

const classes = [
  ["ReplicationCertificateTrust", "certificateTrustProvider"],
  ["ReplicationLink", "linkProvider"],
  ["ReplicationFailover", "failoverProvider"],
] as const;

test.each(classes)("%s: the serialized provider is under 100 KB and captures only its implementation's path", (name, implementation) => {
  const text = captured.get(`pulumi-nodejs:dynamic/hcp:${name}`);
  expect(text).toBeDefined();
  const size = Buffer.byteLength(text as string, "utf8");
  process.stdout.write(`serialized provider of ${name}: ${size} bytes (${(size / 1024).toFixed(1)} KB)\n`);
  expect(size).toBeLessThan(LIMIT);
  expect(text).toContain(`provider/resources/${implementation}"`);
  expect(text).not.toMatch(/axios|fast-xml-parser|MapiClient|size-test-password/);
});

test.each(classes)("%s: the serialized provider loads its implementation when the provider host runs it", async (name) => {
  const text = captured.get(`pulumi-nodejs:dynamic/hcp:${name}`) as string;
  // The provider host evaluates the text as a module and calls `handler()` to get the provider.
  const module = { exports: {} as { handler?: () => dynamic.ResourceProvider } };
  new Function("exports", "require", "module", text)(module.exports, require, module);
  const loaded = (module.exports.handler as () => dynamic.ResourceProvider)();
  const result = await loaded.check!({}, {});
  expect(result.failures?.length).toBeGreaterThan(0);
});
