/**
 * The package as a user gets it: packed with `npm pack` and installed with npm (from its cache where it can)
 * into a program directory outside the repository. Used by the package test and by the bench's site
 * section, which measures what an installed package costs.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { projectRoot } from "./workspace";

const exec = promisify(execFile);

export interface PackedPackage {
  tarball: string;
  /** The paths inside it, as `npm pack --json` lists them. */
  files: string[];
}

/** `npm pack` of the built package (dist/ must be built: the pack skips the prepare script). */
export async function packPackage(destination: string): Promise<PackedPackage> {
  const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(destination, packed.filename), files: packed.files.map((f) => f.path) };
}

/** The version of a dependency installed in the repository, so that the program gets the same one. */
function repositoryVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/** Installs the tarball and `dependencies` (at the repository's versions) into `program`, with a package.json. */
export async function installPacked(program: string, tarball: string, dependencies: string[]): Promise<void> {
  fs.mkdirSync(program, { recursive: true });
  fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: path.basename(program), version: "1.0.0", private: true }, null, 2));
  const specs = [tarball, ...dependencies.map((d) => `${d}@${repositoryVersion(d)}`)];
  await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...specs], { cwd: program, maxBuffer: 64 * 1024 * 1024 });
}
