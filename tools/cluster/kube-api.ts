/**
 * A small client of the local API server: bearer token, loopback, its self-signed certificate accepted. The
 * cluster command, the load-balancer stand-in and the e2e watchers use it; kubectl is for people.
 */
import * as https from "https";

export interface KubeTarget {
  /** https://127.0.0.1:<port> */
  server: string;
  token: string;
}

export class KubeApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** One keep-alive connection pool per process: the watchers poll several times a second. */
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 8 });

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export class KubeApi {
  constructor(readonly target: KubeTarget) {}

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  /** The object, or undefined when the API server says 404. */
  async find<T = KubeObject>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list(path: string): Promise<KubeObject[]> {
    return (await this.get<{ items: KubeObject[] }>(path)).items;
  }

  create<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  /** A JSON merge patch (RFC 7386). */
  patch<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, body, "application/merge-patch+json");
  }

  delete<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  /**
   * A GET whose pooled connection the API server had already closed (idle a while: "socket hang up", seen once
   * after a minute-long pip install in the languages suite) is sent again on a fresh one; a GET changes nothing.
   */
  async request<T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    try {
      return await this.send<T>(method, path, body, contentType);
    } catch (e) {
      if (method !== "GET" || (e as NodeJS.ErrnoException).code !== "ECONNRESET") throw e;
      return this.send<T>(method, path, body, contentType);
    }
  }

  private async send<T>(method: string, path: string, body: unknown, contentType: string): Promise<T> {
    const { status, text } = await this.exchange(method, path, body, contentType);
    if (status >= 300) throw new KubeApiError(status, `${method} ${path}: ${status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** One request and its whole answer, whatever the status: the status, the body, and the raw headers (name, value, …). */
  private exchange(method: string, path: string, body: unknown, contentType = "application/json"): Promise<{ status: number; text: string; rawHeaders: string[] }> {
    const url = new URL(path, this.target.server);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        method, agent, timeout: 15000,
        headers: {
          authorization: `Bearer ${this.target.token}`, accept: "application/json",
          ...(data && { "content-type": contentType, "content-length": data.length }),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), rawHeaders: res.rawHeaders }));
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
      req.on("error", reject);
      if (data) req.write(data);
      req.end();
    });
  }

  /**
   * `kubectl apply --dry-run=server` for a new object: the API server runs every admission step (schema, CEL rules,
   * validating webhooks) and stores nothing. Denials are answers here, not errors: the status, the message, and the
   * warnings the webhooks gave (the `Warning: 299 - "<text>"` headers).
   */
  async dryRunCreate(path: string, body: unknown): Promise<{ status: number; message: string; warnings: string[] }> {
    const { status, text, rawHeaders } = await this.exchange("POST", `${path}?dryRun=All`, body);
    // Raw: Node joins repeated headers with ", ", which a warning's text may contain too. RFC 7234 warn-text:
    // 299 - "text", the text quoted with \" escapes; one header per warning.
    const warnings = rawHeaders.flatMap((h, i) => (i % 2 === 0 && h.toLowerCase() === "warning" ? [rawHeaders[i + 1]] : []))
      .map((h) => /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(h)?.[1]?.replace(/\\(.)/g, "$1") ?? h);
    let message = "";
    if (status >= 300) {
      try { message = (JSON.parse(text) as { message?: string }).message ?? text; } catch { message = text; }
    }
    return { status, message, warnings };
  }

  /**
   * Streams a watch (`?watch=true` from `resourceVersion`): `onEvent` gets every change the API server reports,
   * in order; `onEnd` is told if the stream ends before the returned function closes it.
   */
  watch(path: string, resourceVersion: string, onEvent: (type: string, object: KubeObject) => void, onEnd: (why: string) => void): () => void {
    let closed = false;
    const url = new URL(path, this.target.server);
    url.searchParams.set("watch", "true");
    url.searchParams.set("resourceVersion", resourceVersion);
    let buffered = "";
    // A connection of its own: a watch holds it open, which would starve the shared pool.
    const req = https.get(url, { agent: new https.Agent({ rejectUnauthorized: false }), headers: { authorization: `Bearer ${this.target.token}` } }, (res) => {
      if (res.statusCode !== 200) onEnd(`status ${res.statusCode}`);
      res.on("end", () => { if (!closed) onEnd("the API server closed it"); });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) {
            const event = JSON.parse(line) as { type: string; object: KubeObject };
            onEvent(event.type, event.object);
          }
        }
      });
    });
    req.on("error", (e) => { if (!closed) onEnd(e.message); });
    return () => {
      closed = true;
      req.destroy();
    };
  }

  /** The API server's /readyz body: "ok" once every check passes (its exit code alone says little). */
  async ready(): Promise<boolean> {
    try {
      return (await this.requestText("/readyz")).trim() === "ok";
    } catch {
      return false;
    }
  }

  private requestText(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = https.get(new URL(path, this.target.server), { agent, timeout: 5000, headers: { authorization: `Bearer ${this.target.token}` } }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(text));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
    });
  }
}

/** Whether the pod's Ready condition is True, as the API server stores it. */
export function podReady(pod: KubeObject): boolean {
  const conditions = (pod.status?.conditions ?? []) as Array<{ type: string; status: string }>;
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** Whether a pod counts as capacity: Ready, and not on its way out (endpoints drop terminating pods). */
export function podServes(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && podReady(pod);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}
