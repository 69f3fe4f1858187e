/**
 * Warnings on the Gateway's servers. Two kinds, told apart by code:
 *  - Istio's own warnings (pkg/config/validation ValidateGateway and validateTLSOptions): istiod's webhook admits
 *    the Gateway and warns, and so does the preview, in our words (ISTIO_WARNING_CODES).
 *  - advice where Istio is silent but serves something other than the stack file reads: a setting it ignores, a
 *    protocol it proxies as another, a port the proxy already binds.
 * Both are errors in strict mode (prepare.ts), never otherwise: istiod applies this config as written.
 */
import { GatewayServerTls, TlsMode } from "../../args";
import {
  CIPHER_SUITES, Finding, HTTP_PROTOCOLS, isObjectName, isPassthrough, isValidCipherSuite, ISTIO_RESERVED_PORTS, Severity, TLS_VERSIONS, tlsModeOf, ValidGateway, ValidServer, Where,
} from "../model";

export const ServerCode = {
  // Istio warns.
  HttpsRedirectIgnored: "HttpsRedirectIgnored",
  TlsVersionWithoutCiphers: "TlsVersionWithoutCiphers",
  UnknownCipherSuite: "UnknownCipherSuite",
  DuplicateCipherSuite: "DuplicateCipherSuite",
  PassthroughIgnoresCertificates: "PassthroughIgnoresCertificates",
  // Istio is silent.
  PortReservedByProxy: "PortReservedByProxy",
  ProtocolServedAsAnother: "ProtocolServedAsAnother",
  TlsSettingIgnored: "TlsSettingIgnored",
  TlsVersionsInverted: "TlsVersionsInverted",
  CredentialNotASecretName: "CredentialNotASecretName",
} as const;

/** The codes of the warnings istiod's validation webhook gives itself. */
export const ISTIO_WARNING_CODES: readonly string[] = [
  ServerCode.HttpsRedirectIgnored, ServerCode.TlsVersionWithoutCiphers, ServerCode.UnknownCipherSuite, ServerCode.DuplicateCipherSuite,
  ServerCode.PassthroughIgnoresCertificates,
];

type ServerCheck = (where: Where, key: string, server: ValidServer) => Finding[];
const warn = (where: Where, code: string, key: string, value: unknown, problem: string, fix: string) =>
  new Finding(where, code, Severity.Warning, key, value, problem, fix);

// ValidateGateway: "tls.httpsRedirect should only be used with http servers".
const httpsRedirect: ServerCheck = (where, key, s) => (s.tls?.httpsRedirect === true && !HTTP_PROTOCOLS.includes(s.port.protocol)
  ? [warn(where, ServerCode.HttpsRedirectIgnored, `${key}.tls.httpsRedirect`, true,
    `Istio ignores it on this ${s.port.protocol} server: it redirects plain-text HTTP requests, and this server takes none`,
    "remove it, and set it on the plain-text HTTP server (port 80) instead")]
  : []);

// validateTLSOptions: "TLS version below TLSV1_2 require setting compatible ciphers".
const oldVersion: ServerCheck = (where, key, s) => {
  const min = s.tls?.minProtocolVersion;
  return (min === "TLSV1_0" || min === "TLSV1_1") && (s.tls?.cipherSuites ?? []).length === 0
    ? [warn(where, ServerCode.TlsVersionWithoutCiphers, `${key}.tls.cipherSuites`, s.tls?.cipherSuites,
      `minProtocolVersion ${min} lets older clients in, but Envoy's default cipher suites include none they can use, so their handshakes still fail`,
      'list cipher suites those clients support, e.g. ["ECDHE-RSA-AES128-SHA"], or raise minProtocolVersion to TLSV1_2')]
    : [];
};

// validateTLSOptions: "ignoring invalid cipher suites" and "ignoring duplicate cipher suites".
const ciphers: ServerCheck = (where, key, s) => {
  const listed = s.tls?.cipherSuites ?? [];
  const out: Finding[] = [];
  const unknown = listed.filter((c) => !isValidCipherSuite(c));
  if (unknown.length > 0) {
    out.push(warn(where, ServerCode.UnknownCipherSuite, `${key}.tls.cipherSuites`, unknown,
      "Istio drops cipher suites Envoy does not know, so the server offers fewer than listed",
      `use names from ${CIPHER_SUITES.join(", ")}`));
  }
  const valid = listed.filter(isValidCipherSuite);
  const twice = [...new Set(valid.filter((c, i) => valid.indexOf(c) !== i))];
  if (twice.length > 0) {
    out.push(warn(where, ServerCode.DuplicateCipherSuite, `${key}.tls.cipherSuites`, twice, "listed more than once; Istio keeps the first", "list each cipher suite once"));
  }
  return out;
};

// validateTLSOptions: "<mode> mode does not use certificates, they will be ignored".
const passthroughCertificates: ServerCheck = (where, key, s) => {
  if (!isPassthrough(s.tls)) return [];
  const tls = s.tls as NonNullable<ValidServer["tls"]>;
  // An empty credentialNames never gets here: the Gateway CRD refuses it, and so does validate/servers.ts.
  const set = (["credentialName", "credentialNames", "caCertificates"] as const).filter((k) => tls[k] !== undefined);
  return set.length === 0 ? [] : [warn(where, ServerCode.PassthroughIgnoresCertificates, `${key}.tls.${set[0]}`, tls[set[0]],
    `${modeSaid(tls)} forwards TLS untouched, so Istio ignores the certificate`,
    "remove it, or set mode SIMPLE (or MUTUAL) to terminate TLS at the gateway with it")];
};

const reservedPort: ServerCheck = (where, key, s) => (ISTIO_RESERVED_PORTS.includes(s.port.number)
  ? [warn(where, ServerCode.PortReservedByProxy, `${key}.port.number`, s.port.number,
    `the gateway's proxy binds ${s.port.number} itself (Istio "Ports used by Istio"), so Envoy cannot open this server's listener there`,
    `choose a port outside ${ISTIO_RESERVED_PORTS.join(", ")}`)]
  : []);

const SERVED_AS: Partial<Record<string, string>> = {
  UDP: "a TCP listener: Istio's gateways proxy no UDP",
  HTTP_PROXY: "plain HTTP: HTTP_PROXY is meant for a sidecar's outbound listener",
};
const servedAsAnother: ServerCheck = (where, key, s) => {
  const as = SERVED_AS[s.port.protocol];
  return as === undefined ? [] : [warn(where, ServerCode.ProtocolServedAsAnother, `${key}.port.protocol`, s.port.protocol,
    `Istio accepts it, and the gateway serves it as ${as}`, s.port.protocol === "UDP" ? "remove the server" : "use protocol HTTP")];
};

// Settings a TLS mode has no use for, which Istio accepts without a word.
const NOT_TERMINATED = ["caCertCredentialName", "subjectAltNames", "minProtocolVersion", "maxProtocolVersion", "cipherSuites"];
const IGNORED_BY: Partial<Record<TlsMode, readonly string[]>> = {
  PASSTHROUGH: NOT_TERMINATED, AUTO_PASSTHROUGH: NOT_TERMINATED, ISTIO_MUTUAL: ["caCertCredentialName"],
};

/** The mode as the message names it: a missing one is read as PASSTHROUGH, and the reader should know why. */
const modeSaid = (tls: GatewayServerTls) => `${tlsModeOf(tls)}${tls.mode === undefined ? " (what Istio reads when tls.mode is missing)" : ""}`;
const ignoredSettings: ServerCheck = (where, key, s) => {
  if (s.tls === undefined) return [];
  const tls = s.tls;
  const mode = tlsModeOf(tls);
  const set = (IGNORED_BY[mode] ?? []).filter((k) => (tls as Record<string, unknown>)[k] !== undefined);
  return set.map((k) => warn(where, ServerCode.TlsSettingIgnored, `${key}.tls.${k}`, (tls as Record<string, unknown>)[k],
    `${modeSaid(tls)} ${mode === "ISTIO_MUTUAL" ? "verifies clients with Istio's own CA" : "terminates no TLS"}, so Istio ignores it`,
    mode === "ISTIO_MUTUAL" ? "remove it" : "remove it, or set mode SIMPLE (or MUTUAL) to terminate TLS at the gateway"));
};

const versions: ServerCheck = (where, key, s) => {
  const rank = (v: string | undefined) => (v === undefined || v === "TLS_AUTO" ? undefined : TLS_VERSIONS.indexOf(v as (typeof TLS_VERSIONS)[number]));
  const min = rank(s.tls?.minProtocolVersion);
  const max = rank(s.tls?.maxProtocolVersion);
  return min !== undefined && max !== undefined && min > max
    ? [warn(where, ServerCode.TlsVersionsInverted, `${key}.tls.maxProtocolVersion`, s.tls?.maxProtocolVersion,
      `it is below minProtocolVersion ${s.tls?.minProtocolVersion}, so no TLS version is left for a handshake`, "raise it, or lower the minimum")]
    : [];
};

// A credential is a Secret in the gateway's namespace, read through SDS: a name no Secret can have finds nothing.
const credentialNames: ServerCheck = (where, key, s) => {
  const names: Array<[string, string]> = [
    ...(s.tls?.credentialName !== undefined ? [[`${key}.tls.credentialName`, s.tls.credentialName] as [string, string]] : []),
    ...(s.tls?.credentialNames ?? []).map((n, i) => [`${key}.tls.credentialNames[${i}]`, n] as [string, string]),
  ];
  return names.filter(([, n]) => !isObjectName(n)).map(([k, n]) => warn(where, ServerCode.CredentialNotASecretName, k, n,
    "no Secret can have this name (lowercase letters, digits, \"-\" and \".\"), so the gateway finds no certificate and the handshake fails",
    "name the Secret that holds the certificate, in the gateway's namespace"));
};

const CHECKS: ServerCheck[] = [httpsRedirect, oldVersion, ciphers, passthroughCertificates, reservedPort, servedAsAnother, ignoredSettings, versions, credentialNames];

/** Every warning on the gateway's servers, in the servers' order. */
export function serverFindings(where: Where, gw: ValidGateway): Finding[] {
  return gw.servers.flatMap((s, i) => CHECKS.flatMap((check) => check(where, `servers[${i}]`, s)));
}
