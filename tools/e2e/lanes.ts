/**
 * How `npm run e2e` shares the suites among its lanes (main.ts): longest first, each into the lane with the least
 * work so far. Pure, so npm test checks it.
 */
import * as path from "path";

/**
 * Each suite's minutes in a two-lane run (2026-12-06, docs/E2E.md), to balance the lanes; a suite not listed counts 3.
 * Only the order they give matters, so rough figures do.
 */
const SUITE_MINUTES: Record<string, number> = {
  "languages.e2e.ts": 9, "faults.e2e.ts": 7, "adopt.e2e.ts": 7, "istiod.e2e.ts": 5.5, "fleet.e2e.ts": 5, "prod.e2e.ts": 4.5,
  "dev.e2e.ts": 4, "namespaces.e2e.ts": 3.3, "gateway-api.e2e.ts": 2.3, "policy.e2e.ts": 2.3, "bad-input.e2e.ts": 2.2,
  "modes.e2e.ts": 4, "restart.e2e.ts": 2, "bench.e2e.ts": 1.7, "istio-validate.e2e.ts": 0.4, "istio-webhook.e2e.ts": 0.6, "disruption.e2e.ts": 1, "upgrades.e2e.ts": 2,
  "fleet-resume.e2e.ts": 6, "tags.e2e.ts": 1.6, "analysis.e2e.ts": 4,
};

/**
 * Suites that need a part of the toolchain the e2e run builds in the background (main.ts): each goes last in its
 * lane, so the build has the other suites' time to finish.
 */
const LAST: readonly string[] = ["analysis.e2e.ts"];

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

