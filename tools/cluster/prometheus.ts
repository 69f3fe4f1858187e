/**
 * A real Prometheus beside the local cluster (`npm run cluster -- up --prometheus`): the toolchain's build of
 * github.com/prometheus/prometheus, on loopback, scraping the traffic stand-in (traffic.ts) every second. The
 * canary analysis queries it exactly as it would query a production Prometheus scraping Envoy.
 */
import * as fs from "fs";
import * as path from "path";
import { TRAFFIC_FILE } from "./traffic";

export interface PrometheusInstance {
  /** The HTTP API's base address: canary.analysis.prometheus. */
  url: string;
  /** The traffic stand-in's settings file (traffic.ts): request rate per gateway, errors and latency per revision. */
  trafficFile: string;
  /** Where the stand-in serves the series Prometheus scrapes. */
  metrics: string;
}

/** Seconds between scrapes: short, so an analysis window of 10–20 s holds enough samples for rate(). */
export const SCRAPE_SECONDS = 1;

/**
 * The configuration: one static target, the stand-in, with `honor_labels` so its pod and workload labels stay
 * as Envoy's would after Prometheus's Kubernetes discovery relabelled them.
 */
export function prometheusConfig(metricsPort: number): string {
  return [
    "global:",
    `  scrape_interval: ${SCRAPE_SECONDS}s`,
    `  evaluation_interval: ${SCRAPE_SECONDS}s`,
    "scrape_configs:",
    "  - job_name: envoy-stats",
    "    honor_labels: true",
    "    metrics_path: /metrics",
    "    static_configs:",
    `      - targets: ["127.0.0.1:${metricsPort}"]`,
    "",
  ].join("\n");
}

export function prometheusArgs(dir: string, port: number): string[] {
  return [
    `--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "prometheus-data")}`,
    `--web.listen-address=127.0.0.1:${port}`, "--storage.tsdb.retention.time=2h", "--log.level=warn",
  ];
}

/** Writes the configuration and an empty traffic file (every gateway at the stand-in's defaults). */
export function preparePrometheus(dir: string, ports: { prometheus: number; traffic: number }): PrometheusInstance {
  fs.writeFileSync(path.join(dir, "prometheus.yml"), prometheusConfig(ports.traffic));
  const trafficFile = path.join(dir, TRAFFIC_FILE);
  if (!fs.existsSync(trafficFile)) fs.writeFileSync(trafficFile, "{}\n");
  return { url: `http://127.0.0.1:${ports.prometheus}`, trafficFile, metrics: `http://127.0.0.1:${ports.traffic}/metrics` };
}

/** Prometheus's readiness endpoint answers 200 once it serves queries. */
export async function prometheusReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}
