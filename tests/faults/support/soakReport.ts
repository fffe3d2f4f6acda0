/** docs/soak.md: the figures of the last `npm run test:soak`, one section per soak test (docs/reliability.md includes it). */
import * as fs from "fs";
import * as path from "path";

export const SOAK_REPORT = path.join(__dirname, "../../../docs/soak.md");
const TITLE = "# Soak and load (last `npm run test:soak`)";

/** Replaces the section that starts with `heading` (a `## ` line), or adds it. */
export function writeSoakSection(heading: string, body: string): void {
  const old = fs.existsSync(SOAK_REPORT) ? fs.readFileSync(SOAK_REPORT, "utf8") : `${TITLE}\n`;
  const sections = old.split(/\n(?=## )/);
  const text = `${heading}\n\n${body.trim()}\n`;
  const at = sections.findIndex((s) => s.startsWith(heading));
  if (at >= 0) sections[at] = text;
  else sections.push(text);
  fs.writeFileSync(SOAK_REPORT, `${sections.map((s) => s.trimEnd()).join("\n\n")}\n`);
}
