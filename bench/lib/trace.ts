/**
 * Reads the OpenTelemetry trace the CLI writes with `--otel-traces file://<path>` (JSON lines, OTLP) and
 * sums the time the engine spent in the calls it made to resource providers. Unlike the wall time of a
 * whole command, which includes starting the CLI, the language host and the program (seconds, and noisy
 * on a busy machine), these spans time the provider's own work.
 */
import * as fs from "fs";

export interface ProviderTime {
  /** Sum of `ResourceProvider/Check` spans, ms. */
  checkMs: number;
  diffMs: number;
  /** Create, Update and Delete. */
  changeMs: number;
}

interface OtlpSpan {
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

interface OtlpLine {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

/** The engine's spans (service pulumi-cli): its side of each call, with start and end in ms since the epoch. */
function engineSpans(traceFile: string): Array<{ name: string; startMs: number; endMs: number }> {
  const out: Array<{ name: string; startMs: number; endMs: number }> = [];
  for (const line of fs.readFileSync(traceFile, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const doc = JSON.parse(line) as OtlpLine;
    for (const rs of doc.resourceSpans ?? []) {
      const service = rs.resource?.attributes?.find((a) => a.key === "service.name")?.value?.stringValue;
      if (service !== "pulumi-cli") continue;
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          out.push({ name: span.name, startMs: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000, endMs: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000 });
        }
      }
    }
  }
  return out;
}

const CHANGE = /^pulumirpc\.ResourceProvider\/(Create|Update|Delete)$/;

export function providerTime(traceFile: string): ProviderTime {
  const out: ProviderTime = { checkMs: 0, diffMs: 0, changeMs: 0 };
  for (const span of engineSpans(traceFile)) {
    const ms = span.endMs - span.startMs;
    if (span.name === "pulumirpc.ResourceProvider/Check") out.checkMs += ms;
    else if (span.name === "pulumirpc.ResourceProvider/Diff") out.diffMs += ms;
    else if (CHANGE.test(span.name)) out.changeMs += ms;
  }
  return out;
}

/** Where one command's time went, in ms from the start of the CLI's trace. */
export interface CommandPhases {
  /** The first Check: the CLI, the program and the provider host have started. */
  firstCheckMs: number;
  /** The last Check returned: the engine calls Check one resource at a time. */
  lastCheckMs: number;
  checks: number;
  /** The last Create/Update/Delete returned. */
  lastChangeMs: number;
  /** The trace's end: state written, plugins closed. */
  endMs: number;
}

export function commandPhases(traceFile: string): CommandPhases {
  const spans = engineSpans(traceFile);
  const start = Math.min(...spans.map((s) => s.startMs));
  const checks = spans.filter((s) => s.name === "pulumirpc.ResourceProvider/Check");
  const changes = spans.filter((s) => CHANGE.test(s.name));
  return {
    firstCheckMs: Math.min(...checks.map((s) => s.startMs)) - start,
    lastCheckMs: Math.max(...checks.map((s) => s.endMs)) - start,
    checks: checks.length,
    lastChangeMs: Math.max(...changes.map((s) => s.endMs), ...checks.map((s) => s.endMs)) - start,
    endMs: Math.max(...spans.map((s) => s.endMs)) - start,
  };
}
