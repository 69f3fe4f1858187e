/**
 * A stand-in for Prometheus's query API, for the offline tests of the rollout command's analysis verbs: it answers
 * `GET /api/v1/query` in Prometheus's documented response shape, with figures per revision that a test sets. The
 * e2e suite runs the real Prometheus (tests/e2e/analysis.e2e.ts).
 */
import * as http from "http";
import { AddressInfo } from "net";

export interface Figures {
  requests: number;
  successRate: number;
  p99: number;
}

export interface FakePrometheus {
  url: string;
  /** Figures per canonical revision; a revision not listed has no series. */
  figures: Record<string, Figures>;
  /** Queries received, in order. */
  queries: string[];
  /** When set, every query gets this HTTP status and a Prometheus error body. */
  failWith?: number;
  close(): Promise<void>;
}

export async function fakePrometheus(figures: Record<string, Figures>): Promise<FakePrometheus> {
  const fake = { figures, queries: [] as string[], failWith: undefined as number | undefined } as FakePrometheus;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const query = url.searchParams.get("query") ?? "";
    fake.queries.push(query);
    res.setHeader("content-type", "application/json");
    if (fake.failWith !== undefined) {
      res.statusCode = fake.failWith;
      res.end(JSON.stringify({ status: "error", errorType: "execution", error: "query timed out in expression evaluation" }));
      return;
    }
    const revision = /source_canonical_revision="([^"]+)"/.exec(query)?.[1] ?? "";
    const f = fake.figures[revision];
    const value = f === undefined ? undefined
      : query.startsWith("histogram_quantile") ? f.p99 : query.startsWith("100 *") ? f.successRate : query.startsWith("sum(increase(") ? f.requests : undefined;
    const time = Number(url.searchParams.get("time") ?? "0");
    const result = value === undefined ? [] : [{ metric: {}, value: [time, String(value)] }];
    res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
