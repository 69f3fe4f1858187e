/**
 * istiod per revision, as `istioctl install --set revision=<rev>` gives a real cluster, with istiod itself a local
 * process on loopback instead of a Deployment (fake nodes run no container):
 *
 * - the control plane's objects, as `istioctl manifest generate` renders them for the revision (its ConfigMaps
 *   `istio-<rev>` and `istio-sidecar-injector-<rev>`, ServiceAccount, RBAC, the revision's
 *   MutatingWebhookConfiguration and ValidatingWebhookConfiguration, its revision tags' webhooks and, for the
 *   default tag's revision, `istiod-default-validator`), with every webhook's URL pointed at the local process
 *   (`values.istiodRemote.injectionURL`, `values.base.validationURL`) and its CA bundle set; the istiod
 *   Deployment, Service, HPA and PDB left out;
 * - one `pilot-discovery discovery` per revision with its own working folder and loopback ports, ready when its
 *   `/ready` answers 200.
 *
 * ../shared/e2e/RECIPE.md ("istiod as a local process") records what was learned running it by hand.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { UserError } from "../engine/errors";
import { issueCertificate, makeCa } from "./certs";
import { KubeApi, sleep } from "./kube-api";

export class IstiodError extends UserError {}

/** Which istiods a cluster runs: revisions, and revision tags (tag → revision) as `istioctl tag set` makes them. */
export interface IstiodChoice {
  revisions: string[];
  tags: Record<string, string>;
}

/** The revision with no name: `istioctl install` without `--set revision`. Its objects carry no suffix. */
export const DEFAULT_REVISION = "default";

// Istio puts revisions and tags into object names (istiod-<rev>, istio-revision-tag-<tag>): DNS-1123 labels.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * `--istiod 1-25-1,1-26-0 [--istiod-tag prod-stable=1-25-1,…]` → the choice. A revisioned install's validator sees
 * only objects labelled with its revision, so unless the `default` revision itself runs, a `default` tag (the first
 * revision unless the flag names it) installs `istiod-default-validator` and the injector for unlabelled pods.
 */
export function istiodChoice(revisionsFlag: string, tagsFlag?: string): IstiodChoice {
  const revisions = revisionsFlag.split(",").map((r) => r.trim()).filter((r) => r !== "");
  if (revisions.length === 0) throw new IstiodError("cluster: --istiod names no revision; e.g. --istiod 1-25-1,1-26-0 (default names the default revision)");
  for (const r of revisions) {
    if (!DNS_LABEL.test(r)) throw new IstiodError(`cluster: --istiod revision ${JSON.stringify(r)} is not a DNS-1123 label; Istio names revisions like 1-26-0 (not 1.26.0)`);
  }
  const twice = revisions.find((r, i) => revisions.indexOf(r) !== i);
  if (twice) throw new IstiodError(`cluster: --istiod names revision ${twice} twice`);
  const tags: Record<string, string> = {};
  for (const pair of (tagsFlag ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const [tag, revision, extra] = pair.split("=");
    if (revision === undefined || extra !== undefined || !DNS_LABEL.test(tag)) {
      throw new IstiodError(`cluster: --istiod-tag ${JSON.stringify(pair)} is not <tag>=<revision>; e.g. --istiod-tag prod-stable=1-25-1`);
    }
    if (!revisions.includes(revision)) throw new IstiodError(`cluster: --istiod-tag ${tag}=${revision}: ${revision} is not one of --istiod's revisions (${revisions.join(", ")})`);
    if (revisions.includes(tag)) throw new IstiodError(`cluster: --istiod-tag ${tag}: a tag cannot take the name of a revision`);
    if (tag in tags) throw new IstiodError(`cluster: --istiod-tag names tag ${tag} twice`);
    tags[tag] = revision;
  }
  if (!revisions.includes(DEFAULT_REVISION) && !(DEFAULT_REVISION in tags)) tags[DEFAULT_REVISION] = revisions[0];
  return { revisions, tags };
}

/** The revision unlabelled pods and config go to: the `default` revision, or the one the `default` tag names. */
export function defaultRevisionOf(choice: IstiodChoice): string {
  return choice.revisions.includes(DEFAULT_REVISION) ? DEFAULT_REVISION : choice.tags[DEFAULT_REVISION];
}

/** `istiod-<rev>`, or `istiod` for the default revision: the names Istio gives the revision's objects. */
export function istiodName(revision: string): string {
  return revision === DEFAULT_REVISION ? "istiod" : `istiod-${revision}`;
}

/**
 * The proxy image tag a revision's injector writes: the revision read as a version (1-25-1 → 1.25.1), or its name.
 * Each revision gets its own, so an injected pod's image says which revision injected it.
 */
export function proxyTag(revision: string): string {
  return /^\d+-\d+-\d+$/.test(revision) ? revision.replace(/-/g, ".") : revision;
}

export const PROXY_HUB = "docker.io/istio";

export interface IstiodPorts {
  /** --httpAddr: /ready, /debug/* */
  http: number;
  /** --httpsAddr: the injection and validation webhooks. */
  webhook: number;
  /** --grpcAddr: plaintext xDS (the probe's). */
  grpc: number;
  /** --secureGRPCAddr: xDS over mTLS, as proxies connect. */
  secureGrpc: number;
  /** --monitoringAddr: istiod's own metrics (/metrics). */
  monitoring: number;
}

export interface IstiodInstance {
  revision: string;
  /** Tags whose webhooks send to this revision. */
  tags: string[];
  /** Its working folder: empty but for what istiod writes, so it reads mesh and injector config from the ConfigMaps. */
  dir: string;
  ports: IstiodPorts;
  /** Configured for upstream Envoy (UPSTREAM_ENVOY): the proxies of `up --envoy` are not Istio's own build. */
  upstreamEnvoy?: boolean;
}

export const ISTIO_NAMESPACE = "istio-system";

/**
 * What istiod must leave out for upstream Envoy, which lacks Istio's own extensions (../shared/e2e/RECIPE.md, "A
 * real Envoy"): the ALPN override filter and the metadata-exchange filters (flags), the stats filter (a mesh-wide
 * Telemetry with the Prometheus provider's metrics off) and auto mTLS, whose SDS secrets only Istio's agent serves.
 * The fidelity price of `up --envoy`, said in docs/E2E.md.
 */
export const UPSTREAM_ENVOY = {
  env: { PILOT_ENABLE_ALPN_FILTER: "false", PILOT_ENABLE_METADATA_EXCHANGE: "false" },
  set: ["meshConfig.enableAutoMtls=false"],
  telemetry: {
    apiVersion: "telemetry.istio.io/v1", kind: "Telemetry", metadata: { name: "mesh-default", namespace: ISTIO_NAMESPACE },
    spec: { metrics: [{ providers: [{ name: "prometheus" }], overrides: [{ disabled: true }] }] },
  },
} as const;

/** What the cluster needs of its own module (control-plane.ts passes these, so imports run one way). */
export interface IstiodHost {
  dir: string;
  kubeconfig: string;
  bin: string;
  api: KubeApi;
  freePorts<K extends string>(names: K[]): Promise<Record<K, number>>;
  launch(name: string, args: string[], env: Record<string, string>, cwd: string): void;
  kubectl(args: string[]): Promise<string>;
}

/** Kinds of the rendered control plane that need a node to run on or front a pod: left out (the process replaces them). */
const NOT_APPLIED = new Set(["CustomResourceDefinition", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"]);

/**
 * Renders, applies and starts every revision's istiod; returns once each answers /ready. The revisions named in
 * `upstreamEnvoy` are configured for upstream Envoy (UPSTREAM_ENVOY); any other keeps Istio's own filters.
 */
export async function startIstiods(host: IstiodHost, choice: IstiodChoice, log: (line: string) => void, upstreamEnvoy: readonly string[] = []): Promise<Record<string, IstiodInstance>> {
  const started = Date.now();
  const certs = writeCertificates(host.dir);
  if (!(await host.api.find(`/api/v1/namespaces/${ISTIO_NAMESPACE}`))) {
    await host.api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ISTIO_NAMESPACE } });
  }
  const instances: Record<string, IstiodInstance> = {};
  const kinds = ["http", "webhook", "grpc", "secureGrpc", "monitoring"] as const;
  // One request for every port, so no two revisions are handed the same one.
  const free = await host.freePorts(choice.revisions.flatMap((r) => kinds.map((k) => `${r}/${k}`)));
  for (const revision of choice.revisions) {
    const ports = Object.fromEntries(kinds.map((k) => [k, free[`${revision}/${k}`]])) as unknown as IstiodPorts;
    const tags = Object.entries(choice.tags).filter(([, r]) => r === revision).map(([t]) => t).sort();
    const dir = path.join(host.dir, "istiod", revision);
    fs.mkdirSync(dir, { recursive: true });
    instances[revision] = { revision, tags, dir, ports, ...(upstreamEnvoy.includes(revision) ? { upstreamEnvoy: true } : {}) };
  }
  const defaultRevision = defaultRevisionOf(choice);
  await Promise.all(Object.values(instances).map(async (i) => {
    const file = path.join(i.dir, "..", `control-plane-${i.revision}.yaml`);
    fs.writeFileSync(file, renderControlPlane(host.bin, i, certs.caBundle, i.revision === defaultRevision));
    await host.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=istioctl", "-f", file]);
  }));
  for (const i of Object.values(instances)) launchIstiod(host, i, certs);
  await Promise.all(Object.values(instances).map((i) => waitReady(host, i)));
  if (upstreamEnvoy.length > 0) {
    const file = path.join(host.dir, "istiod", "telemetry-upstream-envoy.json");
    fs.writeFileSync(file, JSON.stringify(UPSTREAM_ENVOY.telemetry));
    await host.kubectl(["apply", "--server-side", "--field-manager=istio-gateway-e2e", "-f", file]);
  }
  log(`cluster: istiod ${Object.values(instances).map((i) => `${i.revision}${i.tags.length ? ` (tags ${i.tags.join(", ")})` : ""}`).join(", ")} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return instances;
}

/** Starts one revision's istiod again (same folder, ports and certificates) and waits for /ready. */
export async function restartIstiod(host: IstiodHost, instance: IstiodInstance): Promise<void> {
  launchIstiod(host, instance, certificatePaths(host.dir));
  await waitReady(host, instance);
}

/** The process name the cluster records, so one revision's istiod can be stopped alone. */
export function istiodProcessName(revision: string): string {
  return `pilot-discovery-${revision}`;
}

/**
 * `istioctl manifest generate` for the revision: the minimal profile (istiod and the base chart, no gateways: this
 * package deploys those), the webhooks at the local process, and every kind that needs a node left out.
 */
export function renderControlPlane(bin: string, i: IstiodInstance, caBundle: string, isDefault: boolean): string {
  const base = `https://127.0.0.1:${i.ports.webhook}`;
  const set = [
    "profile=minimal",
    ...(i.revision === DEFAULT_REVISION ? [] : [`revision=${i.revision}`]),
    `hub=${PROXY_HUB}`, `tag=${proxyTag(i.revision)}`,
    `values.istiodRemote.injectionURL=${base}/inject`, `values.istiodRemote.injectionCABundle=${caBundle}`,
    `values.base.validationURL=${base}/validate`, `values.base.validationCABundle=${caBundle}`,
    ...i.tags.map((t, n) => `values.revisionTags[${n}]=${t}`),
    ...(isDefault ? [`values.defaultRevision=${i.revision}`] : []),
    ...(i.upstreamEnvoy ? UPSTREAM_ENVOY.set : []),
  ];
  const text = execFileSync(path.join(bin, "istioctl"), ["manifest", "generate", ...set.flatMap((s) => ["--set", s])],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const kept = parseAllDocuments(text).map((d) => d.toJSON() as { kind?: string } | null)
    .filter((o): o is { kind: string } => !!o && typeof o.kind === "string" && !NOT_APPLIED.has(o.kind));
  if (!kept.some((o) => o.kind === "MutatingWebhookConfiguration")) throw new IstiodError(`cluster: istioctl manifest generate rendered no injector webhook for revision ${i.revision}`);
  return kept.map((o) => JSON.stringify(o)).join("\n---\n");
}

function launchIstiod(host: IstiodHost, i: IstiodInstance, certs: Certificates): void {
  const name = istiodName(i.revision);
  const suffix = i.revision === DEFAULT_REVISION ? "" : `-${i.revision}`;
  const addr = (p: number) => `127.0.0.1:${p}`;
  host.launch(istiodProcessName(i.revision), [
    "discovery", `--kubeconfig=${host.kubeconfig}`, "--clusterID=Kubernetes",
    `--httpAddr=${addr(i.ports.http)}`, `--httpsAddr=${addr(i.ports.webhook)}`, `--grpcAddr=${addr(i.ports.grpc)}`,
    `--secureGRPCAddr=${addr(i.ports.secureGrpc)}`, `--monitoringAddr=${addr(i.ports.monitoring)}`,
    // The CA must be a file apart from the serving certificate: istiod watches each path once (RECIPE).
    `--tlsCertFile=${certs.cert}`, `--tlsKeyFile=${certs.key}`, `--caCertFile=${certs.ca}`,
  ], {
    REVISION: i.revision, POD_NAMESPACE: ISTIO_NAMESPACE, POD_NAME: `${name}-local`, SERVICE_ACCOUNT: name,
    INJECTION_WEBHOOK_CONFIG_NAME: `istio-sidecar-injector${suffix}`,
    VALIDATION_WEBHOOK_CONFIG_NAME: `istio-validator${suffix}-${ISTIO_NAMESPACE}`,
    ...(i.upstreamEnvoy ? UPSTREAM_ENVOY.env : {}),
  }, i.dir);
}

async function waitReady(host: IstiodHost, i: IstiodInstance): Promise<void> {
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    if ((await httpStatus(`http://127.0.0.1:${i.ports.http}/ready`)) === 200) return;
    await sleep(300);
  }
  throw new IstiodError(`cluster: istiod ${i.revision} did not answer /ready within 120 s; see ${path.join(host.dir, "logs", `${istiodProcessName(i.revision)}.log`)}`);
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
  });
}

interface Certificates {
  ca: string;
  cert: string;
  key: string;
  /** ca.pem, base64: the webhooks' caBundle. */
  caBundle: string;
}

/** The CA that signed every istiod's serving certificate (webhooks and the secure xDS port), for their clients. */
export function istiodCaFile(dir: string): string {
  return certificatePaths(dir).ca;
}

function certificatePaths(dir: string): Certificates {
  const at = (f: string) => path.join(dir, "istiod", "certs", f);
  const ca = at("ca.pem");
  return { ca, cert: at("serving.pem"), key: at("serving.key"), caBundle: fs.existsSync(ca) ? fs.readFileSync(ca).toString("base64") : "" };
}

/**
 * A CA and a serving certificate for 127.0.0.1 (the API server checks the webhook URL's host against the SANs),
 * shared by every revision's istiod: they all serve on loopback.
 */
function writeCertificates(dir: string): Certificates {
  const paths = certificatePaths(dir);
  if (fs.existsSync(paths.cert)) return paths;
  const folder = path.dirname(paths.ca);
  try {
    makeCa(folder, "istio-gateway local istiod CA", 30);
    issueCertificate(folder, "serving", "istiod.istio-system.svc", ["IP:127.0.0.1", "DNS:istiod.istio-system.svc"], 30);
  } catch (e) {
    throw new IstiodError(`cluster: ${(e as Error).message} (istiod's webhook certificate)`);
  }
  return certificatePaths(dir);
}

/** Shell comment lines for `up`'s exports: where each istiod's debug endpoints and xDS port are. */
export function istiodExportLines(instances: Record<string, IstiodInstance>): string[] {
  return Object.values(instances).flatMap((i) => {
    const http = `http://127.0.0.1:${i.ports.http}`;
    const env = `ISTIOD_${i.revision.toUpperCase().replace(/-/g, "_")}`;
    return [
      `# istiod ${i.revision}${i.tags.length ? ` (tags: ${i.tags.join(", ")})` : ""}: ${http}/debug/configz, ${http}/debug/syncz, ${http}/debug/config_dump?proxyID=<pod>.<namespace>; xDS 127.0.0.1:${i.ports.grpc}; metrics http://127.0.0.1:${i.ports.monitoring}/metrics`,
      `export ${env}_DEBUG='${http}'`,
      `export ${env}_XDS='127.0.0.1:${i.ports.grpc}'`,
    ];
  });
}
