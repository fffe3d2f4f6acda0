/**
 * CA certificates held by the provider: a ReplicationSite's links name their systems' CAs by digest, and
 * the provider process, configured by the site's provider, connects with the PEM it holds (real HTTPS to
 * the simulator, whose certificates only that CA verifies).
 */
import * as pulumi from "@pulumi/pulumi";
import { provider as failoverProvider } from "../../provider/resources/failoverProvider";
import type { FailoverInputs, FailoverOutputs } from "../../provider/resources/replicationFailover";
import { certificateDigest, PROVIDER_CERTIFICATES_KEY } from "../../provider/resources/providerCertificates";
import type { SystemConnection } from "../../provider/resources/system";
import { Driver, LINK, useProviderSuite } from "./helpers";

const suite = useProviderSuite();

/** The provider configuration the site's provider passes (the SDK's Config: keys with a ':' as given). */
const configWith = (pems: string[]) => ({ config: { get: (key: string) => (key === PROVIDER_CERTIFICATES_KEY ? JSON.stringify(pems) : undefined) } });

function byDigest(system: SystemConnection): SystemConnection {
  const { caCertificate, ...rest } = system;
  return { ...rest, caFromProvider: certificateDigest(caCertificate as string) };
}

const declared = (): FailoverInputs => ({ link: LINK, primary: byDigest(suite.env.a), replica: byDigest(suite.env.b), state: "replicating", pollIntervalSeconds: 1 });

test("configured with the site's certificates, a link that names its CAs by digest reads both systems over verified TLS", async () => {
  await failoverProvider.configure!(configWith([suite.env.a.caCertificate as string]) as unknown as pulumi.dynamic.ConfigureRequest);
  const checked = await new Driver<FailoverInputs, FailoverOutputs>(failoverProvider).check(declared());
  expect(checked.observedPhase).toBe("replicating");
  expect(checked.plannedSteps).toEqual([]);
});

test("a digest the configuration does not hold: the check says which system and why", async () => {
  await failoverProvider.configure!(configWith([]) as unknown as pulumi.dynamic.ConfigureRequest);
  await expect(new Driver<FailoverInputs, FailoverOutputs>(failoverProvider).check(declared())).rejects.toThrow(
    /hcp-a: the CA certificate this resource names \(sha256:[0-9a-f]{12}…\) is not in its provider's configuration/,
  );
});

test("the digest ignores line endings and surrounding blanks, and a malformed one is refused naming the property", async () => {
  const pem = suite.env.a.caCertificate as string;
  expect(certificateDigest(pem.replace(/\r?\n/g, "\r\n"))).toBe(certificateDigest(`\n${pem.replace(/\r\n/g, "\n")}\n\n`));
  const outcome = await new Driver<FailoverInputs, FailoverOutputs>(failoverProvider).checkRaw({ ...declared(), replica: { ...declared().replica, caFromProvider: "md5:abc" } });
  expect(outcome.failures).toEqual([{ property: "replica.caFromProvider", reason: expect.stringContaining("must be sha256:<64 hex digits>") }]);
});
