/**
 * TLS for the traffic suites: a CA of the test's own, certificates it signs for the hosts a Gateway serves, and the
 * kubernetes.io/tls Secrets a Gateway's `credentialName` names, as a platform team (or cert-manager) writes them.
 * istiod reads those Secrets and sends them to the gateway pods' Envoys over SDS (docs/traffic.md).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { issueCertificate, makeCa } from "../../../tools/cluster/certs";
import { KubeApi, KubeApiError } from "../../../tools/cluster/kube-api";

export interface Certificate {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, as Node's TLS socket reports the peer's (getPeerCertificate().fingerprint256). */
  fingerprint: string;
}

export interface TestCa {
  /** The CA's PEM file: what the load generator trusts (`--ca`). */
  file: string;
  /** A certificate for `hosts` (DNS names; a leading `*.` for a wildcard), signed by the CA. */
  issue(name: string, hosts: string[]): Certificate;
}

/** A new CA in `dir` (tools/cluster/certs.ts), valid for two days: longer than any run. */
export function makeTestCa(dir: string): TestCa {
  return {
    file: makeCa(dir, "istio-gateway e2e CA", 2),
    issue(name, hosts) {
      const files = issueCertificate(dir, name, hosts[0], hosts.map((h) => `DNS:${h}`), 2);
      const cert = fs.readFileSync(files.cert, "utf8");
      return { cert, key: fs.readFileSync(files.key, "utf8"), fingerprint: new crypto.X509Certificate(cert).fingerprint256 };
    },
  };
}

/** Creates the Secret, or replaces what it holds (a certificate rotated, as cert-manager renews one). */
export async function putTlsSecret(api: KubeApi, namespace: string, name: string, c: Certificate): Promise<void> {
  const secret = {
    apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: { name, namespace },
    data: { "tls.crt": Buffer.from(c.cert).toString("base64"), "tls.key": Buffer.from(c.key).toString("base64") },
  };
  await api.create(`/api/v1/namespaces/${namespace}/secrets`, secret).catch(async (e) => {
    if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    await api.request("PUT", `/api/v1/namespaces/${namespace}/secrets/${name}`, secret);
  });
}
