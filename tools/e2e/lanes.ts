/**
 * How `npm run e2e` shares the suites among its lanes (main.ts): longest first, each into the lane with the least
 * work so far. Pure, so npm test checks it.
 */
import * as path from "path";

/**
 * Each suite's minutes in a two-lane run, to balance the lanes; a suite not listed counts 3.
 * Only the order they give matters, so rough figures do.
 */
const SUITE_MINUTES: Record<string, number> = {
  // From the cold CI run of 2026-12-07 (docs/E2E.md), but languages: 12.5 there, 7 of them compiling its Go program,
  // which the run now compiles ahead in the background (main.ts); traffic: its first runs, warm, one lane.
  "adopt.e2e.ts": 6.8, "languages.e2e.ts": 6.5, "faults.e2e.ts": 5.5, "fleet-resume.e2e.ts": 5.5, "fleet.e2e.ts": 4.6, "traffic.e2e.ts": 9.8,
  "istiod.e2e.ts": 2.5, "dev.e2e.ts": 2.8, "modes.e2e.ts": 4.3, "analysis.e2e.ts": 3.3, "prod.e2e.ts": 1.9, "gateway-api.e2e.ts": 1.6,
  "fleet-analysis.e2e.ts": 1.3, "bad-input.e2e.ts": 1.6, "policy.e2e.ts": 1.3, "bench.e2e.ts": 1.1, "tags.e2e.ts": 1.1,
  "namespaces.e2e.ts": 1.6, "upgrades.e2e.ts": 2, "restart.e2e.ts": 0.9, "disruption.e2e.ts": 0.8, "istio-webhook.e2e.ts": 0.4, "istio-validate.e2e.ts": 0.2,
};

/** What a suite needs beyond the toolchain's default parts, by the suite's file name (main.ts provides it). */
export const NEEDS = {
  /** Prometheus, built in the background when it is not cached. */
  prometheus: ["analysis.e2e.ts", "fleet-analysis.e2e.ts"],
  /** The Go program's packages, compiled in the background (tools/cluster/go/go-program). */
  goProgram: ["languages.e2e.ts"],
  /** Envoy, a download of seconds, fetched before the lanes start. */
  envoy: ["traffic.e2e.ts"],
} as const;

/** Whether the suite file is one of `suites`. */
export function among(suites: readonly string[], file: string): boolean {
  return suites.includes(path.basename(file));
}

/** Suites that wait on a background build: each goes last in its lane, so the build has the other suites' time. */
const LAST: readonly string[] = [...NEEDS.goProgram, ...NEEDS.prometheus];

/** Longest first into the lane with the least work so far (LPT scheduling); LAST's suites at the end of theirs. */
export function intoLanes(files: string[], lanes: number): string[][] {
  const out = Array.from({ length: Math.max(1, Math.min(lanes, files.length)) }, () => ({ files: [] as string[], minutes: 0 }));
  const minutes = (f: string) => SUITE_MINUTES[path.basename(f)] ?? 3;
  for (const f of [...files].sort((a, b) => minutes(b) - minutes(a) || a.localeCompare(b))) {
    const lane = out.reduce((best, l) => (l.minutes < best.minutes ? l : best));
    lane.files.push(f);
    lane.minutes += minutes(f);
  }
  const last = (f: string) => among(LAST, f);
  return out.map((l) => [...l.files.filter((f) => !last(f)), ...l.files.filter(last)]);
}

