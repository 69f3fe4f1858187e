/**
 * Follows a gateway's pods through a `pulumi up` with a watch on the API server: every pod change the server
 * records arrives as an event, so the ready count per revision (track) is known after each change, with no
 * sampling gap for a dip to hide in. Capacity is what endpoints would route to: pods that are Ready and not
 * terminating. At the end, the watch's view is checked against a fresh list, so a lost event cannot pass unseen.
 */
import { TRACK_LABEL } from "../../../components/core";
import { KubeApi, KubeObject, podServes, sleep } from "../../../tools/cluster/kube-api";
import { injectionProblem, RevisionRoutes } from "./injection";

export interface WatchReport {
  /** Pod changes seen (the first list counts as one). */
  events: number;
  /** The fewest ready pods after any change, all tracks together. */
  minTotal: number;
  /** The fewest ready pods of each track after any change (tracks that appeared midway count from then). */
  minByTrack: Record<string, number>;
  /** Pod UIDs per track at the start and at the end. */
  before: Record<string, string[]>;
  after: Record<string, string[]>;
  created: number;
  deleted: number;
  /** Pods whose injection was checked (each once, as the API server first showed it), when istiod runs. */
  injectionChecked: number;
  /** Why pods were not injected by their own revision's istiod (injection.ts), one line per pod. */
  uninjected: string[];
  /** The watch ended on its own or disagreed with the final list: the figures may miss a change. */
  broken?: string;
}

/** The REST path that lists the pods a label selector takes in a namespace. */
export function podsPath(namespace: string, selector: Record<string, string>): string {
  const labelSelector = encodeURIComponent(Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(","));
  return `/api/v1/namespaces/${namespace}/pods?labelSelector=${labelSelector}`;
}

export class ReadyWatcher {
  private readonly pods = new Map<string, KubeObject>();
  private readonly seen = new Set<string>();
  private readonly samples: Array<Record<string, number>> = [];
  private first: Record<string, string[]> = {};
  private last: Record<string, string[]> = {};
  private close?: () => void;
  private broken?: string;
  private readonly uninjected: string[] = [];

  /**
   * @param lingerMs how long `stop` lets in-flight events arrive before it closes the watch
   * @param routes the cluster's istiod revisions and tags: every pod seen is checked for its revision's injection
   *   (none when no istiod runs)
   * @param checkExisting whether the pods listed at start are checked too; not when a revision tag moved since they
   *   were injected (they keep the proxy of the revision the tag named then: `istioctl tag set` restarts nothing)
   */
  constructor(private readonly api: KubeApi, private readonly namespace: string, private readonly selector: Record<string, string>,
    private readonly lingerMs = 500, private readonly routes?: RevisionRoutes, private readonly checkExisting = true) {}

  private get path(): string {
    return podsPath(this.namespace, this.selector);
  }

  /** Lists the pods, then watches from that list's version: nothing between the two is missed. */
  async start(): Promise<void> {
    const list = await this.api.get<{ items: KubeObject[]; metadata: { resourceVersion: string } }>(this.path);
    for (const pod of list.items) this.apply("ADDED", pod, this.checkExisting);
    this.first = this.uidsByTrack();
    this.record();
    this.close = this.api.watch(this.path, list.metadata.resourceVersion, (type, pod) => {
      if (type === "ERROR") this.broken = `the watch reported ${JSON.stringify(pod)}`;
      else this.apply(type, pod);
      this.record();
    }, (why) => { this.broken ??= `the watch ended: ${why}`; });
  }

  /** Lets the last events arrive, closes the watch, and checks its view against a fresh list. */
  async stop(): Promise<void> {
    await sleep(this.lingerMs);
    const closing = this.close;
    this.close = undefined;
    closing?.();
    const listed = new Set((await this.api.list(this.path)).filter(podServes).map((p) => p.metadata.uid));
    const watched = new Set([...this.pods.values()].filter(podServes).map((p) => p.metadata.uid));
    if (listed.size !== watched.size || [...listed].some((uid) => !watched.has(uid))) {
      this.broken ??= `the watch saw ${watched.size} ready pods at the end, a fresh list ${listed.size}`;
    }
    this.last = this.uidsByTrack();
  }

  private apply(type: string, pod: KubeObject, check = true): void {
    const uid = pod.metadata.uid as string;
    // The injector acts at creation and a pod's containers never change after, so the first view is the one.
    if (check && this.routes && type !== "DELETED" && !this.seen.has(uid)) {
      const problem = injectionProblem(pod, this.routes);
      if (problem) this.uninjected.push(problem);
    }
    this.seen.add(uid);
    if (type === "DELETED") this.pods.delete(uid);
    else this.pods.set(uid, pod);
  }

  private record(): void {
    const ready: Record<string, number> = {};
    for (const pod of this.pods.values()) {
      const track = pod.metadata.labels?.[TRACK_LABEL] ?? "(none)";
      ready[track] = (ready[track] ?? 0) + (podServes(pod) ? 1 : 0);
    }
    this.samples.push(ready);
  }

  private uidsByTrack(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const pod of this.pods.values()) {
      if (!pod.metadata.deletionTimestamp) (out[pod.metadata.labels?.[TRACK_LABEL] ?? "(none)"] ??= []).push(pod.metadata.uid as string);
    }
    return out;
  }

  report(): WatchReport {
    const total = (s: Record<string, number>) => Object.values(s).reduce((a, b) => a + b, 0);
    const tracks = new Set(this.samples.flatMap((s) => Object.keys(s)));
    const minByTrack: Record<string, number> = {};
    for (const t of tracks) {
      const from = this.samples.findIndex((s) => t in s);
      minByTrack[t] = Math.min(...this.samples.slice(from).map((s) => s[t] ?? 0));
    }
    const before = new Set(Object.values(this.first).flat());
    const after = new Set(Object.values(this.last).flat());
    return {
      events: this.samples.length,
      minTotal: Math.min(...this.samples.map(total)),
      minByTrack, before: this.first, after: this.last,
      created: [...this.seen].filter((uid) => !before.has(uid)).length,
      deleted: [...before].filter((uid) => !after.has(uid)).length,
      injectionChecked: this.routes ? this.seen.size : 0,
      uninjected: [...this.uninjected],
      ...(this.broken && { broken: this.broken }),
    };
  }
}
