/**
 * A gateway's ready pods sampled by listing, for the fault where a watch cannot help: the API server itself goes
 * away. A list that fails (the server is down) is counted, not fatal; while it is down nothing can change the pods'
 * readiness either (kwok and the controllers reach etcd only through it), so the samples around the gap bound it.
 */
import { KubeApi, podServes, sleep } from "../../../tools/cluster/kube-api";
import { podsPath } from "./watch";

export interface SampleReport {
  samples: number;
  failedSamples: number;
  /** The fewest ready pods in any answered sample. */
  minTotal: number;
}

export class ReadySampler {
  private running = false;
  private loop?: Promise<void>;
  private readonly counts: number[] = [];
  private failed = 0;

  constructor(private readonly api: KubeApi, private readonly namespace: string, private readonly selector: Record<string, string>,
    private readonly everyMs = 200) {}

  start(): void {
    this.running = true;
    const path = podsPath(this.namespace, this.selector);
    this.loop = (async () => {
      while (this.running) {
        try {
          this.counts.push((await this.api.list(path)).filter(podServes).length);
        } catch {
          this.failed++;
        }
        await sleep(this.everyMs);
      }
    })();
  }

  async stop(): Promise<SampleReport> {
    this.running = false;
    await this.loop;
    return { samples: this.counts.length, failedSamples: this.failed, minTotal: Math.min(...this.counts) };
  }
}
