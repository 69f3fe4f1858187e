import * as assert from "assert";
import { isPassthrough, isValidCipherSuite, parseProtocol } from "../../components/core";

// Istio's words for a server's traffic (components/core/model/protocols.ts), as istiod reads them.
describe("cipher suites Istio passes to Envoy (security.IsValidCipherSuite)", () => {
  const cases: Array<[name: string, valid: boolean, why: string]> = [
    ["ECDHE-RSA-AES128-GCM-SHA256", true, "a name Istio lists"],
    ["DES-CBC3-SHA", true, "the last name Istio lists"],
    ["ALL", true, "ALL is let through"],
    ["", true, "an empty name is let through"],
    ["-AES128-SHA", true, "a BoringSSL expression (no letter or digit first) is let through unparsed"],
    ["[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]", true, "an equal-preference group is let through"],
    ["RC4-MD5", false, "a name Istio does not list is dropped"],
    ["all", false, "ALL only in capitals"],
    ["ecdhe-rsa-aes128-gcm-sha256", false, "listed names only as written"],
  ];
  for (const [name, valid, why] of cases) it(`${JSON.stringify(name)} is ${valid ? "kept" : "dropped"}: ${why}`, () => assert.strictEqual(isValidCipherSuite(name), valid));
});

describe("servers that forward TLS untouched (gateway.IsPassThroughServer)", () => {
  const cases: Array<[tls: Parameters<typeof isPassthrough>[0], passthrough: boolean, why: string]> = [
    [{ mode: "PASSTHROUGH" }, true, "PASSTHROUGH forwards"],
    [{ mode: "AUTO_PASSTHROUGH" }, true, "AUTO_PASSTHROUGH forwards"],
    [{}, true, "a missing mode is PASSTHROUGH, the enum's zero value"],
    [{ mode: "SIMPLE" }, false, "SIMPLE terminates"],
    [{ mode: "MUTUAL" }, false, "MUTUAL terminates"],
    [{ mode: "ISTIO_MUTUAL" }, false, "ISTIO_MUTUAL terminates"],
    [undefined, false, "a server without tls forwards no TLS"],
  ];
  for (const [tls, passthrough, why] of cases) it(why, () => assert.strictEqual(isPassthrough(tls), passthrough));
});

describe("protocol names (protocol.Parse)", () => {
  const cases: Array<[written: string, protocol: string | undefined]> = [
    ["HTTP", "HTTP"], ["http", "HTTP"], ["Https", "HTTPS"], ["grpc-web", "GRPC-WEB"], ["http_proxy", "HTTP_PROXY"], ["udp", "UDP"],
    ["SCTP", undefined], ["", undefined], ["HBONE", undefined],
  ];
  for (const [written, protocol] of cases) {
    it(`${JSON.stringify(written)} reads as ${protocol ?? "no protocol"}`, () => assert.strictEqual(parseProtocol(written), protocol));
  }
});
