/**
 * Certificates for the local cluster and its tests, made with the openssl CLI: a CA, and certificates it signs for
 * the names a server answers to. istiod's serving certificate (istiod.ts) and the Secrets the traffic suite gives
 * a Gateway's `credentialName` (tests/e2e/support/tls.ts) are both made here.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    throw new Error(`openssl ${args[0]} failed: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** A self-signed CA in `dir` (made if missing): ca.key and ca.pem. Returns ca.pem's path. */
export function makeCa(dir: string, commonName: string, days: number): string {
  fs.mkdirSync(dir, { recursive: true });
  openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", String(days), "-subj", `/CN=${commonName}`]);
  return path.join(dir, "ca.pem");
}

/**
 * A server certificate signed by the CA of `dir` (makeCa) for `subjectAltNames` (`DNS:…`, `IP:…`): `<name>.key` and
 * `<name>.pem` in `dir`.
 */
export function issueCertificate(dir: string, name: string, commonName: string, subjectAltNames: string[], days: number): { cert: string; key: string } {
  fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${subjectAltNames.join(",")}\nextendedKeyUsage=serverAuth\n`);
  openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${commonName}`]);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", String(days), "-extfile", `${name}.ext`]);
  return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
}
