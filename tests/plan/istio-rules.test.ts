import * as assert from "assert";
import { withPortNames } from "../../components/core";
import { istioRuleCases, preflight, strictRefuses } from "../support/istio-rules";

describe("Istio's Gateway validation rules (tests/fixtures/istio-rules.yaml): the preview's verdict is istiod's", () => {
  const cases = istioRuleCases();

  it("every case Istio refuses or warns about says what the preview's message must name", () => {
    assert.deepStrictEqual(cases.filter((c) => c.istio !== "accept" && (c.expect ?? []).length === 0).map((c) => c.name), []);
  });

  it("strict mode refuses every case istiod denies or warns about, or that draws the preview's advice, and renders the others", () => {
    assert.deepStrictEqual(cases.map((c) => [c.name, strictRefuses(c.servers)]), cases.map((c) => [c.name, c.istio !== "accept" || (c.advice ?? []).length > 0]));
  });

  for (const c of cases) {
    const named = (c.expect ?? []).map((e) => JSON.stringify(e)).join(" and ");
    it(`${c.name}: ${c.istio === "accept" ? "accepted, as istiod accepts it" : `${c.istio === "error" ? "refused" : "warned about"}, as istiod ${c.istio === "error" ? "denies" : "warns about"} it, naming ${named}`}`, () => {
      const got = preflight(c.servers);
      assert.strictEqual(got.verdict, c.istio, got.message);
      for (const words of c.expect ?? []) assert.ok(got.message?.includes(words), `"${words}" not in: ${got.message}`);
    });
    it(`${c.name}: the preview's own advice is ${JSON.stringify(c.advice ?? [])}`, () => {
      assert.deepStrictEqual(preflight(c.servers).advice, c.advice ?? []);
    });
  }
});

describe("default server port names", () => {
  const port = (number: number, protocol: "HTTP" | "HTTPS", name?: string) => ({ number, protocol, ...(name && { name }) });
  const names = (...ports: ReturnType<typeof port>[]) => withPortNames(ports.map((p) => ({ port: p, hosts: ["*"] }))).map((s) => s.port.name);

  const table: Array<[rule: string, got: () => string[], want: string[]]> = [
    ["one server is named <protocol>-<number>", () => names(port(443, "HTTPS")), ["https-443"]],
    ["two servers on one port get -2 after the second", () => names(port(443, "HTTPS"), port(443, "HTTPS")), ["https-443", "https-443-2"]],
    ["a default name steps around a name the user wrote later", () => names(port(443, "HTTPS"), port(443, "HTTPS", "https-443")), ["https-443-2", "https-443"]],
    ["names the user wrote are kept as written", () => names(port(80, "HTTP", "web"), port(443, "HTTPS", "secure")), ["web", "secure"]],
  ];
  for (const [rule, got, want] of table) it(rule, () => assert.deepStrictEqual(got(), want));

  it("unnamed servers never share a name, however many share a port", () => {
    const all = names(...Array.from({ length: 12 }, (_, i) => port(443 + (i % 2), "HTTPS", i % 5 === 0 ? `https-${443 + (i % 2)}-${i}` : undefined)));
    assert.strictEqual(new Set(all).size, all.length, all.join(", "));
  });
});
