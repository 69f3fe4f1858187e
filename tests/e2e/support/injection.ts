/**
 * What a revision's injector must have done to a gateway pod, read from the pod the API server stored (after every
 * admission webhook), never from the program's own render. A pod of `image: auto` is only a gateway once the
 * injector of the revision its `istio.io/rev` label names (a revision, or a tag that points at one; no label: the
 * `default` tag) rewrote it: Istio, "Installing Gateways" (gateway injection) and `istioctl tag set`.
 */
import { ADOPTED_TRACK, INJECT_LABEL, REVISION_LABEL, TEMPLATES_ANNOTATION, TRACK_LABEL } from "../../../components/core";
import { DEFAULT_REVISION, istiodName, PROXY_HUB, proxyTag } from "../../../tools/cluster/istiod";
import { KubeApi, KubeObject } from "../../../tools/cluster/kube-api";

/** Tag → revision, as the cluster's revision-tag webhooks route; every revision also stands for itself. */
export type RevisionRoutes = Record<string, string>;

/** The routes of a cluster's istiods: each revision to itself, each tag to its revision. */
export function revisionRoutes(istiod: Record<string, { revision: string; tags: string[] }>): RevisionRoutes {
  const routes: RevisionRoutes = {};
  for (const i of Object.values(istiod)) {
    routes[i.revision] = i.revision;
    for (const t of i.tags) routes[t] = i.revision;
  }
  return routes;
}

/**
 * The routes the cluster's webhooks take now: each revision to itself, each revision tag to the revision its webhook
 * is labelled with (`istio.io/tag`, `istio.io/rev`: what `istioctl tag set` writes, and moves with `--overwrite`). A
 * tag webhook that calls another revision's istiod than its label says shows up as pods that fail injectionProblem.
 */
export async function liveRevisionRoutes(api: KubeApi, istiod: Record<string, { revision: string }>): Promise<RevisionRoutes> {
  const routes: RevisionRoutes = Object.fromEntries(Object.values(istiod).map((i) => [i.revision, i.revision]));
  for (const w of await api.list("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations")) {
    const tag = w.metadata.labels?.["istio.io/tag"];
    const revision = w.metadata.labels?.[REVISION_LABEL];
    if (tag !== undefined && revision !== undefined) routes[tag] = revision;
  }
  return routes;
}

/** The revision whose injector rewrote the pod, as its `sidecar.istio.io/status` annotation names it. */
export function injectedRevision(pod: KubeObject): string | undefined {
  return (parseJson(pod.metadata.annotations?.["sidecar.istio.io/status"]) as { revision?: string } | undefined)?.revision;
}

interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
}

/**
 * The revision whose istiod must inject the pod, through the tags. A gateway pod's track is the revision (or tag)
 * the stack file gave its Deployment, so the track decides, not the pod's own `istio.io/rev`: a canary pod
 * labelled with the stable's revision is injected by the wrong istiod, and must be caught. Pods with no track (or
 * an adopted one, which keeps its installer's labels) go by their label; no label means the `default` tag.
 */
export function expectedInjector(pod: KubeObject, routes: RevisionRoutes): string | undefined {
  const labels = pod.metadata.labels ?? {};
  const track = labels[TRACK_LABEL];
  const asked = track === undefined || track === ADOPTED_TRACK ? labels[REVISION_LABEL] ?? DEFAULT_REVISION : track;
  return routes[asked];
}

/**
 * Why the pod is not a gateway injected by the right revision, or undefined when it is: an `istio-proxy`
 * container with that revision's proxyv2 image (not `auto`) running the gateway template (`proxy router`), the
 * injector's `sidecar.istio.io/status` naming that revision, and `PROXY_CONFIG` naming that revision's istiod as
 * the discovery address (what the proxy would connect to).
 */
export function injectionProblem(pod: KubeObject, routes: RevisionRoutes): string | undefined {
  const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const label = pod.metadata.labels?.[REVISION_LABEL];
  const revision = expectedInjector(pod, routes);
  const track = pod.metadata.labels?.[TRACK_LABEL];
  if (revision === undefined) return `${name}: no istiod serves ${track !== undefined && track !== ADOPTED_TRACK ? `its track ${track}` : label === undefined ? "the default tag" : `revision or tag ${label}`}`;
  // An installer's own gateway pod that opts out of injection (istioctl's profiles run proxyv2 as the image itself,
  // `sidecar.istio.io/inject: "false"`) is not the injector's to judge; the component's pods always opt in.
  if ((track === undefined || track === ADOPTED_TRACK) && pod.metadata.labels?.[INJECT_LABEL] === "false") return undefined;
  const spec = pod.spec as { containers?: Container[] } | undefined;
  const proxy = spec?.containers?.find((c) => c.name === "istio-proxy");
  if (!proxy) return `${name}: no istio-proxy container`;
  const image = `${PROXY_HUB}/proxyv2:${proxyTag(revision)}`;
  if (proxy.image !== image) return `${name}: istio-proxy image is ${JSON.stringify(proxy.image)}, not ${revision}'s ${image}`;
  if (pod.metadata.annotations?.[TEMPLATES_ANNOTATION] !== "gateway") return `${name}: ${TEMPLATES_ANNOTATION} is ${JSON.stringify(pod.metadata.annotations?.[TEMPLATES_ANNOTATION])}, not "gateway"`;
  if (proxy.args?.[0] !== "proxy" || proxy.args?.[1] !== "router") return `${name}: istio-proxy runs ${JSON.stringify(proxy.args?.slice(0, 2))}, not the gateway template's ["proxy","router"]`;
  const injected = injectedRevision(pod);
  if (injected !== revision) return `${name}: sidecar.istio.io/status names revision ${JSON.stringify(injected)}, not ${revision}`;
  const proxyConfig = parseJson(proxy.env?.find((e) => e.name === "PROXY_CONFIG")?.value) as { discoveryAddress?: string } | undefined;
  const discovery = `${istiodName(revision)}.istio-system.svc:15012`;
  if (proxyConfig?.discoveryAddress !== discovery) return `${name}: PROXY_CONFIG's discoveryAddress is ${JSON.stringify(proxyConfig?.discoveryAddress)}, not ${discovery}`;
  return undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
