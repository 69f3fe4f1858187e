/** The Prometheus client (tools/analysis/prometheus.ts): every answer's shape, and every way a query goes wrong. */
import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { instantQuery, Sample, sampleOf } from "../../tools/analysis";

const vector = (...values: string[]) => ({ status: "success", data: { resultType: "vector", result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })) } });

describe("Prometheus answers read as one number, no data, or an error", () => {
  const cases: Array<{ rule: string; body: object; kind: Sample["kind"]; value?: number; message?: RegExp }> = [
    { rule: "one series gives its value", body: vector("99.5"), kind: "value", value: 99.5 },
    { rule: "no series is no data", body: vector(), kind: "empty" },
    { rule: "NaN is a value of NaN (the verdict reads it as inconclusive)", body: vector("NaN"), kind: "value", value: NaN },
    { rule: "+Inf is infinite (a histogram's top bucket)", body: vector("+Inf"), kind: "value", value: Infinity },
    { rule: "a scalar gives its value", body: { status: "success", data: { resultType: "scalar", result: [1, "3"] } }, kind: "value", value: 3 },
    { rule: "two series are an error that says to aggregate", body: vector("1", "2"), kind: "error", message: /gives 2 series .*aggregate it, e\.g\. with sum/ },
    { rule: "a range result is an error", body: { status: "success", data: { resultType: "matrix", result: [] } }, kind: "error", message: /gives a matrix result/ },
    { rule: "Prometheus's own error is an error with its words", body: { status: "error", errorType: "bad_data", error: "parse error" }, kind: "error", message: /refused the query \(HTTP 200, bad_data\): parse error/ },
    { rule: "a value that is no number is an error", body: vector("lots"), kind: "error", message: /not a number/ },
  ];
  for (const c of cases) {
    it(c.rule, () => {
      const s = sampleOf(c.body as Parameters<typeof sampleOf>[0]);
      assert.strictEqual(s.kind, c.kind, JSON.stringify(s));
      if (s.kind === "value") assert.ok(Object.is(s.value, c.value) || s.value === c.value, String(s.value));
      if (s.kind === "error") assert.match(s.message, c.message as RegExp);
    });
  }
});

describe("a query to a Prometheus that does not answer properly is an error, never a value", () => {
  let server: http.Server;
  let base = "";
  let reply: (res: http.ServerResponse) => void = () => undefined;
  before(async () => {
    server = http.createServer((_req, res) => reply(res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("nothing listening: cannot be reached, with the system's reason", async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const s = await instantQuery(`http://127.0.0.1:${port}`, "up", 1);
    assert.deepStrictEqual(s, { kind: "error", message: `Prometheus at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED)` });
  });

  it("an HTML error page: an error naming the HTTP status", async () => {
    reply = (res) => { res.statusCode = 502; res.end("<html>Bad Gateway</html>"); };
    const s = await instantQuery(base, "up", 1);
    assert.strictEqual(s.kind, "error");
    assert.match((s as { message: string }).message, /answered HTTP 502 with no JSON: <html>Bad Gateway/);
  });

  it("a 422 with Prometheus's error body: an error with its words", async () => {
    reply = (res) => { res.statusCode = 422; res.end(JSON.stringify({ status: "error", errorType: "execution", error: "many-to-many matching not allowed" })); };
    const s = await instantQuery(base, "up", 1);
    assert.deepStrictEqual(s, { kind: "error", message: "Prometheus refused the query (HTTP 422, execution): many-to-many matching not allowed" });
  });

  it("sends the query and the instant it is for", async () => {
    let seen = "";
    reply = (res) => { res.end(JSON.stringify(vector("1"))); };
    server.once("request", (req: http.IncomingMessage) => { seen = req.url ?? ""; });
    await instantQuery(base, 'sum(x{a="b"})', 1700000000.5);
    const url = new URL(seen, base);
    assert.strictEqual(url.pathname, "/api/v1/query");
    assert.strictEqual(url.searchParams.get("query"), 'sum(x{a="b"})');
    assert.strictEqual(url.searchParams.get("time"), "1700000000.500");
  });
});
