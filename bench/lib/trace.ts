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

export function providerTime(traceFile: string): ProviderTime {
  const out: ProviderTime = { checkMs: 0, diffMs: 0, changeMs: 0 };
  for (const line of fs.readFileSync(traceFile, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const doc = JSON.parse(line) as OtlpLine;
    for (const rs of doc.resourceSpans ?? []) {
      const service = rs.resource?.attributes?.find((a) => a.key === "service.name")?.value?.stringValue;
      if (service !== "pulumi-cli") continue; // the engine's side of each call
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          const ms = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
          if (span.name === "pulumirpc.ResourceProvider/Check") out.checkMs += ms;
          else if (span.name === "pulumirpc.ResourceProvider/Diff") out.diffMs += ms;
          else if (/^pulumirpc\.ResourceProvider\/(Create|Update|Delete)$/.test(span.name)) out.changeMs += ms;
        }
      }
    }
  }
  return out;
}
