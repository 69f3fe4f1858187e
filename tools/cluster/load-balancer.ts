/**
 * The cloud's load-balancer controller, played: every Service of type LoadBalancer gets an address in
 * `status.loadBalancer.ingress`, as a cloud controller would set it once the load balancer exists. Without it,
 * `pulumi up` waits for that address until it times out (the provider's Service await), as it would on kind.
 * The address is data only (a loopback address, never reached); one a Service already has is kept.
 *
 * Run by the cluster (control-plane.ts) as `node … load-balancer.ts <cluster dir>`; it exits when the cluster's
 * state file goes away.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { KubeApi, KubeObject, sleep } from "./kube-api";
import { stateFile } from "./control-plane";

/** A stable loopback address per Service, so a re-created Service shows the same address. */
export function addressFor(namespace: string, name: string): string {
  const h = crypto.createHash("sha256").update(`${namespace}/${name}`).digest();
  return `127.1.${h[0]}.${(h[1] % 254) + 1}`;
}

function wantsAddress(svc: KubeObject): boolean {
  const ingress = (svc.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
  return svc.spec?.type === "LoadBalancer" && ingress.length === 0;
}

async function assignOnce(api: KubeApi): Promise<void> {
  for (const svc of (await api.list("/api/v1/services")).filter(wantsAddress)) {
    const { namespace = "default", name } = svc.metadata;
    await api.request("PATCH", `/api/v1/namespaces/${namespace}/services/${name}/status`,
      { status: { loadBalancer: { ingress: [{ ip: addressFor(namespace, name) }] } } }, "application/merge-patch+json")
      .catch(() => undefined); // deleted meanwhile: the next pass sees it gone
  }
}

async function main(dir: string): Promise<void> {
  const file = stateFile(dir);
  const { server, token } = JSON.parse(fs.readFileSync(file, "utf8")) as { server: string; token: string };
  const api = new KubeApi({ server, token });
  while (fs.existsSync(file)) {
    await assignOnce(api).catch(() => undefined); // the API server may be restarting
    await sleep(300);
  }
}

if (require.main === module) {
  main(process.argv[2]).then(() => process.exit(0), (e) => {
    process.stderr.write(`load-balancer: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
