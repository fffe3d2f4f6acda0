/**
 * The foundation: the real Pulumi CLI runs a directory program with a dynamic resource through
 * preview, up, refresh and destroy on a local file backend.
 */
import * as path from "path";
import { createTestStack, ensurePulumi, TestStack } from "../helpers/pulumiCli";

describe("Pulumi CLI smoke test (real engine, file backend)", () => {
  let t: TestStack;

  beforeAll(async () => {
    const cli = await ensurePulumi();
    process.stdout.write(`pulumi ${cli.version} (${cli.source}) at ${cli.bin}\n`);
    t = await createTestStack(path.join(__dirname, "fixtures/smoke"), "smoke");
    await t.stack.setConfig("text", { value: "replication" });
  }, 30 * 60 * 1000);

  afterAll(async () => {
    t?.cleanup();
  });

  it("reports the CLI version", async () => {
    const cli = await ensurePulumi();
    expect(cli.version).toMatch(/^v?3\.\d+\.\d+/);
  });

  it("previews one create, then up creates it and exports its outputs", async () => {
    const preview = await t.stack.preview();
    expect(preview.changeSummary.create).toBe(2); // the stack and the echo resource

    const up = await t.stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.length.value).toBe("replication".length);
    expect(up.outputs.echoId.value).toBe("echo-replication");
  });

  it("refreshes without changes, then destroys", async () => {
    const refresh = await t.stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");

    const destroy = await t.stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges?.delete).toBe(2);
  });
});
