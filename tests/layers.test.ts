/**
 * The layers of provider/ import strictly downward, with no cycle: mapi/ < model/ < readings/ <
 * workflows/ < planner/ and site/ < engine/ < resources/ < report/ and the package root. The pure layers
 * (model to planner, and site) do no IO, and nothing loads a module inline except the one lazy boundary
 * (resources/lazyProvider.ts, behind the shims Pulumi serializes).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../provider");

/** Each folder's floor; a file may import its own folder or a lower floor, never a folder beside it. */
const FLOORS: Readonly<Record<string, number>> = {
  mapi: 0,
  model: 1,
  readings: 2,
  workflows: 3,
  planner: 4,
  site: 4,
  engine: 5,
  resources: 6,
  plugin: 7,
  report: 7,
  ".": 8,
};

const PURE = new Set(["model", "readings", "workflows", "planner", "site"]);

/** The one place that loads modules inline: the shims' lazy provider. */
const LAZY_BOUNDARY = "resources/lazyProvider.ts";

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

const FILES = sources(ROOT).map((f) => path.relative(ROOT, f).split(path.sep).join("/"));

function folderOf(file: string): string {
  return file.includes("/") ? file.split("/")[0] : ".";
}

/** A relative specifier resolved to a file of provider/, or undefined for a package or node: module. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (FILES.includes(candidate)) return candidate;
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

function importsOf(file: string): { imports: Import[]; packages: string[]; inline: string[] } {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  const imports: Import[] = [];
  const packages: string[] = [];
  const take = (specifier: string, typeOnly: boolean) => {
    const to = resolve(file, specifier);
    if (to) imports.push({ from: file, to, typeOnly });
    else packages.push(specifier);
  };
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm)) take(m[2], !!m[1]);
  for (const m of source.matchAll(/^\s*import\s+\w+\s*=\s*require\("([^"]+)"\)/gm)) take(m[1], false);
  // `import x = require("…")` is a top-level import; the host's own `main.require` loads from the host.
  const body = source.replace(/^\s*import\s+\w+\s*=\s*require\("[^"]+"\);?$/gm, "");
  const inline = [...body.matchAll(/typeof import\(|(?<![.\w])require\(|(?<!\w)import\(/g)].map((m) => m[0]);
  return { imports, packages, inline };
}

const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

describe("provider layers", () => {
  it("knows the floor of every folder", () => {
    expect(FILES.map(folderOf).filter((f) => FLOORS[f] === undefined)).toEqual([]);
    expect(FILES.length).toBeGreaterThan(60);
  });

  it("imports only its own folder or a lower floor", () => {
    const upward: string[] = [];
    for (const { imports } of GRAPH.values()) {
      for (const i of imports) {
        const [a, b] = [folderOf(i.from), folderOf(i.to)];
        if (a !== b && FLOORS[b] >= FLOORS[a]) upward.push(`${i.from} -> ${i.to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("has no import cycle, types included", () => {
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const i of GRAPH.get(file)!.imports) visit(i.to, [...trail, file]);
      state.set(file, "done");
    };
    for (const f of FILES) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("loads no module inline except at the lazy boundary", () => {
    const inline = [...GRAPH.entries()].filter(([f, g]) => f !== LAZY_BOUNDARY && g.inline.length > 0).map(([f, g]) => `${f}: ${g.inline.join(", ")}`);
    expect(inline).toEqual([]);
  });

  it("keeps the pure layers pure: no package, no node: module, only MAPI types and assumptions from below", () => {
    const impure: string[] = [];
    for (const [file, g] of GRAPH) {
      if (!PURE.has(folderOf(file))) continue;
      for (const p of g.packages) impure.push(`${file} imports ${p}`);
      for (const i of g.imports) {
        if (folderOf(i.to) !== "mapi") continue;
        const allowed = i.to === "mapi/assumptions.ts" || (i.to === "mapi/types.ts" && i.typeOnly);
        if (!allowed) impure.push(`${file} imports ${i.to}${i.typeOnly ? " (types)" : ""}`);
      }
    }
    expect(impure).toEqual([]);
  });

  it("mapi/assumptions.ts holds data only: its imports are types", () => {
    const g = GRAPH.get("mapi/assumptions.ts")!;
    expect(g.imports.filter((i) => !i.typeOnly)).toEqual([]);
    expect(g.packages).toEqual([]);
  });
});
