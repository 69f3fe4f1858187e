/**
 * Validation of the Gateway's servers by Istio's own rules (istio.io/istio pkg/config/validation, ValidateGateway,
 * validateServer, validateTLSOptions and agent.ValidateNamespaceSlashWildcardHostname), so that the preview refuses
 * what istiod's webhook and `istioctl validate` would refuse after apply. Where Istio only warns that a setting is
 * ignored, the preview refuses it too: an ignored setting in a stack file misleads whoever reads it.
 */
import { GatewayServerTls, ServerProtocol, TlsMode } from "../../args";
import { ConfigError, DEFAULT_SERVERS, ValidServer, Where } from "../model";
import { bool, checkKeys, dnsLabel, dnsSubdomain, nonEmptyString, objectAt, oneOf, required, stringList, wholeNumber } from "./read";
import { gatewayHostProblem, ISTIO_RESERVED_PORTS } from "./rules";

// protocol.Instance.IsHTTP / IsTLS in Istio: which server protocols are plain-text HTTP and which carry TLS.
const HTTP_PROTOCOLS: readonly ServerProtocol[] = ["HTTP", "HTTP2", "GRPC"];
const TLS_PROTOCOLS: readonly ServerProtocol[] = ["HTTPS", "TLS"];

/** ServerTLSSettings.TLSProtocol. */
export const TLS_VERSIONS = ["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"] as const;

/** Istio's ValidCipherSuites (pkg/config/security): Envoy silently ignores any other name. */
export const CIPHER_SUITES: readonly string[] = [
  "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA",
];

type Draft = Omit<ValidServer, "port"> & { port: Omit<ValidServer["port"], "name"> & { name?: string } };

export function checkServers(where: Where, raw: unknown): ValidServer[] {
  if (raw === undefined) return DEFAULT_SERVERS.map((s) => ({ ...s, port: { ...s.port }, hosts: [...s.hosts] }));
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(where, "servers", raw, "use a non-empty list of servers ({ port: { number, protocol }, hosts })");
  }
  return withPortNames(raw.map((s, i) => checkServer(where, `servers[${i}]`, s)));
}

/**
 * Istio refuses two servers with one port name ("port names in servers must be unique"), even two TLS servers on
 * 443 told apart by SNI. A server without a name gets `<protocol>-<number>`, and `-2`, `-3`… after it when another
 * server already has that name. Names written in the stack file are kept; duplicates among them are a finding
 * (DuplicatePortName, analyze.ts).
 */
export function withPortNames(drafts: readonly Draft[]): ValidServer[] {
  const taken = new Set(drafts.flatMap((d) => (d.port.name === undefined ? [] : [d.port.name])));
  return drafts.map((d) => {
    if (d.port.name !== undefined) return { ...d, port: { ...d.port, name: d.port.name } };
    const base = `${d.port.protocol.toLowerCase()}-${d.port.number}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return { ...d, port: { ...d.port, name } };
  });
}

function checkServer(where: Where, key: string, raw: unknown): Draft {
  const server = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, server, ["port", "hosts", "tls", "name"]);
  const port = checkPort(where, `${key}.port`, required(where, `${key}.port`, server.port));
  const tls = server.tls === undefined ? undefined : checkTls(where, `${key}.tls`, server.tls);
  checkTlsFitsProtocol(where, key, port.protocol, tls);
  const name = server.name === undefined ? undefined : nonEmptyString(where, `${key}.name`, server.name);
  return { port, hosts: checkHosts(where, `${key}.hosts`, server.hosts), ...(tls && { tls }), ...(name && { name }) };
}

function checkPort(where: Where, key: string, raw: unknown): Draft["port"] {
  const port = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, port, ["number", "name", "protocol", "targetPort"]);
  const number = wholeNumber(where, `${key}.number`, required(where, `${key}.number`, port.number), 1, 65535);
  if (ISTIO_RESERVED_PORTS.includes(number)) {
    throw new ConfigError(where, `${key}.number`, number, `Istio's proxy binds ${ISTIO_RESERVED_PORTS.join(", ")} itself; choose another port`);
  }
  if (port.targetPort !== undefined) {
    throw new ConfigError(where, `${key}.targetPort`, port.targetPort, "Istio ignores it on Gateway servers: port.number is the port the gateway pods listen on");
  }
  const protocol = oneOf(where, `${key}.protocol`, required(where, `${key}.protocol`, port.protocol), Object.values(ServerProtocol));
  const name = port.name === undefined ? undefined : dnsLabel(where, `${key}.name`, port.name, "https-443");
  return { number, protocol, ...(name !== undefined && { name }) };
}

/** validateServer: TLS servers need TLS settings; plain-text HTTP servers take only httpsRedirect; others none. */
function checkTlsFitsProtocol(where: Where, key: string, protocol: ServerProtocol, tls: GatewayServerTls | undefined): void {
  if (TLS_PROTOCOLS.includes(protocol)) {
    if (tls?.httpsRedirect !== undefined) {
      throw new ConfigError(where, `${key}.tls.httpsRedirect`, tls.httpsRedirect, `it redirects plain-text HTTP and only applies to HTTP servers (this one is ${protocol})`);
    }
    if (tls?.mode === undefined) throw new ConfigError(where, `${key}.tls.mode`, undefined, `a ${protocol} server needs tls.mode, e.g. SIMPLE with a credentialName`);
    return;
  }
  if (tls === undefined) return;
  const extra = Object.keys(tls).filter((k) => k !== "httpsRedirect");
  if (!HTTP_PROTOCOLS.includes(protocol)) {
    throw new ConfigError(where, `${key}.tls`, tls, `a ${protocol} server carries no TLS (Istio: "server cannot have TLS settings for non HTTPS/TLS ports"); use protocol TLS or HTTPS, or remove tls`);
  }
  if (extra.length > 0) {
    throw new ConfigError(where, `${key}.tls.${extra[0]}`, (tls as Record<string, unknown>)[extra[0]],
      `a plain-text ${protocol} server takes only tls.httpsRedirect (Istio: "server cannot have TLS settings for plain text HTTP ports"); terminate TLS on an HTTPS server`);
  }
}

const TLS_STRING_KEYS = ["credentialName", "caCertificates", "caCertCredentialName"];
const TLS_LIST_KEYS = ["credentialNames", "cipherSuites", "subjectAltNames"];
// Certificates a mode reads from somewhere else: Istio's own (ISTIO_MUTUAL) or none at all (passthrough).
const NO_CERTIFICATES: Partial<Record<TlsMode, string>> = {
  ISTIO_MUTUAL: "ISTIO_MUTUAL uses the workload's own Istio certificate",
  PASSTHROUGH: "PASSTHROUGH forwards TLS untouched and uses no certificate",
  AUTO_PASSTHROUGH: "AUTO_PASSTHROUGH forwards TLS untouched and uses no certificate",
};

function checkTls(where: Where, key: string, raw: unknown): GatewayServerTls {
  const tls = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, tls, ["httpsRedirect", "mode", "minProtocolVersion", "maxProtocolVersion", ...TLS_STRING_KEYS, ...TLS_LIST_KEYS]);
  const mode = tls.mode === undefined ? undefined : oneOf(where, `${key}.mode`, tls.mode, Object.values(TlsMode));
  if (tls.httpsRedirect !== undefined) bool(where, `${key}.httpsRedirect`, tls.httpsRedirect);
  for (const k of TLS_STRING_KEYS) if (tls[k] !== undefined) nonEmptyString(where, `${key}.${k}`, tls[k]);
  for (const k of TLS_LIST_KEYS) if (tls[k] !== undefined) stringList(where, `${key}.${k}`, tls[k]);
  // Credentials are Secrets in the gateway's namespace (read through SDS); whether one is needed is a finding (analyze.ts).
  if (tls.credentialName !== undefined) dnsSubdomain(where, `${key}.credentialName`, tls.credentialName);
  (tls.credentialNames as string[] | undefined)?.forEach((n, i) => dnsSubdomain(where, `${key}.credentialNames[${i}]`, n));
  const why = mode && NO_CERTIFICATES[mode];
  for (const k of ["credentialName", "credentialNames", "caCertificates", "caCertCredentialName"]) {
    if (why && tls[k] !== undefined) throw new ConfigError(where, `${key}.${k}`, tls[k], `${why}; remove it, or use mode SIMPLE or MUTUAL`);
  }
  checkVersions(where, key, tls);
  checkCiphers(where, `${key}.cipherSuites`, tls.cipherSuites as string[] | undefined);
  return tls as GatewayServerTls;
}

function checkVersions(where: Where, key: string, tls: Record<string, unknown>): void {
  const rank = (k: string) => (tls[k] === undefined ? undefined : TLS_VERSIONS.indexOf(oneOf(where, `${key}.${k}`, tls[k], TLS_VERSIONS)));
  const min = rank("minProtocolVersion");
  const max = rank("maxProtocolVersion");
  if (min !== undefined && max !== undefined && min > 0 && max > 0 && min > max) {
    throw new ConfigError(where, `${key}.maxProtocolVersion`, tls.maxProtocolVersion, `it is below minProtocolVersion ${String(tls.minProtocolVersion)}; raise it or lower the minimum`);
  }
  // validateTLSOptions: Envoy's default ciphers no longer include any that TLS 1.0 and 1.1 clients can use.
  if ((tls.minProtocolVersion === "TLSV1_0" || tls.minProtocolVersion === "TLSV1_1") && tls.cipherSuites === undefined) {
    throw new ConfigError(where, `${key}.cipherSuites`, undefined, `minProtocolVersion ${tls.minProtocolVersion} needs cipher suites those clients support (Envoy's defaults include none), e.g. ["ECDHE-RSA-AES128-SHA"]`);
  }
}

function checkCiphers(where: Where, key: string, ciphers: string[] | undefined): void {
  ciphers?.forEach((c, i) => {
    // IsValidCipherSuite: BoringSSL expressions (starting "-", "+", "!", "[") and ALL pass unchecked.
    const expression = c === "ALL" || !/^[A-Za-z0-9]/.test(c);
    if (!expression && !CIPHER_SUITES.includes(c)) {
      throw new ConfigError(where, `${key}[${i}]`, c, `Envoy ignores cipher suites it does not know; use one of ${CIPHER_SUITES.join(", ")}`);
    }
    if (ciphers.indexOf(c) !== i) throw new ConfigError(where, `${key}[${i}]`, c, "it is listed twice; list each cipher suite once");
  });
}

function checkHosts(where: Where, key: string, raw: unknown): string[] {
  const hosts = stringList(where, key, required(where, key, raw));
  if (hosts.length === 0) throw new ConfigError(where, key, raw, 'list at least one host, e.g. "*" or "shop.example.com"');
  hosts.forEach((h, i) => {
    const problem = gatewayHostProblem(h);
    if (problem) throw new ConfigError(where, `${key}[${i}]`, h, problem);
  });
  return hosts;
}
