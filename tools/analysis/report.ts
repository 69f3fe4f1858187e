/** A measurement as a person reads it: a table of checks, each with its query beneath, and the verdict. */
import { Measurement } from "./measure";
import { fmt, Row, Verdict } from "./verdict";

/** `rollout analyze`'s exit code by verdict: 0 pass; 2 fail (as the fleet's halt); 3 inconclusive; 4 error. */
export const EXIT_CODE: Record<Verdict, number> = { pass: 0, fail: 2, inconclusive: 3, error: 4 };

function valueText(r: Row): string {
  if (r.value === undefined) return "–";
  return r.unit === "" ? fmt(r.value) : `${fmt(r.value)} ${r.unit}`;
}

export function measurementText(m: Measurement, stack: string, window: string): string {
  const header = ["check", "revision", "value", "threshold", "verdict"];
  const rows = m.rows.map((r) => [r.check, `${r.track.revision} (${r.track.role})`, valueText(r), r.threshold,
    r.decides ? r.verdict : `${r.verdict} (baseline)`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const out = [`analysis of gateway "${m.gateway}" (stack ${stack}), canary at ${m.weight}%, window ${window} ending ${new Date(m.at * 1000).toISOString()}:`,
    `  ${line(header)}`];
  m.rows.forEach((r, i) => {
    out.push(`  ${line(rows[i])}`);
    if (r.reason) out.push(`      ${r.reason}`);
    out.push(`      ${r.query}`);
  });
  out.push(`verdict: ${m.verdict}${verdictNote(m)}`);
  return `${out.join("\n")}\n`;
}

function verdictNote(m: Measurement): string {
  const deciding = m.rows.filter((r) => r.decides && r.verdict === m.verdict);
  if (m.verdict === Verdict.Pass) return ` (${deciding.length} checks of the canary passed)`;
  return ` (${deciding.map((r) => r.check).join(", ")})`;
}
