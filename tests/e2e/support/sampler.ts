/**
 * A gateway's ready pods sampled by listing, for the fault where a watch cannot help: the API server itself goes
 * away. A list that fails (the server is down) is counted, not fatal; while it is down nothing can change the pods'
 * readiness either (kwok and the controllers reach etcd only through it), so the samples around the gap bound it.
 */
import { KubeApi, podServes, sleep } from "../../../tools/cluster/kube-api";
import { podsPath } from "./watch";

export interface SampleReport {
  /** Answered samples. */
  samples: number;
  failedSamples: number;
  /** The longest run of failed samples, from the first failure to the first answer after it (seconds). */
  longestGapSeconds: number;
  /** Answered samples before the first failure and after the last: the gap is bounded on both sides. */
  answeredBefore: number;
  answeredAfter: number;
  /** The fewest ready pods in any answered sample (undefined: none answered). */
  minTotal: number | undefined;
}

export class ReadySampler {
  private running = false;
  private loop?: Promise<void>;
  private readonly counts: number[] = [];
  /** Each sample in order: when it was taken, and whether it was answered. */
  private readonly taken: Array<{ at: number; answered: boolean }> = [];

  constructor(private readonly api: KubeApi, private readonly namespace: string, private readonly selector: Record<string, string>,
    private readonly everyMs = 200) {}

  start(): void {
    this.running = true;
    const path = podsPath(this.namespace, this.selector);
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        try {
          this.counts.push((await this.api.list(path)).filter(podServes).length);
          this.taken.push({ at, answered: true });
        } catch {
          this.taken.push({ at, answered: false });
        }
        await sleep(this.everyMs);
      }
    })();
  }

  async stop(): Promise<SampleReport> {
    this.running = false;
    await this.loop;
    let longest = 0;
    let since: number | undefined;
    for (const t of this.taken) {
      if (!t.answered) since ??= t.at;
      else if (since !== undefined) {
        longest = Math.max(longest, (t.at - since) / 1000);
        since = undefined;
      }
    }
    if (since !== undefined) longest = Math.max(longest, (Date.now() - since) / 1000);
    const first = this.taken.findIndex((t) => !t.answered);
    const last = this.taken.length - 1 - [...this.taken].reverse().findIndex((t) => !t.answered);
    return {
      samples: this.counts.length,
      failedSamples: this.taken.filter((t) => !t.answered).length,
      longestGapSeconds: longest,
      // Every sample before the first failure and after the last was answered.
      answeredBefore: first < 0 ? this.counts.length : first,
      answeredAfter: first < 0 ? 0 : this.taken.length - 1 - last,
      // No answered sample bounds nothing: undefined, never Math.min()'s Infinity, which passes any floor.
      minTotal: this.counts.length === 0 ? undefined : Math.min(...this.counts),
    };
  }
}
