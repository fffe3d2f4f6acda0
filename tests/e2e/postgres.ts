/**
 * A PostgreSQL server of the test's own (Debian's postgresql package): a fresh data directory in a
 * temporary folder, listening on loopback on a free port, its socket in that folder, a password login for
 * the state database. It stands in for the team's shared database host. PostgreSQL refuses to run as root,
 * so as root the server runs as the `postgres` account the package creates.
 */
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

const exec = promisify(execFile);

export interface PostgresServer {
  /** `postgres://<user>:<password>@127.0.0.1:<port>/<database>?sslmode=disable`, for `pulumi login`. */
  url: string;
  /** Runs one SQL statement in the state database; rows as `|`-separated lines. */
  query(sql: string): Promise<string[]>;
  stop(): Promise<void>;
}

const installHint = "install Debian's postgresql (apt-get install -y postgresql; .ci/run does this on a fresh machine)";

/** The newest server build in /usr/lib/postgresql/<major>/bin, else the one on PATH. */
function serverBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin/initdb"))) : [];
  if (majors.length > 0) return path.join(root, majors.sort((a, b) => Number(b) - Number(a))[0], "bin");
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"))) return dir;
  throw new Error(`No PostgreSQL server: no initdb in ${root}/*/bin or on PATH; ${installHint}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(database = "pulumistate"): Promise<PostgresServer> {
  const bin = serverBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcp-postgres-"));
  const user = "pulumi";
  const password = crypto.randomBytes(12).toString("hex");
  const port = await freePort();
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  fs.writeFileSync(path.join(dir, "password"), `${password}\n`);
  if (asRoot) {
    let ids: string;
    try {
      ids = (await exec("id", ["-u", "postgres"])).stdout.trim() + ":" + (await exec("id", ["-g", "postgres"])).stdout.trim();
    } catch {
      throw new Error(`No 'postgres' account to run the server as (PostgreSQL refuses root); ${installHint}`);
    }
    const [uid, gid] = ids.split(":").map(Number);
    for (const p of [dir, path.join(dir, "password")]) fs.chownSync(p, uid, gid);
  }
  const server = (cmd: string, args: string[]) =>
    asRoot ? exec("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { cwd: dir }) : exec(path.join(bin, cmd), args, { cwd: dir });
  const fail = (what: string, err: unknown): never => {
    const serverLog = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    const e = err as { stderr?: string; message: string };
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL ${what} failed (${bin}): ${e.stderr || e.message}\n${serverLog}`);
  };

  await server("initdb", ["-D", data, "-U", user, `--pwfile=${path.join(dir, "password")}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"]).catch((e) => fail("initdb", e));
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  await server("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"]).catch((e) => fail("start", e));
  const psql = (db: string, sql: string) =>
    exec("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], { env: { ...process.env, PGPASSWORD: password } });
  await psql("postgres", `CREATE DATABASE ${database}`).catch((e) => fail("CREATE DATABASE", e));

  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}?sslmode=disable`,
    query: async (sql) => (await psql(database, sql)).stdout.split("\n").filter((l) => l !== ""),
    stop: async () => {
      await server("pg_ctl", ["-D", data, "-m", "immediate", "stop"]).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
