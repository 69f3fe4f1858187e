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
  // From the cold CI run of 2026-12-07 (docs/E2E.md): languages compiles and installs its programs from empty caches.
  "languages.e2e.ts": 14.4, "adopt.e2e.ts": 8.5, "faults.e2e.ts": 6, "fleet-resume.e2e.ts": 5.3, "fleet.e2e.ts": 4.4, "dev.e2e.ts": 4.2,
  "modes.e2e.ts": 4.1, "istiod.e2e.ts": 3.6, "analysis.e2e.ts": 3.6, "prod.e2e.ts": 2.2, "gateway-api.e2e.ts": 2.1, "fleet-analysis.e2e.ts": 2,
  "namespaces.e2e.ts": 1.9, "upgrades.e2e.ts": 1.9, "policy.e2e.ts": 1.7, "bad-input.e2e.ts": 1.6, "bench.e2e.ts": 1.5, "restart.e2e.ts": 1.1,
  "tags.e2e.ts": 1, "disruption.e2e.ts": 1, "istio-webhook.e2e.ts": 0.4, "istio-validate.e2e.ts": 0.3,
};

/**
 * Suites that need a part of the toolchain the e2e run builds in the background (main.ts): each goes last in its
 * lane, so the build has the other suites' time to finish.
 */
const LAST: readonly string[] = ["analysis.e2e.ts", "fleet-analysis.e2e.ts"];

/** Longest first into the lane with the least work so far (LPT scheduling); LAST's suites at the end of theirs. */
export function intoLanes(files: string[], lanes: number): string[][] {
  const out = Array.from({ length: Math.max(1, Math.min(lanes, files.length)) }, () => ({ files: [] as string[], minutes: 0 }));
  const minutes = (f: string) => SUITE_MINUTES[path.basename(f)] ?? 3;
  for (const f of [...files].sort((a, b) => minutes(b) - minutes(a) || a.localeCompare(b))) {
    const lane = out.reduce((best, l) => (l.minutes < best.minutes ? l : best));
    lane.files.push(f);
    lane.minutes += minutes(f);
  }
  const last = (f: string) => LAST.includes(path.basename(f));
  return out.map((l) => [...l.files.filter((f) => !last(f)), ...l.files.filter(last)]);
}

