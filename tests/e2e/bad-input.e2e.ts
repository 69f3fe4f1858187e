/**
 * Bad input at the real engine: ten cases of the bad-input corpus (tests/fixtures/bad-input.yaml, which npm test
 * runs through render) through `pulumi preview` and `pulumi up` on a live cluster. Each must exit non-zero with the
 * corpus' words in one error line and no stack trace, and leave nothing in the stack's state or on the cluster.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT } from "../support/run";
import { useCluster } from "./support/cluster";
import { CommandResult, Workspace } from "./support/workspace";

interface Case { name: string; expect: string[]; strict?: boolean; gateway?: unknown; gateways?: Record<string, unknown>; config?: Record<string, unknown> }

/** One per area of the validator: keys, counts, revisions, canary, servers, TLS, namespaces, service, budget, timeouts. */
const CHOSEN = [
  "unknown-key", "replicas-zero", "revision-dots", "weight-not-in-steps", "duplicate-port-name",
  "tls-without-credential", "create-system-namespace", "service-type-unknown", "budget-blocks-drain", "update-timeout-too-short",
];

const corpus = (parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/bad-input.yaml"), "utf8")) as { cases: Case[] }).cases;
const cases = CHOSEN.map((name) => {
  const c = corpus.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name} in the bad-input corpus`);
  return c;
});

/** The engine's own error lines for the program: "error: <message>" less its closing "update failed"-style lines. */
function programErrors(r: CommandResult): string[] {
  return (r.stdout + r.stderr).split("\n").map((l) => l.trim()).filter((l) => l.startsWith("error:") && !/^error: (update|preview) failed$/.test(l));
}

describe("bad input at the real engine: pulumi preview and pulumi up refuse it, registering nothing", function () {
  // Nothing here creates a pod: no istiod to start.
  const cluster = useCluster({ istiod: false });
  let ws: Workspace;
  let scratch: string;

  before(async function () {
    this.timeout(5 * 60 * 1000);
    scratch = fs.mkdtempSync(path.join(cluster().state.dir, "bad-"));
    const file = path.join(scratch, "Pulumi.bad.yaml");
    fs.writeFileSync(file, stringify({ config: { "istio-gateways:gateways": { gw: { namespace: "ns" } } } }));
    ws = new Workspace(cluster().state, file);
    await ws.init();
  });
  after(() => ws?.remove());

  for (const c of cases) {
    it(`${c.name}: ${c.expect.map((e) => JSON.stringify(e)).join(" and ")}`, async () => {
      // The case's config, with the workspace's encryption salt kept (pulumi stack init wrote it).
      const salt = (parse(fs.readFileSync(ws.stackFile, "utf8")) as { encryptionsalt?: string }).encryptionsalt;
      const config = c.config ?? { "istio-gateways:gateways": c.gateways ?? { gw: c.gateway }, ...(c.strict && { "istio-gateways:strict": true }) };
      fs.writeFileSync(ws.stackFile, stringify({ ...(salt && { encryptionsalt: salt }), config }));
      const preview = await ws.pulumi(["preview"]);
      const up = await ws.pulumi(["up", "--yes", "--skip-preview"]);
      for (const [what, r] of [["preview", preview], ["up", up]] as const) {
        const errors = programErrors(r);
        process.stdout.write(`      ${c.name}, pulumi ${what}: exit ${r.code} in ${r.seconds.toFixed(1)} s: ${errors.join(" / ").slice(0, 220)}\n`);
        assert.notStrictEqual(r.code, 0);
        assert.strictEqual(errors.length, 1, errors.join("\n"));
        assert.match(errors[0], new RegExp(`^error: stack "bad", gateway`), errors[0]);
        for (const words of c.expect) assert.ok(errors[0].includes(words), `"${words}" not in: ${errors[0]}`);
        assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(r.stdout + r.stderr), `a stack trace:\n${r.stdout}${r.stderr}`);
      }
      const state = JSON.parse((await ws.must(["stack", "export"])).stdout) as { deployment: { resources?: Array<{ type: string }> } };
      const registered = (state.deployment.resources ?? []).map((x) => x.type).filter((t) => t !== "pulumi:pulumi:Stack");
      assert.deepStrictEqual(registered, [], "resources in the stack's state");
    });
  }

  it("left nothing on the cluster: no gateway Deployment in any namespace", async () => {
    const deployments = await cluster().api.list("/apis/apps/v1/deployments");
    assert.deepStrictEqual(deployments.map((d) => `${d.metadata.namespace}/${d.metadata.name}`), []);
  });
});
