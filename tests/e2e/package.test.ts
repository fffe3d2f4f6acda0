/**
 * The package as a user gets it: `npm pack` holds only the library, the simulator, its bin, types, the README
 * and the LICENSE; installed (offline, from the npm cache) into a fresh TypeScript Pulumi program outside the
 * repository, its simulator starts with `npx hcp-simulator`, and the real Pulumi CLI previews and runs a
 * failover with it, storing each resource's provider as a reference to the installed package.
 */
import { ChildProcess, execFile, spawn } from "child_process";
import { builtinModules } from "module";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { DEFAULT_PASSWORD, type RunningSimulator } from "../../simulator";
import { SimulatorClient } from "../../simulator/controlClient";
import { installPacked, packPackage, type PackedPackage } from "../../examples/demo/packedPackage";
import { ensurePulumi, projectRoot, testPassphrase, type PulumiInstall } from "../helpers/pulumiCli";

const exec = promisify(execFile);
const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };

let tarball: PackedPackage;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-package-"));
  tarball = await packPackage(work); // dist/ is built by `npm test`'s pretest
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("npm pack", () => {
  it("holds only the library, the simulator with its bin, README and example configurations, types, README and LICENSE", () => {
    const allowed = /^(dist\/provider\/|dist\/simulator\/|bin\/hcp-simulator\.js$|bin\/hcp-drill-report\.js$|bin\/hcp-readiness\.js$|simulator\/(config(\.site)?\.example\.json|README\.md)$|README\.md$|LICENSE$|package\.json$)/;
    expect(tarball.files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(tarball.files).toEqual(
      expect.arrayContaining(["LICENSE", "README.md", "bin/hcp-simulator.js", "bin/hcp-readiness.js", "dist/provider/index.js", "dist/provider/index.d.ts", "dist/simulator/index.js", "dist/simulator/index.d.ts", "simulator/config.site.example.json"]),
    );
    expect(fs.readFileSync(path.join(projectRoot, "LICENSE"), "utf8")).toMatch(/^Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS\n$/);
  });

  it("every require in the packed code resolves to a packed file, a dependency or a Node.js module", () => {
    const packed = new Set(tarball.files);
    const outside: string[] = [];
    for (const file of tarball.files.filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
      for (const [, spec] of text.matchAll(/(?:require\(|from |import\()"([^"]+)"/g)) {
        if (spec.startsWith(".")) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
          if (![target, `${target}.js`, `${target}.d.ts`, `${target}/index.js`].some((t) => packed.has(t))) outside.push(`${file} -> ${spec}`);
        } else {
          const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
          if (!(name in pkg.dependencies) && !builtinModules.includes(name.replace(/^node:/, ""))) outside.push(`${file} -> ${spec}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});

describe("installed into a fresh TypeScript Pulumi program", () => {
  let cli: PulumiInstall;
  let program: string;
  let simulator: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  const pulumi = (args: string[]) => exec(path.join(cli.bin, "pulumi"), args, { cwd: program, env, maxBuffer: 64 * 1024 * 1024 });

  beforeAll(async () => {
    cli = await ensurePulumi(); // fails (never skips) with the bootstrap's reason when no CLI can be had
    program = path.join(work, "program");
    fs.mkdirSync(program);
    for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(__dirname, "fixtures/installed", f), path.join(program, f));
    await installPacked(program, tarball.tarball, ["@pulumi/pulumi", "typescript", "@types/node"]);
    env = {
      ...process.env,
      PATH: `${cli.bin}:${process.env.PATH ?? ""}`,
      PULUMI_HOME: cli.pulumiHome,
      PULUMI_BACKEND_URL: `file://${path.join(work, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: testPassphrase,
      PULUMI_SKIP_UPDATE_CHECK: "1",
    };
    fs.mkdirSync(path.join(work, "backend"));
  }, 5 * 60 * 1000);
  afterAll(() => {
    if (simulator?.pid) process.kill(-simulator.pid, "SIGTERM");
  });

  it("previews the failover plan and fails over with the simulator from the package", async () => {
    // Nothing in the program resolves into the repository.
    expect(fs.realpathSync(require.resolve("pulumi-hcp-replication", { paths: [program] }))).toBe(path.join(fs.realpathSync(program), "node_modules/pulumi-hcp-replication/dist/provider/index.js"));

    simulator = spawn("npx", ["--no", "--", "hcp-simulator", "--time-speed", "600"], { cwd: program, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const sim = fromBanner(await simulatorBanner(simulator));
    const endpoint = (name: string) => new SimulatorClient(sim).system(name).endpoint;
    const caFile = sim.caFile;

    await pulumi(["stack", "init", "installed"]);
    const plain = { primaryEndpoint: endpoint("hcp-a"), replicaEndpoint: endpoint("hcp-b"), username: "admin", caFile, state: "failedOver" };
    await pulumi(["config", "set-all", ...Object.entries(plain).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]), "--secret", `password=${DEFAULT_PASSWORD}`]);

    const preview = await pulumi(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/\+ pulumi-nodejs:dynamic\S*ReplicationFailover/);
    expect(preview.stdout).toMatch(/1\. On hcp-b \(replica\), fail over link link-ab/);

    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/Resources:\s+\+ 3 created/);
    // Once the link exists, each preview prints one readiness line per link, read from the systems.
    const again = await pulumi(["preview"]);
    expect(again.stdout).toMatch(/ReplicationFailover link-ab: readiness: \d+ pass, \d+ warn, 0 fail/);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, string>;
    expect(outputs).toMatchObject({ activeSystem: "replica", replicaAccess: "read-write" });
    const state = await new SimulatorClient(sim).state("hcp-b");
    expect(state.tenants.map((t) => t.access)).toEqual(state.tenants.map(() => "read-write"));

    // Installed, each resource's provider is stored as a reference to the package's shim module, not as code.
    const exported = JSON.parse((await pulumi(["stack", "export"])).stdout) as { deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> } };
    const failover = exported.deployment.resources.find((r) => r.type.endsWith("hcp:ReplicationFailover"));
    for (const stored of [failover?.inputs?.__provider, failover?.outputs?.__provider]) {
      expect(stored).toContain('require("pulumi-hcp-replication/shims/failover")');
      expect(Buffer.byteLength(String(stored))).toBeLessThan(400);
    }

    // The readiness report of the stack, from the installed bin: read afresh, nothing written.
    const readiness = (args: string[] = []) => exec("npx", ["--no", "--", "hcp-readiness", "--stack", "installed", ...args], { cwd: program, env });
    const ready = await readiness();
    expect(ready.stdout).toContain("# Readiness: installed");
    expect(ready.stdout).toMatch(/^\| link-ab \| hcp-a -> hcp-b \| failedOver \| failedOver \| \d+ \| \d+ \| 0 \|$/m);
    expect(ready.stdout).toMatch(/^\| release pairing \| pass \| both systems run HCP 9\.x \|/m);
    await new SimulatorClient(sim).renewCertificate("hcp-b", -1); // hcp-b's replication certificate expired yesterday
    const expired = await readiness().then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (err: { code?: number; stdout?: string }) => err,
    );
    expect(expired.stdout).toContain("certificate expiry on hcp-b");
    expect(expired.code).toBe(2);
    expect(expired.stdout).toContain("**Not ready:**");
    expect(expired.stdout).toMatch(/^\| certificate expiry on hcp-b \| \*\*FAIL\*\* \| the replication server certificate of hcp-b, "[^"]+", expired on /m);
    expect(`${ready.stdout}${expired.stdout}`).not.toContain(DEFAULT_PASSWORD);

  }, 5 * 60 * 1000);
});

/** The running simulator as its banner describes it (systems, control URLs, CA file); the default account. */
function fromBanner(banner: string): RunningSimulator {
  const systems = [...banner.matchAll(/^ {2}(\S+): (https:\/\/\S+) .*\n {4}control: (\S+)$/gm)].map(([, name, endpoint, controlUrl]) => ({
    name,
    endpoint,
    controlUrl,
    caFile: /CA certificate: (\S+)/.exec(banner)?.[1] ?? "",
    username: "admin",
    password: DEFAULT_PASSWORD,
  }));
  if (systems.length < 2 || !systems[0].caFile) throw new Error(`unexpected simulator banner:\n${banner}`);
  return { systems, caFile: systems[0].caFile, controlEndpoint: /control endpoint: (\S+)/.exec(banner)?.[1], stop: async () => undefined };
}

/** The simulator's startup lines, up to "Press Ctrl-C"; fails with what it printed if it exits first. */
function simulatorBanner(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`npx hcp-simulator printed no banner in 60 s:\n${out}`)), 60_000);
    const take = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("Press Ctrl-C")) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    child.on("exit", (code) => reject(new Error(`npx hcp-simulator exited (${code}):\n${out}`)));
  });
}
