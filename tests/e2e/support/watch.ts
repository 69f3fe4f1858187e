/**
 * Samples a gateway's pods from the API server several times a second while a `pulumi up` runs: ready pods per
 * revision (track), their minimum over the run, and which pods were created and deleted. Capacity is what
 * endpoints would route to: pods that are Ready and not terminating.
 */
import { TRACK_LABEL } from "../../../components/plan/labels";
import { KubeApi, KubeObject, podServes, sleep } from "../../../tools/cluster/kube-api";

export interface Sample {
  at: number;
  /** Ready pods per track. */
  ready: Record<string, number>;
  total: number;
}

export interface WatchReport {
  samples: number;
  /** The fewest ready pods seen at any sample, all tracks together. */
  minTotal: number;
  /** The fewest ready pods of each track seen at any sample (tracks that appeared midway count from then). */
  minByTrack: Record<string, number>;
  /** The longest gap between two samples, in ms: the watcher's resolution. */
  maxGapMs: number;
  /** Pod UIDs per track at the start and at the end. */
  before: Record<string, string[]>;
  after: Record<string, string[]>;
  created: number;
  deleted: number;
}

export class ReadyWatcher {
  private samples: Sample[] = [];
  private running = false;
  private loop?: Promise<void>;
  private seen = new Map<string, string>();
  private first?: Record<string, string[]>;
  private last?: Record<string, string[]>;

  constructor(private readonly api: KubeApi, private readonly namespace: string, private readonly selector: Record<string, string>, private readonly everyMs = 150) {}

  async pods(): Promise<KubeObject[]> {
    const labelSelector = encodeURIComponent(Object.entries(this.selector).map(([k, v]) => `${k}=${v}`).join(","));
    return this.api.list(`/api/v1/namespaces/${this.namespace}/pods?labelSelector=${labelSelector}`);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        await this.sample().catch(() => undefined); // an API hiccup is a missed sample, not a failure
        await sleep(Math.max(0, this.everyMs - (Date.now() - started)));
      }
      await this.sample();
    })();
  }

  /** Stops sampling after one last sample. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async sample(): Promise<void> {
    const pods = await this.pods();
    const ready: Record<string, number> = {};
    const uids: Record<string, string[]> = {};
    for (const pod of pods) {
      const track = pod.metadata.labels?.[TRACK_LABEL] ?? "(none)";
      this.seen.set(pod.metadata.uid as string, track);
      if (!pod.metadata.deletionTimestamp) (uids[track] ??= []).push(pod.metadata.uid as string);
      if (podServes(pod)) ready[track] = (ready[track] ?? 0) + 1;
    }
    this.first ??= uids;
    this.last = uids;
    this.samples.push({ at: Date.now(), ready, total: Object.values(ready).reduce((a, b) => a + b, 0) });
  }

  report(): WatchReport {
    const tracks = new Set(this.samples.flatMap((s) => Object.keys(s.ready)));
    const minByTrack: Record<string, number> = {};
    for (const t of tracks) {
      const from = this.samples.findIndex((s) => t in s.ready);
      minByTrack[t] = Math.min(...this.samples.slice(from).map((s) => s.ready[t] ?? 0));
    }
    const gaps = this.samples.slice(1).map((s, i) => s.at - this.samples[i].at);
    const before = this.first ?? {};
    const after = this.last ?? {};
    const flat = (m: Record<string, string[]>) => new Set(Object.values(m).flat());
    const [b, a] = [flat(before), flat(after)];
    return {
      samples: this.samples.length,
      minTotal: Math.min(...this.samples.map((s) => s.total)),
      minByTrack, maxGapMs: Math.max(0, ...gaps), before, after,
      created: [...this.seen.keys()].filter((uid) => !b.has(uid)).length,
      deleted: [...b].filter((uid) => !a.has(uid)).length,
    };
  }
}
