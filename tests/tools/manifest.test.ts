import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { canonical, manifestsOf, toYaml } from "../../tools/engine/manifest";
import { register } from "../support/mocks";

describe("manifest printer", () => {
  it("prints a secret that reaches a resource as the placeholder, never its value", async () => {
    const resources = await register(() => {
      const k8s = require("@pulumi/kubernetes");
      new k8s.core.v1.ConfigMap("cm", { metadata: { name: "cm", namespace: "ns" }, data: { key: pulumi.secret("hunter2"), plain: "shown" } });
    });
    const yaml = toYaml(manifestsOf(resources));
    assert.ok(!yaml.includes("hunter2"));
    // Pulumi marks the whole top-level property that holds a secret.
    assert.match(yaml, /\ndata: "\[secret\]"\n/);
  });

  it("orders apiVersion, kind and metadata first, then the rest by name", () => {
    const out = canonical({ spec: { b: 1, a: 2 }, metadata: { labels: {}, name: "x" }, kind: "K", apiVersion: "v1" });
    assert.deepStrictEqual(JSON.stringify(out), '{"apiVersion":"v1","kind":"K","metadata":{"name":"x","labels":{}},"spec":{"a":2,"b":1}}');
  });

  it("orders objects by kind as kubectl applies them, then namespace and name", () => {
    const m = (kind: string, name: string, namespace?: string) => ({ type: "kubernetes:x", name, inputs: { apiVersion: "v1", kind, metadata: { name, namespace } } });
    const order = manifestsOf([m("Gateway", "g", "a"), m("Deployment", "d2", "b"), m("Deployment", "d1", "b"), m("Namespace", "a")])
      .map((x) => x.metadata.name);
    assert.deepStrictEqual(order, ["a", "d1", "d2", "g"]);
  });

  it("leaves out what is not a Kubernetes object (components, providers)", () => {
    const resources = [
      { type: "istio-gateway:index:IstioGateway", name: "gw", inputs: {} },
      { type: "pulumi:providers:kubernetes", name: "default", inputs: {} },
    ];
    assert.deepStrictEqual(manifestsOf(resources), []);
  });
});
