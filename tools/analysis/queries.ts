/**
 * The queries of a canary analysis, as PromQL text: which series are one revision's, and the three built-in
 * measures over them. Pure: no Prometheus here.
 *
 * A gateway proxy forwards requests it did not serve, so Istio's telemetry records them with the gateway as the
 * *source* (`reporter="source"`; Istio "Istio Standard Metrics": reporter is source for a client proxy). Its
 * `source_canonical_service` and `source_canonical_revision` come from the pod labels
 * `service.istio.io/canonical-name` and `…/canonical-revision` (components/core/model/labels.ts sets them to the
 * gateway and the revision's track), so each revision's requests are told apart by labels the component itself
 * sets, not by pod names. An adopted Deployment keeps the labels its installer gave it, so its requests are taken
 * by `source_workload` (the Deployment's name, which Istio derives from the pod's owner) instead.
 */
import { ADOPTED_TRACK, deploymentName, trackName, ValidAnalysis, ValidCanary, ValidGateway } from "../../components/core";

export const Role = { Stable: "stable", Canary: "canary" } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** One revision's pods as the metrics see them. */
export interface Track {
  role: Role;
  /** The canonical revision its pods report (the track name), or `adopted`. */
  revision: string;
  /** Its Deployment. */
  workload: string;
  /** The label matchers that take its requests, inside `{…}`. */
  selector: string;
}

export type AnalyzedGateway = ValidGateway & { canary: ValidCanary & { analysis: ValidAnalysis } };

export function hasAnalysis(gw: ValidGateway): gw is AnalyzedGateway {
  return gw.canary?.analysis !== undefined;
}

export function tracksOf(gw: AnalyzedGateway): { stable: Track; canary: Track } {
  const base = `reporter="source",source_workload_namespace="${gw.namespace}"`;
  const byRevision = (revision: string) => `${base},source_canonical_service="${gw.name}",source_canonical_revision="${revision}"`;
  const adopted = gw.adoption?.deployment;
  const stable: Track = adopted
    ? { role: Role.Stable, revision: ADOPTED_TRACK, workload: adopted.name, selector: `${base},source_workload="${adopted.name}"` }
    : { role: Role.Stable, revision: trackName(gw.revision), workload: deploymentName(gw.name, gw.revision), selector: byRevision(trackName(gw.revision)) };
  const c = gw.canary.revision;
  return { stable, canary: { role: Role.Canary, revision: c, workload: deploymentName(gw.name, c), selector: byRevision(c) } };
}

/** Requests in the window. */
export function requestsQuery(t: Track, window: string): string {
  return `sum(increase(istio_requests_total{${t.selector}}[${window}]))`;
}

/** Percent of the window's requests that did not end in a 5xx (Flagger's request-success-rate). */
export function successRateQuery(t: Track, window: string): string {
  return `100 * sum(rate(istio_requests_total{${t.selector},response_code!~"5.."}[${window}])) / sum(rate(istio_requests_total{${t.selector}}[${window}]))`;
}

/** The window's 99th-percentile request duration, in milliseconds, from Istio's duration histogram. */
export function latencyQuery(t: Track, window: string): string {
  return `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${t.selector}}[${window}])))`;
}

/** A check of your own, its variables filled in for one revision. */
export function customQuery(template: string, gw: ValidGateway, t: Track, window: string): string {
  const values: Record<string, string> = { gateway: gw.name, namespace: gw.namespace, revision: t.revision, workload: t.workload, window };
  return template.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
