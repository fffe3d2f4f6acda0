/**
 * Per-case details for docs/reliability.md. Tests record what each case expected and what it observed;
 * the reporter (tests/faults/reliabilityReporter.js) joins them with jest's own pass/fail result, so the
 * table shows real outcomes: a case that failed or never ran cannot appear as passed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Where details are collected during a run: set by the reporter (a fresh directory per run). Without it
 * (the suite run by plain `npm test`) details are kept in memory only.
 */
export const RESULTS_DIR = process.env.HCP_FAULTS_RESULTS_DIR;

export interface CaseDetails {
  /** What the case promises, in a few words. */
  expected: string;
  /** What the run saw (counts, phases, messages); filled in as the case goes, kept even when it fails. */
  observed: string[];
}

/**
 * One case's record, written to disk on every change so that a failing case still contributes what it
 * saw before the failure. `title` must be the jest test title (unique within the file).
 */
export class CaseRecord {
  readonly details: CaseDetails;
  private readonly file: string;

  constructor(testFile: string, readonly title: string, expected: string) {
    this.details = { expected, observed: [] };
    const key = `${path.basename(testFile)}::${title}`;
    this.file = path.join(RESULTS_DIR ?? os.tmpdir(), `${Buffer.from(key).toString("base64url")}.json`);
    this.flush(path.basename(testFile));
  }

  /** Adds one observed fact (shown in the table). */
  see(fact: string): void {
    this.details.observed.push(fact);
    this.flush();
  }

  private testFileName: string | undefined;

  private flush(testFileName?: string): void {
    if (testFileName) this.testFileName = testFileName;
    if (!RESULTS_DIR) return;
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify({ testFile: this.testFileName, title: this.title, ...this.details }));
  }
}

/** A recorder bound to one test file. */
export function recorder(testFile: string): (title: string, expected: string) => CaseRecord {
  return (title, expected) => new CaseRecord(testFile, title, expected);
}
