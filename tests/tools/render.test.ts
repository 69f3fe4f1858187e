import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { runInProcess } from "../support/in-process";
import { ROOT, runTool } from "../support/run";

const INVALID = path.join(ROOT, "tests/fixtures/invalid");

describe("render command (in-process; the process boundary in the last tests)", () => {
  for (const stack of ["dev", "prod"]) {
    describe(`--stack ${stack}`, () => {
      let first: Awaited<ReturnType<typeof runInProcess>>;
      before(async () => { first = await runInProcess("render", ["--stack", stack]); });

      it("exits 0 with nothing on stderr", () => {
        assert.strictEqual(first.status, 0, first.stderr);
        assert.strictEqual(first.stderr, "");
      });

      it("prints multi-document YAML of Kubernetes objects", () => {
        const docs = parseAllDocuments(first.stdout).map((d) => d.toJS());
        assert.ok(docs.length >= 7, `${docs.length} documents`);
        for (const doc of docs) {
          assert.deepStrictEqual(Object.keys(doc).slice(0, 3), ["apiVersion", "kind", "metadata"]);
        }
      });

      it("prints byte-identical output on a second run", async () => {
        assert.strictEqual((await runInProcess("render", ["--stack", stack])).stdout, first.stdout);
      });
    });
  }

  it("prints a placeholder for a secure value, never failing on it", async () => {
    const result = await runInProcess("render", ["--stack-file", path.join(ROOT, "tests/fixtures/valid/Pulumi.mixed.yaml")]);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.ok(!result.stdout.includes("FakeCiphertext"));
  });

  it("prints warnings on stderr, keeping stdout pure YAML", async () => {
    const result = await runInProcess("render", ["--stack-file", path.join(ROOT, "tests/fixtures/valid/Pulumi.mixed.yaml")]);
    assert.match(result.stderr, /^warning: stack "mixed", gateway "istio-ingressgateway": canary.previousWeight is missing; \[CanaryDirectionAssumed\]/);
    assert.ok(parseAllDocuments(result.stdout).every((d) => d.errors.length === 0));
  });

  it("refuses with --strict the warning it prints without it, nothing on stdout", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-")), "Pulumi.warned.yaml");
    fs.writeFileSync(file, "config:\n  istio-gateways:gateways:\n    gw: { namespace: edge, servers: [{ port: { number: 15021, protocol: HTTP }, hosts: [\"*\"] }] }\n");
    const lax = await runInProcess("render", ["--stack-file", file]);
    assert.strictEqual(lax.status, 0, lax.stderr);
    assert.match(lax.stderr, /^warning: stack "warned", gateway "gw": servers\[0\]\.port\.number is 15021; \[PortReservedByProxy\]/m);
    const strict = await runInProcess("render", ["--stack-file", file, "--strict"]);
    assert.strictEqual(strict.status, 1, strict.stderr);
    assert.strictEqual(strict.stdout, "");
    assert.match(strict.stderr, /^error: stack "warned", gateway "gw": servers\[0\]\.port\.number is 15021; \[PortReservedByProxy\].*a warning, refused in strict mode/);
  });

  it("refuses --strict with --program: a program's gateways say strict themselves", async () => {
    const result = await runInProcess("render", ["--program", path.join(ROOT, "examples/use-from-program.ts"), "--strict"]);
    assert.strictEqual(result.status, 1);
    assert.match(result.stderr, /--strict sets the stack's istio-gateways:strict/);
  });

  it("warns that a namespace created with retainNamespace: false goes with the stack", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-")), "Pulumi.letgo.yaml");
    fs.writeFileSync(file, "config:\n  istio-gateways:gateways:\n    gw: { namespace: edge, createNamespace: true, retainNamespace: false }\n");
    const result = await runInProcess("render", ["--stack-file", file]);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.match(result.stderr, /^warning: stack "letgo", gateway "gw": retainNamespace is false; \[NamespaceDeletedWithStack\] .*deletes namespace "edge"/m);
  });

  const fixtures = fs.readdirSync(INVALID).filter((f) => f.endsWith(".yaml")).sort();
  for (const fixture of fixtures) {
    const file = path.join(INVALID, fixture);
    const expected = /^# expect: (.*)$/m.exec(fs.readFileSync(file, "utf8"))?.[1];
    it(`refuses ${fixture}: exit 1, "${expected}", no stack trace, nothing on stdout, nothing registered`, async () => {
      assert.ok(expected, `${fixture} has no "# expect:" line`);
      const result = await runInProcess("render", ["--stack-file", file]);
      assert.strictEqual(result.status, 1);
      assert.strictEqual(result.stdout, "");
      assert.ok(result.stderr.includes(expected), result.stderr);
      assert.ok(!/\n\s+at /.test(result.stderr), `stack trace in: ${result.stderr}`);
      assert.deepStrictEqual(result.registered, []);
      // One line; a YAML syntax error adds the offending line and a caret under it.
      const lines = result.stderr.trim().split("\n");
      if (expected.includes("not valid YAML")) assert.match(lines.slice(1).join("\n"), /^ +\d+ \| .*\n +\| +\^$/);
      else assert.strictEqual(lines.length, 1, "more than one line");
    });
  }

  it("names the stacks that exist when asked for one that does not", async () => {
    const result = await runInProcess("render", ["--stack", "staging"]);
    assert.strictEqual(result.status, 1);
    assert.match(result.stderr, /stack "staging": .*Pulumi\.staging\.yaml does not exist; stacks here: dev, prod/);
  });

  it("refuses an unknown option with the options it knows", async () => {
    const result = await runInProcess("render", ["--stak", "dev"]);
    assert.strictEqual(result.status, 1);
    assert.match(result.stderr, /unknown option --stak; did you mean "stack"\? options: --stack, --stack-file/);
  });

  describe("as a process", function () {
    this.timeout(60000);
    it("exits 0 with the YAML on stdout and nothing on stderr", () => {
      const r = runTool("render", ["--stack", "dev"]);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.stderr, "");
      assert.ok(parseAllDocuments(r.stdout).length >= 7);
    });
    it("exits 1 on bad config, the message alone on stderr, nothing on stdout", () => {
      const r = runTool("render", ["--stack-file", path.join(INVALID, "Pulumi.weight-not-in-steps.yaml")]);
      assert.strictEqual(r.status, 1);
      assert.strictEqual(r.stdout, "");
      assert.match(r.stderr, /^error: stack "weight-not-in-steps", gateway "[^"]+": canary.weight is 30; [^\n]*\n$/);
    });
    it("keeps warnings on stderr, stdout pure YAML", () => {
      const r = runTool("render", ["--stack-file", path.join(ROOT, "tests/fixtures/valid/Pulumi.mixed.yaml")]);
      assert.match(r.stderr, /^warning: stack "mixed"/);
      assert.ok(parseAllDocuments(r.stdout).every((d) => d.errors.length === 0));
    });
  });
});
