import * as assert from "assert";
import { analyzeGateway, ConfigError, errorsOf, planGateway, validateGateway, withPortNames } from "../../components/core";
import { istioRuleCases } from "../support/istio-rules";


/** The preview's verdict on a gateway with these servers: the first refusal's message, or undefined. */
function preview(servers: unknown[]): string | undefined {
  const where = { stack: "t", gateway: "gw" };
  try {
    const gw = validateGateway(where, { namespace: "ns", servers });
    return errorsOf(analyzeGateway(where, gw, planGateway(gw)))[0]?.message;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

describe("Istio's Gateway validation rules (tests/fixtures/istio-rules.yaml)", () => {
  const cases = istioRuleCases();

  it("every case Istio refuses or warns about is refused by the preview too", () => {
    const loose = cases.filter((c) => c.istio !== "accept" && (c.expect ?? []).length === 0).map((c) => c.name);
    assert.deepStrictEqual(loose, []);
  });

  for (const c of cases) {
    const expect = c.expect ?? [];
    if (expect.length === 0) {
      it(`${c.name}: the preview accepts it, as Istio does`, () => assert.strictEqual(preview(c.servers), undefined));
    } else {
      it(`${c.name}: the preview refuses it (Istio: ${c.istio}) naming ${expect.map((e) => JSON.stringify(e)).join(" and ")}`, () => {
        const message = preview(c.servers);
        assert.ok(message !== undefined, "accepted");
        for (const words of expect) assert.ok(message.includes(words), `"${words}" not in: ${message}`);
      });
    }
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
