/**
 * Istio's words for a Gateway server's traffic, as istiod reads them: the protocols (pkg/config/protocol Parse,
 * IsHTTP, IsTLS), the TLS versions and cipher suites (pkg/config/security ValidCipherSuites) and which TLS mode
 * forwards TLS untouched (pkg/config/gateway IsPassThroughServer). Validation, planning and analysis all read
 * them from here, so the three cannot disagree on what `http` or a missing `tls.mode` means.
 */
import { GatewayServerTls, ServerProtocol, TlsMode } from "../../args";

const BY_LOWER_CASE = new Map(Object.values(ServerProtocol).map((p) => [p.toLowerCase(), p]));

/** protocol.Parse: Istio's protocol for a written name, in any case; undefined where Istio says "invalid protocol". */
export function parseProtocol(written: string): ServerProtocol | undefined {
  return BY_LOWER_CASE.get(written.toLowerCase());
}

/** protocol.Instance.IsHTTP: the protocols a gateway serves with an HTTP connection manager. */
export const HTTP_PROTOCOLS: readonly ServerProtocol[] = ["HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-WEB"];

/** protocol.Instance.IsTLS: the protocols whose servers must carry `tls`. */
export const TLS_PROTOCOLS: readonly ServerProtocol[] = ["HTTPS", "TLS"];

/** ServerTLSSettings.TLSProtocol. */
export const TLS_VERSIONS = ["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"] as const;

/** Istio's ValidCipherSuites (pkg/config/security): Envoy ignores any other name. */
export const CIPHER_SUITES: readonly string[] = [
  "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA",
];

/**
 * security.IsValidCipherSuite: a known name, or what Istio lets through unparsed, "", ALL and BoringSSL
 * expressions (anything that does not start with a letter or digit, such as "-AES128-SHA" or "[A|B]").
 */
export function isValidCipherSuite(name: string): boolean {
  // "" starts with no letter or digit, so the expression lets it through with the BoringSSL ones.
  return name === "ALL" || !/^[\p{L}\p{N}]/u.test(name) || CIPHER_SUITES.includes(name);
}

/** The mode Istio applies: a missing `tls.mode` is PASSTHROUGH, the enum's zero value. */
export function tlsModeOf(tls: GatewayServerTls): TlsMode {
  return tls.mode ?? TlsMode.PASSTHROUGH;
}

/** gateway.IsPassThroughServer: TLS forwarded untouched, so the server reads no certificate. */
export function isPassthrough(tls: GatewayServerTls | undefined): boolean {
  return tls !== undefined && (tlsModeOf(tls) === TlsMode.PASSTHROUGH || tlsModeOf(tls) === TlsMode.AUTO_PASSTHROUGH);
}

/**
 * Ports the injected proxy binds itself (Istio "Ports used by Istio"): a Gateway server on one of them collides with
 * Envoy's admin, inbound/outbound capture, HBONE, health, DNS or telemetry listeners. Istio's validation says nothing.
 */
export const ISTIO_RESERVED_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];
