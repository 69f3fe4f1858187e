/**
 * Validation of the Gateway's servers by Istio's own rules (istio.io/istio pkg/config/validation ValidateGateway,
 * validateServer, validateServerPort, validateTLSOptions and agent.ValidateNamespaceSlashWildcardHostname): what
 * istiod's webhook denies, the preview refuses here. What Istio accepts with a warning, or accepts but serves
 * otherwise than written, is a warning finding (analyze/servers.ts), an error only in strict mode: a running
 * gateway's config was accepted by istiod, and adopting it must not be refused.
 */
import { GatewayServerTls, ServerProtocol, TlsMode } from "../../args";
import { ConfigError, DEFAULT_SERVERS, HTTP_PROTOCOLS, isPassthrough, parseProtocol, TLS_PROTOCOLS, TLS_VERSIONS, tlsModeOf, ValidServer, Where } from "../model";
import { bool, checkKeys, nonEmptyString, objectAt, oneOf, required, stringList, wholeNumber } from "./read";
import { gatewayHostProblem } from "./rules";

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
 * 443 told apart by SNI. A server without a name gets `<protocol>-<number>` (lower case, "_" as "-": a DNS label, as a
 * Gateway API listener's name must be), and `-2`, `-3`… after it when another
 * server already has that name. Names written in the stack file are kept; duplicates among them are a finding
 * (DuplicatePortName, analyze.ts).
 */
export function withPortNames(drafts: readonly Draft[]): ValidServer[] {
  const taken = new Set(drafts.flatMap((d) => (d.port.name === undefined ? [] : [d.port.name])));
  return drafts.map((d) => {
    if (d.port.name !== undefined) return { ...d, port: { ...d.port, name: d.port.name } };
    const base = `${d.port.protocol.toLowerCase().replace(/_/g, "-")}-${d.port.number}`;
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
  // agent.ValidatePort. The ports the proxy binds itself are a warning (PortReservedByProxy): Istio accepts them.
  const number = wholeNumber(where, `${key}.number`, required(where, `${key}.number`, port.number), 1, 65535);
  // validateServerPort: 0 is the field's unset value; any other number Istio refuses.
  if (port.targetPort !== undefined && wholeNumber(where, `${key}.targetPort`, port.targetPort, 0, 65535) > 0) {
    throw new ConfigError(where, `${key}.targetPort`, port.targetPort, 'Istio refuses it ("targetPort has no impact on Gateways"): port.number is the port the gateway pods listen on; remove it');
  }
  const written = required(where, `${key}.protocol`, port.protocol);
  const protocol = typeof written === "string" ? parseProtocol(written) : undefined;
  if (protocol === undefined) {
    throw new ConfigError(where, `${key}.protocol`, written, `Istio knows no such protocol; use one of ${Object.values(ServerProtocol).join(", ")} (in any case)`);
  }
  // "port name must be set": any other string Istio takes. The Service's port names are made apart (plan/service.ts).
  const name = port.name === undefined ? undefined : nonEmptyString(where, `${key}.name`, port.name);
  return { number, protocol, ...(name !== undefined && { name }) };
}

/**
 * validateServer: an HTTPS or TLS server needs `tls` (a missing mode is PASSTHROUGH); a plain-text HTTP server may
 * carry only passthrough settings without certificate files (how `httpsRedirect` is written); any other carries none.
 */
function checkTlsFitsProtocol(where: Where, key: string, protocol: ServerProtocol, tls: GatewayServerTls | undefined): void {
  if (TLS_PROTOCOLS.includes(protocol)) {
    if (tls === undefined) throw new ConfigError(where, `${key}.tls`, undefined, `this ${protocol} server needs tls (Istio: "server must have TLS settings for HTTPS/TLS protocols"), e.g. { mode: SIMPLE, credentialName: <Secret> }`);
    return;
  }
  if (tls === undefined) return;
  if (!HTTP_PROTOCOLS.includes(protocol)) {
    throw new ConfigError(where, `${key}.tls`, tls, `this ${protocol} server carries no TLS (Istio: "server cannot have TLS settings for non HTTPS/TLS ports"); use protocol TLS or HTTPS, or remove tls`);
  }
  if (!isPassthrough(tls) || tls.caCertificates !== undefined) {
    const [k, v] = isPassthrough(tls) ? ["caCertificates", tls.caCertificates] : ["mode", tls.mode];
    throw new ConfigError(where, `${key}.tls.${k}`, v,
      `this plain-text ${protocol} server terminates no TLS (Istio: "server cannot have TLS settings for plain text HTTP ports"); keep only tls.httpsRedirect there, and terminate TLS on an HTTPS server`);
  }
}

const TLS_STRING_KEYS = ["credentialName", "caCertificates", "caCertCredentialName"];
const TLS_LIST_KEYS = ["credentialNames", "cipherSuites", "subjectAltNames"];

function checkTls(where: Where, key: string, raw: unknown): GatewayServerTls {
  const tls = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, tls, ["httpsRedirect", "mode", "minProtocolVersion", "maxProtocolVersion", ...TLS_STRING_KEYS, ...TLS_LIST_KEYS]);
  if (tls.mode !== undefined) oneOf(where, `${key}.mode`, tls.mode, Object.values(TlsMode));
  if (tls.httpsRedirect !== undefined) bool(where, `${key}.httpsRedirect`, tls.httpsRedirect);
  for (const k of TLS_STRING_KEYS) if (tls[k] !== undefined) nonEmptyString(where, `${key}.${k}`, tls[k]);
  for (const k of TLS_LIST_KEYS) if (tls[k] !== undefined) stringList(where, `${key}.${k}`, tls[k]);
  // The Gateway CRD's own schema (manifests/charts/base/files/crd-all.gen.yaml): the API server refuses these before
  // istiod's webhook sees them.
  const names = tls.credentialNames as string[] | undefined;
  if (names !== undefined && (names.length < 1 || names.length > 2)) {
    throw new ConfigError(where, `${key}.credentialNames`, names, "the Gateway CRD takes one or two (an RSA and an ECDSA certificate, say); for one, credentialName reads simpler");
  }
  if (tls.credentialName !== undefined && names !== undefined) {
    throw new ConfigError(where, `${key}.credentialNames`, names, 'the Gateway CRD refuses credentialName and credentialNames together ("only one of credentialName or credentialNames can be set"); keep one [TlsConflictingCredentials]');
  }
  for (const k of ["minProtocolVersion", "maxProtocolVersion"]) if (tls[k] !== undefined) oneOf(where, `${key}.${k}`, tls[k], TLS_VERSIONS);
  const valid = tls as GatewayServerTls;
  // validateTLSOptions: ISTIO_MUTUAL uses the workload's own Istio certificate, and Istio refuses any other.
  if (tlsModeOf(valid) === TlsMode.ISTIO_MUTUAL) {
    for (const k of ["credentialName", "credentialNames", "caCertificates"] as const) {
      if (valid[k] !== undefined) {
        throw new ConfigError(where, `${key}.${k}`, valid[k], `ISTIO_MUTUAL uses the workload's own Istio certificate (Istio: "ISTIO_MUTUAL TLS cannot have associated ${k}"); remove it, or use mode SIMPLE or MUTUAL`);
      }
    }
  }
  return valid;
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
