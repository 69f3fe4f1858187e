/**
 * The preflight against istiod's own validation webhook, case for case: every case of the Gateway rules corpus
 * (tests/fixtures/istio-rules.yaml) and GENERATED Gateways from fast-check with a fixed seed, each planned by the
 * component and sent to the API server as `kubectl apply --dry-run=server` sends it. The API server runs the Gateway
 * CRD's schema and istiod's webhook (the default tag's validator: the component's Gateway carries no revision label)
 * and stores nothing; its answer (denied, admitted with warnings, admitted) must be the preview's verdict. A known-bad
 * Gateway before and after shows the webhook saw the run. A disagreement among the generated cases is shrunk by
 * fast-check and added to the corpus, with the webhook's verdict.
 */
import * as assert from "assert";
import fc from "fast-check";
import * as fs from "fs";
import { ServerProtocol, TlsMode } from "../../components/args";
import { CIPHER_SUITES, TLS_VERSIONS } from "../../components/core";
import { corpusEntry, CORPUS, istioRuleCases, Preflight, preflight, strictRefuses, Verdict } from "../support/istio-rules";
import { useCluster } from "./support/cluster";

const NAMESPACE = "webhook-cases";
const SEED = 20261206;
const GENERATED = 400;

interface Answer { verdict: Verdict; said: string }

/** What the component would apply for these servers: its own Gateway, or, where validation refused them first, the servers as written. */
function gatewayFor(servers: unknown[], pre: Preflight): unknown {
  if (pre.gateway) return pre.gateway;
  // Unnamed ports get names of their own, so that Istio judges what the preview judged, not a missing name.
  const named = servers.map((s, i) => {
    const server = s as { port?: Record<string, unknown> };
    return server.port && server.port.name === undefined ? { ...server, port: { ...server.port, name: `unnamed-${i}` } } : server;
  });
  return { apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "gw", namespace: NAMESPACE }, spec: { selector: { app: "gw" }, servers: named } };
}

// ---- the generated Gateways: mostly what a stack file would hold, with the values where Istio's rules have edges
// mixed in (rarely enough that all three verdicts come up often), in every combination.

/** `arb` one time in `oneIn`, else nothing (a key left out). */
const sometimes = <T>(arb: fc.Arbitrary<T>, oneIn: number) => fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/** `usual` mostly, `edge` one time in `oneIn`. */
const mostly = <T>(usual: fc.Arbitrary<T>, edge: fc.Arbitrary<T>, oneIn: number) => fc.oneof({ weight: oneIn - 1, arbitrary: usual }, { weight: 1, arbitrary: edge });
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const protocolNames = Object.values(ServerProtocol).flatMap((p) => [p, p.toLowerCase(), p[0] + p.slice(1).toLowerCase()]);
const protocol = mostly(fc.constantFrom(...protocolNames), fc.constantFrom("SCTP", "HBONE", "quic", ""), 25);
const portNumber = mostly(fc.oneof(fc.constantFrom(80, 443, 8080, 8443, 15443), fc.integer({ min: 1, max: 65535 })), fc.constantFrom(15021, 15090, 0, 65536), 20);
const portName = mostly(fc.constantFrom("http", "https", "web", "tls", "grpc", "Web_Port", "HTTPS 443"), fc.constant(""), 25);
const host = mostly(fc.constantFrom("*", "shop.example.com", "*.example.com", "Shop.Example.COM", "203.0.113.10", "shop.example.com.", "bookinfo/shop.example.com",
  "*/blog.example.com", "./a.example.com"), fc.constantFrom("shop", "*shop.example.com", "a.*.example.com", "x.example.123", "shop_1.example.com",
  "Book_Info/a.example.com", "/a.example.com", "2001:db8::1"), 25);
const hosts = mostly(fc.array(host, { minLength: 1, maxLength: 2 }), fc.constant<string[]>([]), 40);
const cipher = mostly(fc.constantFrom(...CIPHER_SUITES.slice(0, 4), "ECDHE-RSA-AES128-SHA", "ALL", "-AES128-SHA"), fc.constantFrom("RC4-MD5", ""), 4);
const credentials = fc.oneof(
  { weight: 6, arbitrary: fc.record({ credentialName: mostly(fc.constantFrom("cert", "other-cert"), fc.constant("Bad_Cert"), 10) }) },
  { weight: 2, arbitrary: fc.record({ credentialNames: mostly(fc.array(fc.constantFrom("rsa", "ecdsa"), { minLength: 1, maxLength: 2 }), fc.constantFrom<string[]>([], ["a", "b", "c"]), 8) }) },
  { weight: 2, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ credentialName: "cert", credentialNames: ["rsa"] }) },
);
const tls = fc.tuple(mostly(fc.constantFrom(...Object.values(TlsMode)), fc.constant(undefined), 5), credentials, fc.record({
  httpsRedirect: sometimes(fc.boolean(), 6),
  caCertificates: sometimes(fc.constant("/etc/istio/ca.pem"), 8),
  caCertCredentialName: sometimes(fc.constant("clients-ca"), 6),
  minProtocolVersion: sometimes(fc.constantFrom(...TLS_VERSIONS), 4),
  maxProtocolVersion: sometimes(fc.constantFrom(...TLS_VERSIONS), 5),
  cipherSuites: sometimes(fc.array(cipher, { maxLength: 3 }), 4),
  subjectAltNames: sometimes(fc.constant(["client.example.com"]), 8),
})).map(([mode, creds, rest]) => defined({ mode, ...creds, ...rest }));
// Mostly the TLS a server of that protocol takes: nearly always on HTTPS and TLS, sometimes (a redirect) on HTTP.
const server = fc.tuple(portNumber, protocol, mostly(portName, fc.constant(undefined), 5), hosts).chain(([number, protocol, name, hosts]) => {
  const kind = ["https", "tls"].includes(protocol.toLowerCase()) ? 20 : protocol.toLowerCase() === "http" ? 4 : 25;
  const withTls = ["https", "tls"].includes(protocol.toLowerCase()) ? mostly(tls, fc.constant(undefined), kind) : sometimes(
    protocol.toLowerCase() === "http" ? mostly(fc.constant({ httpsRedirect: true } as Record<string, unknown>), tls, 3) : tls, kind);
  return withTls.map((t) => defined({ port: defined({ number, protocol, name }), hosts, tls: t }));
});
const servers = fc.oneof({ weight: 3, arbitrary: fc.array(server, { minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: fc.array(server, { minLength: 2, maxLength: 3 }) });

describe("the preflight against istiod's validation webhook: the same verdict, case for case", function () {
  this.timeout(15 * 60 * 1000);
  const cluster = useCluster();
  let seen = 0;

  async function webhook(servers: unknown[], pre: Preflight): Promise<Answer> {
    const { api } = cluster();
    const r = await api.dryRunCreate(`/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/gateways`, gatewayFor(servers, pre));
    seen++;
    if (r.status >= 300) return { verdict: "error", said: r.message };
    return { verdict: r.warnings.length > 0 ? "warning" : "accept", said: r.warnings.join(" | ") };
  }

  /** The control: a Gateway Istio refuses (two servers, one port name) must come back denied by istiod's webhook. */
  async function control(): Promise<void> {
    const bad = [{ port: { number: 80, name: "web", protocol: "HTTP" }, hosts: ["*"] }, { port: { number: 8080, name: "web", protocol: "HTTP" }, hosts: ["*"] }];
    const answer = await webhook(bad, preflight(bad, NAMESPACE));
    assert.match(answer.said, /admission webhook "[^"]*validation\.istio\.io" denied the request: configuration is invalid: port names in servers must be unique/);
  }

  before(async () => {
    await cluster().api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    await control();
  });

  it("gives every corpus case the verdict its `istio` mark records, and the preview gives the same", async () => {
    const wrong: string[] = [];
    const counts: Record<string, number> = {};
    for (const c of istioRuleCases()) {
      const pre = preflight(c.servers, NAMESPACE);
      const answer = await webhook(c.servers, pre);
      counts[answer.verdict] = (counts[answer.verdict] ?? 0) + 1;
      if (answer.verdict !== c.istio) wrong.push(`${c.name}: marked ${c.istio}, istiod's webhook says ${answer.verdict}: ${answer.said}`);
      if (pre.verdict !== answer.verdict) wrong.push(`${c.name}: the preview says ${pre.verdict} (${pre.message ?? "no message"}), istiod's webhook ${answer.verdict} (${answer.said})`);
    }
    process.stdout.write(`      corpus: ${istioRuleCases().length} cases, istiod's webhook: ${JSON.stringify(counts)}; ${wrong.length} disagreements\n`);
    assert.deepStrictEqual(wrong, []);
  });

  it(`gives ${GENERATED} generated Gateways (seed ${SEED}) the webhook's own verdict; a disagreement is shrunk into the corpus`, async () => {
    const cases = fc.sample(servers, { seed: SEED, numRuns: GENERATED });
    const counts: Record<string, number> = {};
    const advice: Record<string, number> = {};
    const disagreements: string[] = [];
    for (const [i, s] of cases.entries()) {
      const pre = preflight(s, NAMESPACE);
      const answer = await webhook(s, pre);
      const key = `${answer.verdict}`;
      counts[key] = (counts[key] ?? 0) + 1;
      for (const code of pre.advice) advice[code] = (advice[code] ?? 0) + 1;
      // Strict mode refuses what istiod denies or warns about, and renders what it admits without a word unless the
      // preview's own advice says more.
      const strict = strictRefuses(s, NAMESPACE);
      if ((answer.verdict !== "accept" || pre.advice.length > 0) !== strict) {
        disagreements.push(`#${i} ${JSON.stringify(s)}\n        strict mode ${strict ? "refuses" : "accepts"} it; the webhook: ${answer.verdict}, the preview's advice: ${JSON.stringify(pre.advice)}`);
      }
      if (pre.verdict !== answer.verdict) {
        disagreements.push(`#${i} ${JSON.stringify(s)}\n        preview: ${pre.verdict} (${pre.message ?? "no message"})\n        webhook: ${answer.verdict} (${answer.said})`);
      }
    }
    process.stdout.write(`      generated: ${cases.length} Gateways (seed ${SEED}); istiod's webhook: ${JSON.stringify(counts)}; the preview agrees on ${cases.length - disagreements.length}; its own advice on top: ${JSON.stringify(advice)}\n`);
    for (const d of disagreements) process.stdout.write(`      DISAGREES ${d}\n`);
    if (disagreements.length > 0) {
      // Shrunk to the smallest Gateway that still disagrees, then kept as a corpus case with the webhook's verdict.
      const run = await fc.check(fc.asyncProperty(servers, async (s) => {
        const pre = preflight(s, NAMESPACE);
        return pre.verdict === (await webhook(s, pre)).verdict;
      }), { seed: SEED, numRuns: GENERATED });
      if (run.counterexample) {
        const [small] = run.counterexample;
        const answer = await webhook(small, preflight(small, NAMESPACE));
        fs.appendFileSync(CORPUS, corpusEntry({ name: `generated-${SEED}-${run.numRuns}`, istio: answer.verdict, servers: small as unknown[] }));
        process.stdout.write(`      shrunk to ${JSON.stringify(small)}, added to ${CORPUS} as istio: ${answer.verdict} (give it the words to expect)\n`);
      }
    }
    // The run was seen by the webhook to its end: the control is still denied.
    await control();
    assert.ok(seen >= GENERATED, `the webhook answered ${seen} requests`);
    for (const verdict of ["error", "warning", "accept"]) assert.ok((counts[verdict] ?? 0) >= 20, `only ${counts[verdict] ?? 0} generated cases got ${verdict}: ${JSON.stringify(counts)}`);
    assert.deepStrictEqual(disagreements, []);
  });
});
