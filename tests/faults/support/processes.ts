/** The processes of a test, read from /proc (Linux): a process and its descendants, and whether they live. */
import * as fs from "fs";
import * as path from "path";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function read(pid: string): ProcessInfo | undefined {
  try {
    const stat = fs.readFileSync(path.join("/proc", pid, "stat"), "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const cmdline = fs.readFileSync(path.join("/proc", pid, "cmdline"), "utf8").split("\0").join(" ").trim();
    return { pid: Number(pid), ppid, cmdline };
  } catch {
    return undefined; // ended meanwhile
  }
}

/** Every process now running (zombies included: they show until reaped). */
export function processes(): ProcessInfo[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map(read)
    .filter((p): p is ProcessInfo => p !== undefined);
}

/** The descendants of `root` (not `root` itself). */
export function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const out: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

/** Those of `pids` still running (a zombie is not running). */
export function stillRunning(pids: readonly number[]): ProcessInfo[] {
  return pids
    .map((pid) => {
      try {
        const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return state.slice(state.lastIndexOf(")") + 2).startsWith("Z") ? undefined : read(String(pid));
      } catch {
        return undefined;
      }
    })
    .filter((p): p is ProcessInfo => p !== undefined);
}
