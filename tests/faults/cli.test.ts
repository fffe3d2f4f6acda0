/**
 * What needs the real Pulumi CLI (the demo program through the Automation API on a file backend); two
 * stacks at once are in cliTwoStacks.test.ts:
 * - the dynamic-provider process SIGKILLed mid-step (while failOver is in flight; while step 10 waits),
 *   then `pulumi up` again until it converges;
 * - the backend lock: a second `pulumi up` on the same stack is refused while the first runs;
 * - secrets: the password and the auth header appear in no state file, output, error, plan or export.
 * A test that cannot get a CLI fails with the reason (scripts/ensure-pulumi), never skips.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile } from "child_process";
import * as https from "https";
import type { AddressInfo } from "net";
import { promisify } from "util";
import * as auto from "@pulumi/pulumi/automation";
import { ensurePulumi } from "../helpers/pulumiCli";
import { makeCa, makeServerCert } from "../mapi/helpers/certs";
import { acceptedActions, Capture, cliSecrets, killDynamicProviders, outputs, scanForSecrets, startCliDrill, type CliDrill } from "./support/cli";
import { Ledger } from "./support/ledger";
import { PRIMARY, REPLICA, waitUntil } from "./support/sim";
import { recorder } from "./support/results";

const record = recorder(__filename);
const { PASSWORD, SECRETS, simConfig } = cliSecrets();
const capture = new Capture();

beforeAll(async () => {
  await ensurePulumi(); // fails (never skips) with the bootstrap's reason when no CLI can be had
}, 30 * 60 * 1000);

describe("Real CLI: provider process killed, backend lock, secrets in previews and errors", () => {
  let drill: CliDrill;
  let ledger: Ledger;

  beforeAll(async () => {
    drill = await startCliDrill("faults-kill", simConfig({ replicationRate: { objectsPerSecond: 10 } }), capture, { completeRecoveryWhenBehindSeconds: "3600" });
    ledger = new Ledger(drill.sim);
    await drill.run((s) => drill.stack.up(s));
    await ledger.write(PRIMARY, "finance", "before", 5);
  }, 10 * 60 * 1000);
  afterAll(async () => drill?.stop());

  test("backend lock: a second pulumi up on the same stack is refused while the first runs", async () => {
    const rec = record("backend lock: a second pulumi up on the same stack is refused while the first runs", "the second up fails with the backend's lock error; the first succeeds");
    await drill.sim.sc.setLatency(PRIMARY, 2000);
    await drill.sim.sc.setLatency(REPLICA, 2000);
    const requestsBefore = (await drill.sim.sc.requestCounts(REPLICA)).total;
    const first = drill.run((s) => drill.stack.up(s));
    // The first up holds the lock once its program talks to the systems.
    await waitUntil("the first up to reach the systems", async () => ((await drill.sim.sc.requestCounts(REPLICA)).total > requestsBefore ? true : undefined), 120_000, 200);
    const other = await auto.LocalWorkspace.selectStack(
      { stackName: drill.stack.name, workDir: drill.stack.workspace.workDir },
      { workDir: drill.stack.workspace.workDir, pulumiHome: drill.stack.workspace.pulumiHome, envVars: drill.local.env, pulumiCommand: drill.stack.workspace.pulumiCommand },
    );
    const second = await drill.run((s) => other.up(s)).then(
      () => "succeeded",
      (err: Error) => err.message,
    );
    await drill.sim.sc.setLatency(PRIMARY, 0);
    await drill.sim.sc.setLatency(REPLICA, 0);
    const firstResult = await first.then(
      (r) => r.summary.result,
      (err: Error) => `failed: ${err.message.split("\n")[0]}`,
    );
    const lockLine = second.split("\n").find((l) => /lock/i.test(l)) ?? second.split("\n")[0];
    rec.see(`second up: ${lockLine.trim().slice(0, 300)}`);
    rec.see(`first up: ${firstResult}`);
    expect(second).toMatch(/locked/i);
    expect(firstResult).toBe("succeeded");
  }, 5 * 60 * 1000);

  test("killed while failOver is in flight (step 1): the next up converges and failOver takes effect once", async () => {
    const rec = record("killed while failOver is in flight (step 1): the next up converges and failOver takes effect once", "phase failedOver, replica read-write; failOver accepted once; objects written before are on the replica or primary");
    await drill.stack.setConfig("state", { value: "failedOver" });
    await drill.sim.sc.setLatency(REPLICA, 1500); // holds each request, the failOver too, for 1.5 s (the client waits up to 30 s)
    const route = "POST /mapi/services/replication/links/{link}?failOver";
    const up = drill.run((s) => drill.stack.up(s));
    await waitUntil("failOver to reach the replica", async () => (((await drill.sim.sc.requestCounts(REPLICA)).byRoute[route] ?? 0) > 0 ? true : undefined), 120_000, 50);
    const killed = killDynamicProviders(drill.local.backendDir);
    const first = await up.then(
      () => "succeeded",
      (err: Error) => err.message,
    );
    await drill.sim.sc.setLatency(REPLICA, 0);
    rec.see(`killed ${killed} dynamic-provider process(es) with failOver in flight; that up: ${first === "succeeded" ? first : "failed"}`);
    expect(killed).toBeGreaterThan(0);
    expect(first).not.toBe("succeeded");
    const afterKill = (await drill.sim.link(REPLICA))?.statusMessage;
    rec.see(`${REPLICA} after the kill: "${afterKill}"`);

    const second = await drill.run((s) => drill.stack.up(s));
    const out = outputs(second);
    const accepted = await acceptedActions(drill.sim, REPLICA);
    rec.see(`next up: ${second.summary.result}; outputs phase ${out.phase}, ${out.primaryAccess}/${out.replicaAccess}; failOver accepted ${accepted["link-ab failOver"] ?? 0}`);
    expect(out).toMatchObject({ phase: "failedOver", activeSystem: "replica", replicaAccess: "read-write", primaryAccess: "read-only" });
    expect(await drill.sim.access(REPLICA, "finance")).toBe("read-write");
    expect(await drill.sim.access(PRIMARY, "finance")).toBe("read-only");
    expect(accepted["link-ab failOver"]).toBe(1);
  }, 5 * 60 * 1000);

  test("preview --diff and a saved plan of the recovery show the steps and change nothing", async () => {
    const rec = record("preview --diff and a saved plan of the recovery show the steps and change nothing", "preview lists steps 3-11; no changing request");
    await ledger.write(REPLICA, "finance", "outage", 60);
    await drill.stack.setConfig("state", { value: "replicating" });
    const before = (await drill.sim.sc.changingRequests(PRIMARY)) + (await drill.sim.sc.changingRequests(REPLICA));
    const planFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hcp-plan-")), "plan.json");
    (drill.stack.workspace as auto.LocalWorkspace).envVars.PULUMI_EXPERIMENTAL = "true";
    const preview = await drill.run((s) => drill.stack.preview({ ...s, diff: true, plan: planFile }));
    delete (drill.stack.workspace as auto.LocalWorkspace).envVars.PULUMI_EXPERIMENTAL;
    const plan = fs.existsSync(planFile) ? fs.readFileSync(planFile, "utf8") : "";
    fs.rmSync(path.dirname(planFile), { recursive: true, force: true });
    capture.add("plans", preview.stdout);
    capture.add("plans", plan);
    const after = (await drill.sim.sc.changingRequests(PRIMARY)) + (await drill.sim.sc.changingRequests(REPLICA));
    rec.see(`preview --diff: ${preview.stdout.length} bytes; saved plan: ${plan.length} bytes; changing requests: ${after - before}`);
    expect(preview.stdout).toMatch(/6\. On hcp-b \(replica\), begin data recovery/); // the 9.x table
    expect(plan.length).toBeGreaterThan(0);
    expect(after).toBe(before);
  }, 5 * 60 * 1000);

  test("an up refused with the primary down prints the reason (and no secret)", async () => {
    const rec = record("an up refused with the primary down prints the reason (and no secret)", "up fails naming the unreachable primary; nothing changes");
    await drill.sim.sc.takeDown(PRIMARY);
    const failed = await drill.run((s) => drill.stack.up(s)).then(
      () => "succeeded",
      (err: Error) => err.message,
    );
    await drill.sim.sc.bringUp(PRIMARY);
    const line = failed.split("\n").find((l) => /cannot be reached/.test(l)) ?? failed.split("\n")[0];
    rec.see(`up: ${line.trim().slice(0, 300)}`);
    expect(failed).toMatch(/hcp-a \(primary\) cannot be reached/);
    expect(await acceptedActions(drill.sim, REPLICA)).not.toHaveProperty(["link-ab beginRecovery"]);
  }, 5 * 60 * 1000);

  test("a hostile primary (redirects, an endless body, bytes that are not UTF-8): preview ends in clear errors, nothing follows the redirect, no secret in the output", async () => {
    const rec = record(
      "a hostile primary (redirects, an endless body, bytes that are not UTF-8): preview ends in clear errors, nothing follows the redirect, no secret in the output",
      "no request reaches the redirect target; the CLI output names the malformed answers; no crash; the output joins the secrets scan below",
    );
    const ca = makeCa("Hostile CA");
    const leaf = makeServerCert(ca);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-hostile-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
    const elsewhere: string[] = [];
    const target = https.createServer({ key: leaf.keyPem, cert: leaf.certPem }, (req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ? "with credentials" : ""}`);
      res.end("{}");
    });
    const hostile = https.createServer({ key: leaf.keyPem, cert: leaf.certPem }, (req, res) => {
      const url = req.url ?? "";
      if (/\/certificates/.test(url)) {
        res.writeHead(200, { "Content-Type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, "a");
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once("drain", pump);
        };
        pump();
      } else if (/\/links\//.test(url)) {
        res.writeHead(302, { Location: `https://127.0.0.1:${(target.address() as AddressInfo).port}${url}` });
        res.end();
      } else {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
      }
    });
    await Promise.all([target, hostile].map((srv) => new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve))));
    const oldEndpoint = (await drill.stack.getConfig("primaryEndpoint")).value;
    const oldCaFile = (await drill.stack.getConfig("primaryCaFile")).value;
    try {
      await drill.stack.setConfig("primaryEndpoint", { value: `https://127.0.0.1:${(hostile.address() as AddressInfo).port}` });
      await drill.stack.setConfig("primaryCaFile", { value: path.join(dir, "ca.pem") });
      const text = await drill.run((st) => drill.stack.preview(st)).then(
        (r) => `${r.stdout}\n${r.stderr}`,
        (err: Error) => err.message,
      );
      const named = text.split("\n").filter((l) => /HTTP 302|Malformed response|longer than|not valid UTF-8/.test(l));
      rec.see(`preview lines naming the hostile answers: ${named.map((l) => l.trim().slice(0, 160)).join(" | ").slice(0, 700)}`);
      rec.see(`requests at the redirect target: ${elsewhere.length}`);
      expect(elsewhere).toEqual([]);
      expect(named.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/TypeError|RangeError|Cannot read propert/);
    } finally {
      await drill.stack.setConfig("primaryEndpoint", { value: oldEndpoint });
      await drill.stack.setConfig("primaryCaFile", { value: oldCaFile });
      for (const srv of [target, hostile]) {
        srv.closeAllConnections();
        srv.close();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 5 * 60 * 1000);

  test("killed while step 10 waits (completing recovery): the next up converges; nothing repeated; every object on the primary", async () => {
    const rec = record(
      "killed while step 10 waits (completing recovery): the next up converges; nothing repeated; every object on the primary",
      "phase replicating, primary read-write, replica read-only; beginRecovery and completeRecovery once; all objects on hcp-a",
    );
    const up = drill.run((s) => drill.stack.up(s));
    await waitUntil("recovery to be completing", async () => ((await drill.sim.link(REPLICA))?.statusMessage === "Completing recovery" ? true : undefined), 120_000, 50);
    const killed = killDynamicProviders(drill.local.backendDir);
    const first = await up.then(
      () => "succeeded",
      (err: Error) => err.message,
    );
    rec.see(`killed ${killed} dynamic-provider process(es) while "${(await drill.sim.link(REPLICA))?.statusMessage}"; that up: ${first === "succeeded" ? first : "failed"}`);
    expect(killed).toBeGreaterThan(0);
    expect(first).not.toBe("succeeded");

    const second = await drill.run((s) => drill.stack.up(s));
    const out = outputs(second);
    const accepted = await acceptedActions(drill.sim, REPLICA);
    const objects = await ledger.presentOn(PRIMARY);
    rec.see(`next up: phase ${out.phase}, ${out.primaryAccess}/${out.replicaAccess}; accepted: ${Object.entries(accepted).map(([k, n]) => `${k.split(" ")[1]} ${n}`).join(", ")}; objects on ${PRIMARY}: ${objects.present}/${objects.expected}`);
    expect(out).toMatchObject({ phase: "replicating", activeSystem: "primary", primaryAccess: "read-write", replicaAccess: "read-only" });
    expect(await drill.sim.access(PRIMARY, "finance")).toBe("read-write");
    expect(await drill.sim.access(REPLICA, "finance")).toBe("read-only");
    expect(accepted).toEqual({ "link-ab failOver": 1, "link-ab beginRecovery": 1, "link-ab completeRecovery": 1 });
    expect(objects.missing).toEqual([]);
    expect(objects.expected).toBe(65);
  }, 5 * 60 * 1000);

  test("refresh, and pulumi stack export (the password is stored only encrypted)", async () => {
    const rec = record("refresh, and pulumi stack export (the password is stored only encrypted)", "refresh succeeds; the export holds the password only as a secret (shown in clear only with --show-secrets)");
    const refresh = await drill.run((s) => drill.stack.refresh(s));
    const cli = await ensurePulumi();
    const exportWith = async (extra: string[]) =>
      (
        await promisify(execFile)(path.join(cli.bin, "pulumi"), ["stack", "export", "--stack", drill.stack.name, ...extra], {
          cwd: drill.stack.workspace.workDir,
          env: { ...process.env, ...drill.local.env },
          maxBuffer: 64 * 1024 * 1024,
        })
      ).stdout;
    const exported = await exportWith([]);
    capture.add("exports", exported);
    // Control: decrypting on request shows it, so the scan would see a password stored in the state.
    const shown = (await exportWith(["--show-secrets"])).includes(PASSWORD);
    rec.see(`refresh: ${refresh.summary.result}; export: ${exported.length} bytes, ${(exported.match(/"ciphertext"/g) ?? []).length} encrypted values; with --show-secrets the password appears: ${shown}`);
    expect(refresh.summary.result).toBe("succeeded");
    expect(exported).toContain("ReplicationFailover");
    expect(exported).toMatch(/"ciphertext"/);
    expect(shown).toBe(true);
  }, 5 * 60 * 1000);
});

describe("Secrets: never in state, output, errors, plans or exports", () => {
  scanForSecrets(capture, SECRETS, ["state", "output", "errors", "plans", "exports"], record);
});
