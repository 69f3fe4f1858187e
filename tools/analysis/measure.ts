/**
 * One measurement: every query of the analysis at one instant, so both revisions are read over the same window,
 * then the verdict (verdict.ts).
 */
import { instantQuery } from "./prometheus";
import { AnalyzedGateway } from "./queries";
import { judge, probesOf, Row, Sample, Verdict } from "./verdict";

export interface Measurement {
  gateway: string;
  /** The canary's weight when measured. */
  weight: number;
  /** When the window ended, seconds since the epoch. */
  at: number;
  rows: Row[];
  verdict: Verdict;
}

export type Query = (base: string, query: string, time: number) => Promise<Sample>;

export async function measure(gw: AnalyzedGateway, at = Date.now() / 1000, query: Query = instantQuery): Promise<Measurement> {
  const probes = probesOf(gw);
  const samples = new Map<string, Sample>();
  await Promise.all(probes.map(async (p) => samples.set(p.id, await query(gw.canary.analysis.prometheus, p.query, at))));
  const { rows, verdict } = judge(gw, samples);
  return { gateway: gw.name, weight: gw.canary.weight, at, rows, verdict };
}
