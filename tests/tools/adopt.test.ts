/**
 * `npm run adopt`: the stack-file entry written from a running install (the three starting points the e2e suite
 * adopts for real), each refusal before anything is written, and the file it writes: valid, rendered with every
 * kept object imported, and left by `promote` without its adopt block.
 */
import * as assert from "assert";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { splitReplicas } from "../../components/core";
import { adoptInto, readLiveObjects } from "../../tools/adopt/command";
import { adoptFromLive, adoptionSteps, AdoptRequest, LiveObject } from "../../tools/adopt/from-live";
import { entriesOf } from "../../tools/engine/manifest";
import { runStack } from "../../tools/engine/render-stack";
import { runInProcess } from "../support/in-process";
import { ROOT } from "../support/run";
import { afterVerb, tempStackFile } from "../support/stack-files";

const FIXTURES = path.join(ROOT, "tests", "e2e", "fixtures", "adopt");
const live = (name: string) => readLiveObjects(fs.readFileSync(path.join(FIXTURES, name), "utf8"), name);
const request = (namespace: string, extra: Partial<AdoptRequest> = {}): AdoptRequest => ({ gateway: "istio-ingressgateway", namespace, revision: "1-26-0", ...extra });
type Entry = { adopt: { existing: string[]; deployment: Record<string, unknown>; retire?: string[] }; [key: string]: unknown };

describe("adopt: the entry written from a running install", () => {
  const cases: Array<[start: string, file: string, namespace: string, expected: Record<string, unknown>]> = [
    ["the seed's plain YAML", "seed.yaml", "istio-ingress", {
      size: { replicas: 4 }, steps: [25, 50, 100], hosts: ["bookinfo/*"], ports: [{ name: "http2", port: 80, targetPort: 80 }], type: "NodePort",
      existing: ["Service", "ServiceAccount", "Role", "RoleBinding", "IstioGateway"],
      deployment: { name: "istio-ingressgateway-1-25-1", selector: { app: "istio-ingressgateway", istio: "ingressgateway", "pulumi-istio-gateway/track": "1-25-1" } },
      retire: undefined, istioGatewayName: undefined, gatewaySelector: undefined }],
    ["the istio/gateway chart", "helm.yaml", "istio-ingress", {
      size: { autoscaling: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 } }, steps: [100], hosts: ["shop/*"], type: "LoadBalancer",
      ports: [{ name: "http2", port: 80, targetPort: 80 }, { name: "https", port: 443, targetPort: 443 }],
      existing: ["Service", "ServiceAccount", "Role", "RoleBinding", "IstioGateway"],
      deployment: { name: "istio-ingressgateway", selector: { app: "istio-ingressgateway", istio: "ingressgateway" }, horizontalPodAutoscaler: "istio-ingressgateway" },
      retire: undefined, istioGatewayName: "public-gateway", gatewaySelector: { istio: "ingressgateway" } }],
    ["istioctl's default profile", "istioctl.yaml", "istio-system", {
      size: { autoscaling: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 } }, steps: [100], hosts: ["*/*"], type: "LoadBalancer",
      ports: [{ name: "http2", port: 80, targetPort: 8080 }, { name: "https", port: 443, targetPort: 8443 }],
      existing: ["Service", "IstioGateway"],
      deployment: { name: "istio-ingressgateway", selector: { app: "istio-ingressgateway", istio: "ingressgateway" }, horizontalPodAutoscaler: "istio-ingressgateway" },
      retire: ["PodDisruptionBudget/istio-ingressgateway", "ServiceAccount/istio-ingressgateway-service-account", "RoleBinding/istio-ingressgateway-sds", "Role/istio-ingressgateway-sds"],
      istioGatewayName: "bookinfo-gateway", gatewaySelector: { istio: "ingressgateway" } }],
  ];
  for (const [start, file, namespace, expected] of cases) {
    it(`writes ${start} as it runs`, () => {
      const entry = adoptFromLive(request(namespace), live(file)).entry as Entry;
      const service = entry.service as { type: string; ports: unknown };
      const servers = entry.servers as Array<{ hosts: string[] }>;
      assert.deepStrictEqual({
        size: entry.autoscaling ? { autoscaling: entry.autoscaling } : { replicas: entry.replicas },
        steps: (entry.canary as { steps: number[] }).steps, hosts: servers[0].hosts, ports: service.ports, type: service.type,
        existing: entry.adopt.existing, deployment: entry.adopt.deployment, retire: entry.adopt.retire,
        istioGatewayName: entry.istioGatewayName, gatewaySelector: entry.gatewaySelector,
      }, expected);
      assert.deepStrictEqual(entry.canary, { revision: "1-26-0", weight: 0, steps: expected.steps, previousWeight: 0 });
    });
  }

  it("keeps a Service's own annotations and load-balancer settings, not its installer's", () => {
    const objects = live("helm.yaml");
    const svc = objects.find((o) => o.kind === "Service") as LiveObject;
    svc.metadata.annotations = { ...svc.metadata.annotations, "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };
    svc.spec = { ...svc.spec, loadBalancerSourceRanges: ["10.0.0.0/8"], externalTrafficPolicy: "Local" };
    const service = adoptFromLive(request("istio-ingress"), objects).entry.service as Record<string, unknown>;
    assert.deepStrictEqual([service.annotations, service.loadBalancerSourceRanges, service.externalTrafficPolicy],
      [{ "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" }, ["10.0.0.0/8"], "Local"]);
  });
});

describe("adopt: what cannot be adopted is refused, nothing written", () => {
  const edit = (file: string, change: (objects: LiveObject[]) => void) => { const o = structuredClone(live(file)); change(o); return o; };
  const svc = (o: LiveObject[]) => o.find((x) => x.kind === "Service") as LiveObject & { spec: Record<string, unknown> };
  const cases: Array<[string, LiveObject[], Partial<AdoptRequest>, string, RegExp]> = [
    ["no Service of the gateway's name", live("istioctl.yaml"), { gateway: "ingress" }, "istio-system", /no Service "ingress" in namespace istio-system \(Services there: istio-ingressgateway\)/],
    ["a Service selecting other labels", edit("istioctl.yaml", (o) => { svc(o).spec.selector = { app: "edge" }; }), {}, "istio-system", /selects \{"app":"edge"\}, and a gateway named "istio-ingressgateway" runs pods labelled .*leave the running pods behind/],
    ["an ExternalName Service", edit("istioctl.yaml", (o) => { svc(o).spec.type = "ExternalName"; }), {}, "istio-system", /is an ExternalName; .*cannot be adopted/],
    ["a headless Service", edit("istioctl.yaml", (o) => { svc(o).spec.clusterIP = "None"; }), {}, "istio-system", /is headless/],
    ["a named target port", edit("istioctl.yaml", (o) => { (svc(o).spec.ports as Array<Record<string, unknown>>)[1].targetPort = "http"; }), {}, "istio-system", /targets the named port "http"/],
    ["a UDP port", edit("istioctl.yaml", (o) => { (svc(o).spec.ports as Array<Record<string, unknown>>)[1].protocol = "UDP"; }), {}, "istio-system", /port http2 is UDP; gateways serve TCP/],
    ["two Deployments behind the Service", edit("istioctl.yaml", (o) => { const d = structuredClone(o.find((x) => x.kind === "Deployment") as LiveObject); d.metadata.name = "second"; o.push(d); }), {}, "istio-system", /Deployments istio-ingressgateway, second all serve .*--deployment/],
    ["a named Deployment that does not serve", live("istioctl.yaml"), { deployment: "nothing" }, "istio-system", /no Deployment "nothing"/],
    ["no Deployment behind the Service", edit("istioctl.yaml", (o) => { o.splice(o.findIndex((x) => x.kind === "Deployment"), 1); }), {}, "istio-system", /no Deployment in istio-system runs pods that Service istio-ingressgateway selects/],
    ["two Istio Gateways on the pods", edit("istioctl.yaml", (o) => { const g = structuredClone(o.find((x) => x.kind === "Gateway") as LiveObject); g.metadata.name = "second"; o.push(g); }), {}, "istio-system", /Istio Gateways bookinfo-gateway, second all select these pods; .*--istio-gateway/],
    ["an HPA with no CPU target", edit("istioctl.yaml", (o) => { ((o.find((x) => x.kind === "HorizontalPodAutoscaler") as LiveObject).spec as Record<string, unknown>).metrics = []; }), {}, "istio-system", /scales istio-ingressgateway on no CPU utilization target/],
    ["a selector with matchExpressions", edit("istioctl.yaml", (o) => { ((o.find((x) => x.kind === "Deployment") as LiveObject).spec as Record<string, unknown>).selector = { matchLabels: { app: "istio-ingressgateway", istio: "ingressgateway" }, matchExpressions: [] }; }), {}, "istio-system", /selects with matchExpressions/],
  ];
  for (const [what, objects, extra, namespace, expected] of cases) {
    it(`refuses ${what}`, () => assert.throws(() => adoptFromLive(request(namespace, extra), objects), expected));
  }

  it("refuses an entry the stack file would refuse, saying it was written from the cluster", () => {
    const objects = live("istioctl.yaml");
    ((objects.find((x) => x.kind === "Service") as LiveObject).spec as { ports: Array<{ name: string }> }).ports[1].name = "web";
    const { entry } = adoptFromLive(request("istio-system"), objects);
    assert.throws(() => adoptInto("", "/tmp/Pulumi.prod.yaml", "istio-ingressgateway", entry),
      /the entry written from the cluster's objects is refused, nothing written: stack "prod", gateway "istio-ingressgateway": service\.ports\[0\]\.name is "web";.*change the object in the cluster/);
  });

  it("refuses a gateway the stack file has already, and leaves the file as it was", async () => {
    const file = tempStackFile("prod", fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    const before = fs.readFileSync(file, "utf8");
    const r = await runInProcess("adopt", ["--stack-file", file, "--from", path.join(FIXTURES, "istioctl.yaml"), "--gateway", "istio-ingressgateway", "--revision", "1-26-0"]);
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /^error: Pulumi\.prod\.yaml already has gateway "istio-ingressgateway"; .*remove it first/);
    assert.strictEqual(fs.readFileSync(file, "utf8"), before);
  });
});

describe("adopt: canary steps a pod count can tell apart", () => {
  it("ends at 100, increases, and moves at least one pod at every step (property, 1–200 pods)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), (pods) => {
      const steps = adoptionSteps(pods);
      const canary = steps.map((w) => splitReplicas(Math.max(pods, 1), w).canary);
      return steps[steps.length - 1] === 100 && steps.every((s, i) => i === 0 || s > steps[i - 1]) && canary.every((c, i) => c > (i === 0 ? 0 : canary[i - 1]));
    }));
  });
  it("moves one pod in one step", () => assert.deepStrictEqual(adoptionSteps(1), [100]));
});

describe("adopt: the stack file it writes", () => {
  async function adopted(fixture: string): Promise<string> {
    const file = tempStackFile("adopt", "# the team's stack\nencryptionsalt: v1:x\n");
    const r = await runInProcess("adopt", ["--stack-file", file, "--from", path.join(FIXTURES, fixture), "--gateway", "istio-ingressgateway", "--revision", "1-26-0"]);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote gateway "istio-ingressgateway" into Pulumi\.adopt\.yaml/);
    return file;
  }

  it("adds the entry in block style, keeping the file's comment and salt", async () => {
    const text = fs.readFileSync(await adopted("istioctl.yaml"), "utf8");
    assert.match(text, /^# the team's stack\nencryptionsalt: v1:x\nconfig:\n {2}istio-gateways:gateways:\n {4}istio-ingressgateway:\n {6}namespace: istio-system\n/);
  });

  it("renders with every kept, adopted and retired object imported, and the canary's objects created", async () => {
    const entries = entriesOf(await runStack({ stackFile: await adopted("istioctl.yaml") }));
    const imported = entries.filter((e) => e.imported).map((e) => `${e.manifest.kind}/${e.imported}`);
    assert.deepStrictEqual(imported.sort(), [
      "Deployment/istio-system/istio-ingressgateway", "Gateway/istio-system/bookinfo-gateway", "HorizontalPodAutoscaler/istio-system/istio-ingressgateway",
      "PodDisruptionBudget/istio-system/istio-ingressgateway", "Role/istio-system/istio-ingressgateway-sds", "RoleBinding/istio-system/istio-ingressgateway-sds",
      "Service/istio-system/istio-ingressgateway", "ServiceAccount/istio-system/istio-ingressgateway-service-account",
    ]);
    assert.deepStrictEqual(entries.filter((e) => !e.imported).map((e) => `${e.manifest.kind}/${e.manifest.metadata.name}`),
      ["ServiceAccount/istio-ingressgateway", "Role/istio-ingressgateway", "RoleBinding/istio-ingressgateway", "Deployment/istio-ingressgateway-1-26-0"]);
  });

  it("renders byte-identical twice", async () => {
    const file = await adopted("helm.yaml");
    const once = await runInProcess("render", ["--stack-file", file]);
    const twice = await runInProcess("render", ["--stack-file", file]);
    assert.strictEqual(once.status, 0, once.stderr);
    assert.strictEqual(once.stdout, twice.stdout);
    assert.match(once.stdout, /---\n# imported: istio-ingress\/istio-ingressgateway \(fields not shown stay as they run\)\napiVersion: v1\nkind: Service\n/);
  });

  it("loses its adopt block at promote, and with it every import and retired object", async () => {
    const file = await adopted("istioctl.yaml");
    const promoted = afterVerb(afterVerb(fs.readFileSync(file, "utf8"), "next"), "promote");
    const gateway = parse(promoted).config["istio-gateways:gateways"]["istio-ingressgateway"];
    assert.deepStrictEqual([gateway.adopt, gateway.canary, gateway.revision, gateway.istioGatewayName], [undefined, undefined, "1-26-0", "bookinfo-gateway"]);
    const entries = entriesOf(await runStack({ stackFile: tempStackFile("adopt", promoted) }));
    assert.deepStrictEqual(entries.filter((e) => e.imported), []);
    assert.deepStrictEqual(entries.map((e) => `${e.manifest.kind}/${e.manifest.metadata.name}`), [
      "ServiceAccount/istio-ingressgateway", "Role/istio-ingressgateway", "RoleBinding/istio-ingressgateway", "Service/istio-ingressgateway",
      "Deployment/istio-ingressgateway-1-26-0", "HorizontalPodAutoscaler/istio-ingressgateway-1-26-0", "PodDisruptionBudget/istio-ingressgateway-1-26-0", "Gateway/bookinfo-gateway",
    ]);
  });
});
