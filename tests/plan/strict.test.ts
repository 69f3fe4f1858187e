/**
 * Strict mode (docs/findings.md, "Two modes"): a warning refuses the preview as an error does, for one gateway
 * (`strict: true`) or every gateway of a stack (`istio-gateways:strict: true`); without it the same config passes.
 */
import * as assert from "assert";
import { ConfigError, prepareGateway } from "../../components/core";
import { readStackConfig, StackConfigError } from "../../stacks/config";

const where = { stack: "t", gateway: "gw" };
// Istio admits it and warns ("tls.httpsRedirect should only be used with http servers").
const warned = { namespace: "ns", servers: [{ port: { number: 443, protocol: "HTTPS" }, hosts: ["*"], tls: { mode: "SIMPLE", credentialName: "cert", httpsRedirect: true } }] };

const refusal = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StackConfigError) return e.message;
    throw e;
  }
};

describe("strict mode", () => {
  const table: Array<[rule: string, run: () => unknown, refused: RegExp | undefined]> = [
    ["a gateway passes with a warning by default, the warning kept among its findings", () => prepareGateway(where, warned), undefined],
    ["a strict gateway refuses the same warning, saying it is refused in strict mode", () => prepareGateway(where, { ...warned, strict: true }),
      /servers\[0\]\.tls\.httpsRedirect is true; \[HttpsRedirectIgnored\].*a warning, refused in strict mode/],
    ["strict: false is the default's verdict", () => prepareGateway(where, { ...warned, strict: false }), undefined],
    ["a strict stack makes every gateway strict", () => readStackConfig("t", { a: { namespace: "ns" }, gw: warned }, [], true), /gateway "gw": servers\[0\]\.tls\.httpsRedirect/],
    ["a strict stack overrides a gateway's strict: false", () => readStackConfig("t", { gw: { ...warned, strict: false } }, [], true), /\[HttpsRedirectIgnored\]/],
    ["a stack that is not strict leaves a strict gateway strict", () => readStackConfig("t", { gw: { ...warned, strict: true } }, [], false), /\[HttpsRedirectIgnored\]/],
    ["istio-gateways:strict must be a boolean", () => readStackConfig("t", { gw: { namespace: "ns" } }, [], "yes"), /istio-gateways:strict is "yes"; use true or false/],
    ["a gateway's strict must be a boolean", () => prepareGateway(where, { namespace: "ns", strict: 1 }), /strict is 1; use true or false/],
    ["errors come before warnings in strict mode", () => prepareGateway(where, { ...warned, strict: true, servers: [{ ...warned.servers[0], port: { number: 443, name: "web", protocol: "HTTPS" } }, { port: { number: 80, name: "web", protocol: "HTTP" }, hosts: ["*"] }] }),
      /\[DuplicatePortName\]/],
  ];
  for (const [rule, run, refused] of table) {
    it(rule, () => {
      const message = refusal(run);
      if (refused === undefined) assert.strictEqual(message, undefined);
      else assert.match(message ?? "accepted", refused);
    });
  }

  it("keeps the warning among the findings of a gateway that is not strict", () => {
    assert.deepStrictEqual(prepareGateway(where, warned).findings.map((f) => `${f.severity} ${f.code}`), ["warning HttpsRedirectIgnored"]);
  });
});
