import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Manifest } from "../../tools/engine/manifest";
import { ProgramError } from "../../tools/engine/offline";
import { renderManifests, runStack } from "../../tools/engine/render-stack";
import { expectedFrom, violations } from "../support/invariants";
import { ROOT } from "../support/run";
import { tempStackFile } from "../support/stack-files";

function gatewaysIn(file: string) {
  return parse(fs.readFileSync(file, "utf8")).config["istio-gateways:gateways"];
}

const stacks = [
  { name: "dev", file: path.join(ROOT, "Pulumi.dev.yaml") },
  { name: "prod", file: path.join(ROOT, "Pulumi.prod.yaml") },
  { name: "mixed (fixture)", file: path.join(ROOT, "tests/fixtures/valid/Pulumi.mixed.yaml") },
  { name: "autoscaled (fixture)", file: path.join(ROOT, "tests/fixtures/valid/Pulumi.autoscaled.yaml") },
  { name: "modes (fixture)", file: path.join(ROOT, "tests/fixtures/valid/Pulumi.modes.yaml") },
];

describe("stacks program (under mocks)", () => {
  for (const stack of stacks) {
    describe(stack.name, () => {
      let manifests: Manifest[];
      before(async () => { manifests = await renderManifests({ stackFile: stack.file }); });

      it("holds every invariant for every gateway of the stack file", () => {
        assert.deepStrictEqual(violations(manifests, expectedFrom(gatewaysIn(stack.file))), []);
      });

      it("gives every object an explicit name", () => {
        for (const m of manifests) assert.ok(m.metadata.name, JSON.stringify(m));
      });

      it("registers the same objects when run again", async () => {
        assert.deepStrictEqual(await renderManifests({ stackFile: stack.file }), manifests);
      });
    });
  }

  it("dev runs one shared gateway with a canary in progress", async () => {
    const gateways = gatewaysIn(stacks[0].file);
    const [only] = Object.values(gateways) as Array<Record<string, any>>;
    assert.strictEqual(Object.keys(gateways).length, 1);
    assert.strictEqual(only.topology ?? "shared", "shared");
    assert.ok(only.canary.weight > 0 && only.canary.weight < 100, "no canary in progress");
  });

  it("prod delegates an HTTPS gateway to two app namespaces, with a canary at its first step, beside a dedicated one", async () => {
    const manifests = await renderManifests({ stackFile: stacks[1].file });
    const gateways = manifests.filter((m) => m.kind === "Gateway") as any[];
    const shared = gateways.find((g) => g.spec.servers.some((s: any) => s.port.protocol === "HTTPS" && s.tls.credentialName));
    const namespaces = new Set(shared.spec.servers.flatMap((s: any) => s.hosts.map((h: string) => h.split("/")[0])));
    assert.strictEqual(namespaces.size, 2);
    assert.ok(gateways.some((g) => g.spec.servers.every((s: any) => s.hosts.every((h: string) => h.startsWith("./")))), "no dedicated gateway");
    const config = gatewaysIn(stacks[1].file);
    const withCanary = Object.values(config).find((g: any) => g.canary) as any;
    assert.strictEqual(withCanary.canary.weight, withCanary.canary.steps[0]);
  });

  it("renders HPAs whose bounds follow the weight, and no replicas on the Deployments they scale", async () => {
    const manifests = (await renderManifests({ stackFile: stacks[3].file })) as any[];
    const hpas = manifests.filter((m) => m.kind === "HorizontalPodAutoscaler");
    assert.deepStrictEqual(hpas.map((h) => [h.metadata.name, h.spec.minReplicas, h.spec.maxReplicas]),
      [["istio-ingressgateway-1-25-1", 3, 15], ["istio-ingressgateway-1-26-0", 1, 5]]);
    for (const h of hpas) {
      const d = manifests.find((m) => m.kind === "Deployment" && m.metadata.name === h.spec.scaleTargetRef.name);
      assert.ok(d && !("replicas" in d.spec), h.metadata.name);
    }
  });

  it("exports external weights that add up to 100 beside a Service per revision", async () => {
    const manifests = await renderManifests({ stackFile: stacks[3].file });
    const names = manifests.filter((m) => m.kind === "Service" && m.metadata.namespace === "edge").map((m) => m.metadata.name);
    assert.deepStrictEqual(names, ["edge-gateway", "edge-gateway-1-25-1", "edge-gateway-1-26-0"]);
  });

  it("creates a namespace shared by two gateways once", async () => {
    const manifests = await renderManifests({ stackFile: stacks[2].file });
    assert.deepStrictEqual(manifests.filter((m) => m.kind === "Namespace").map((m) => m.metadata.name), ["edge"]);
  });

  it("retains the namespaces it creates, so that dropping one from the stack leaves it in the cluster", async () => {
    const namespaces = (await runStack({ stackFile: stacks[2].file })).filter((r) => r.type === "kubernetes:core/v1:Namespace");
    assert.deepStrictEqual(namespaces.map((r) => [r.name, r.retainOnDelete]), [["namespace-edge", true]]);
  });

  it("lets a namespace go with the stack only when told so (retainNamespace: false)", async () => {
    const file = tempStackFile("letgo", "config:\n  istio-gateways:gateways:\n    gw: { namespace: edge, createNamespace: true, retainNamespace: false }\n");
    const namespaces = (await runStack({ stackFile: file })).filter((r) => r.type === "kubernetes:core/v1:Namespace");
    assert.deepStrictEqual(namespaces.map((r) => [r.name, r.retainOnDelete]), [["namespace-edge", undefined]]);
  });

  it("creates no namespace it was not asked to, whatever the topology", async () => {
    const file = tempStackFile("nons", "config:\n  istio-gateways:gateways:\n    gw: { namespace: edge, topology: shared }\n    app: { namespace: shop, topology: dedicated }\n");
    assert.deepStrictEqual((await renderManifests({ stackFile: file })).filter((m) => m.kind === "Namespace"), []);
  });

  it("leaves a dedicated gateway's app namespace to its owners", async () => {
    const manifests = await renderManifests({ stackFile: stacks[2].file });
    assert.ok(!manifests.some((m) => m.kind === "Namespace" && m.metadata.name === "shop"));
  });

  it("refuses two gateways that label their shared namespace differently, before registering anything", async () => {
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "stack-"));
    const file = path.join(dir, "Pulumi.clash.yaml");
    fs.writeFileSync(file, [
      "config:",
      "  istio-gateways:gateways:",
      "    a: { namespace: edge, createNamespace: true, namespaceLabels: { team: one } }",
      "    b: { namespace: edge, createNamespace: true, namespaceLabels: { team: two } }",
    ].join("\n"));
    await assert.rejects(renderManifests({ stackFile: file }), (e: ProgramError) => {
      assert.match(e.message, /^stack "clash", gateway "b": namespaceLabels.team is "two"; gateway "a" sets it to "one"/);
      assert.deepStrictEqual(e.registered, []);
      return true;
    });
  });
});
