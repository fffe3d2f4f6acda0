/**
 * Peak memory of a process tree, sampled from /proc: every `intervalMs` the sampler walks the
 * descendants of a root pid and reads VmRSS (resident now) and VmHWM (the kernel's resident peak of
 * that process) from /proc/<pid>/status. The peak of the tree is the largest sum of VmRSS seen in one
 * sample (a lower bound of the true peak: a spike between two samples is missed); per process, the last
 * VmHWM read is its exact peak up to that read.
 */
import * as fs from "fs";

export type Role = "cli" | "languageHost" | "program" | "dynamicProvider" | "other";

export interface ProcessPeak {
  pid: number;
  role: Role;
  /** Largest VmHWM read, in kB. */
  hwmKb: number;
  /** CPU time (user + system) at the last read, ms. */
  cpuMs: number;
}

export interface MemoryReport {
  /** Largest sum of VmRSS over the tree in one sample, kB. */
  peakTotalRssKb: number;
  /** Per role, the largest VmHWM of a process in that role, kB. */
  peakByRoleKb: Partial<Record<Role, number>>;
  /** Per role, CPU time (user + system) of its processes, ms (as of each process's last sample). */
  cpuByRoleMs: Partial<Record<Role, number>>;
  processes: ProcessPeak[];
  samples: number;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** pid -> parent pid for every process visible now. */
function parentMap(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readText(`/proc/${entry}/stat`);
    if (!stat) continue;
    // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    map.set(Number(entry), Number(rest[1]));
  }
  return map;
}

function descendants(root: number): number[] {
  const parents = parentMap();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (!parents.has(pid)) continue;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function roleOf(pid: number): Role {
  const cmdline = (readText(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean);
  const exe = (cmdline[0] ?? "").split("/").pop() ?? "";
  const all = cmdline.join(" ");
  if (exe === "pulumi") return "cli";
  if (exe === "pulumi-language-nodejs") return "languageHost";
  if (/dynamic-provider/.test(all)) return "dynamicProvider";
  if (/pulumi-resource-pulumi-nodejs/.test(all)) return "dynamicProvider";
  if (/@pulumi[/\\]pulumi[/\\]cmd[/\\]run|cmd\/run\/index\.js|cmd\/run-policy-pack/.test(all) || exe === "node") return "program";
  return "other";
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process, ms. */
function cpuMsOf(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state(0) ppid(1) … utime(11) stime(12).
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
}

function statusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) : 0;
}

/** Samples the tree under `root` until stopped. */
export class TreeMemorySampler {
  private readonly peaks = new Map<number, ProcessPeak>();
  private peakTotal = 0;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly root: number,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  private sample(): void {
    let total = 0;
    for (const pid of descendants(this.root)) {
      const status = readText(`/proc/${pid}/status`);
      if (!status) continue;
      total += statusKb(status, "VmRSS");
      const hwm = statusKb(status, "VmHWM");
      const cpu = cpuMsOf(pid);
      const known = this.peaks.get(pid);
      if (known) {
        known.hwmKb = Math.max(known.hwmKb, hwm);
        if (cpu !== undefined) known.cpuMs = Math.max(known.cpuMs, cpu);
      } else this.peaks.set(pid, { pid, role: roleOf(pid), hwmKb: hwm, cpuMs: cpu ?? 0 });
    }
    this.peakTotal = Math.max(this.peakTotal, total);
    this.samples++;
  }

  stop(): MemoryReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const peakByRoleKb: Partial<Record<Role, number>> = {};
    const cpuByRoleMs: Partial<Record<Role, number>> = {};
    for (const p of this.peaks.values()) {
      peakByRoleKb[p.role] = Math.max(peakByRoleKb[p.role] ?? 0, p.hwmKb);
      cpuByRoleMs[p.role] = (cpuByRoleMs[p.role] ?? 0) + p.cpuMs;
    }
    return { peakTotalRssKb: this.peakTotal, peakByRoleKb, cpuByRoleMs, processes: [...this.peaks.values()], samples: this.samples };
  }
}
