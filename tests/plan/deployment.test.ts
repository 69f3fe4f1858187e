import * as assert from "assert";
import { DEFAULT_DRAIN, ownDeployment, planDeployment, planGateway, validateGateway } from "../../components/core";

describe("gateway Deployment", () => {
  const d = planDeployment({ gateway: "istio-ingressgateway", namespace: "istio-ingress", revision: "1-26-0", replicas: 3, drain: DEFAULT_DRAIN, updateTimeoutSeconds: 600 });
  const pod = d.spec.template.spec;
  const proxy = pod.containers[0];

  it("is named after the gateway and its revision", () => assert.strictEqual(d.metadata.name, "istio-ingressgateway-1-26-0"));
  it("names the default revision's Deployment <gateway>-default", () =>
    assert.strictEqual(planDeployment({ gateway: "gw", namespace: "ns", revision: undefined, replicas: 1, drain: DEFAULT_DRAIN, updateTimeoutSeconds: 600 }).metadata.name, "gw-default"));
  it("runs the replicas it was given", () => assert.strictEqual(d.spec.replicas, 3));
  it("runs an istio-proxy container with image: auto for the injector to fill", () =>
    assert.deepStrictEqual([proxy.name, proxy.image], ["istio-proxy", "auto"]));
  it("lets Envoy bind low ports without root", () =>
    assert.deepStrictEqual(pod.securityContext.sysctls, [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]));
  it("drops every capability and forbids escalation", () => {
    assert.deepStrictEqual(proxy.securityContext.capabilities, { drop: ["ALL"] });
    assert.strictEqual(proxy.securityContext.allowPrivilegeEscalation, false);
    assert.strictEqual(proxy.securityContext.privileged, false);
  });
  it("runs as non-root", () => assert.strictEqual(proxy.securityContext.runAsNonRoot, true));
  it("asks for the runtime's default seccomp profile, as the restricted Pod Security Standard requires", () =>
    assert.deepStrictEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" }));
  it("bounds an update by updateTimeoutSeconds twice: the provider's wait and the rollout's progress deadline", () => {
    const d2 = planDeployment({ gateway: "gw", namespace: "ns", revision: "1-26-0", replicas: 2, drain: DEFAULT_DRAIN, updateTimeoutSeconds: 90 });
    assert.strictEqual(d2.metadata.annotations?.["pulumi.com/timeoutSeconds"], "90");
    assert.strictEqual(d2.spec.progressDeadlineSeconds, 90);
  });
  it("runs as its own ServiceAccount, not default", () => assert.strictEqual(pod.serviceAccountName, "istio-ingressgateway"));
  it("exposes Envoy's Prometheus port", () => assert.deepStrictEqual(proxy.ports, [{ name: "http-envoy-prom", containerPort: 15090, protocol: "TCP" }]));
  it("never removes a ready pod before its replacement is ready", () =>
    assert.deepStrictEqual(d.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 }));
  it("drains Envoy's listeners and waits for 45 s through the proxy config annotation, and gives the pod 60 s to stop", () => {
    assert.strictEqual(d.spec.template.metadata.annotations["proxy.istio.io/config"], '{"drainDuration":"45s","terminationDrainDuration":"45s"}');
    assert.strictEqual(pod.terminationGracePeriodSeconds, 60);
  });
  it("leaves replicas to the HPA when it has none to hold", () => {
    const owned = planDeployment({ gateway: "gw", namespace: "ns", revision: "1-26-0", replicas: undefined, drain: DEFAULT_DRAIN, updateTimeoutSeconds: 600 });
    assert.ok(!("replicas" in owned.spec));
  });
  it("uses the chart's resources", () =>
    assert.deepStrictEqual(proxy.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } }));
});

describe("gateway Deployment: the proxy's environment", () => {
  it("lists env variables by name, whatever order the stack file wrote them in, so a reorder renders the same", () => {
    const gw = validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns", env: { ZED: "1", ALPHA: "2", MIDDLE: "3" } });
    const d = ownDeployment(planGateway(gw).tracks[0]);
    assert.deepStrictEqual(d.spec.template.spec.containers[0].env?.map((e) => e.name).filter((n) => ["ZED", "ALPHA", "MIDDLE"].includes(n)), ["ALPHA", "MIDDLE", "ZED"]);
  });
});
