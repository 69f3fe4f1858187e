/**
 * tools/engine/launch.js: `npm run render|rollout|diff` start from the compiled build when it was built from the sources on
 * disk, else through ts-node; either way the output is the command's.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runTool } from "../support/run";

const { sourceDigest, builtDigest } = require("../../components/build-digest.js");
const DIGEST = path.join(ROOT, ".build", "SOURCE_DIGEST");

function launch(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "tools/engine/launch.js"), ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 60000, env: { ...process.env, LAUNCH_TRACE: "1" },
  });
  const [trace, ...rest] = r.stderr.split("\n");
  return { status: r.status, stdout: r.stdout, trace, stderr: rest.join("\n") };
}

describe("the command launcher (tools/engine/launch.js)", function () {
  this.timeout(120000);
  let expected: string;

  before(() => {
    // `npm ci` built it (prepare); rebuilt only when the sources changed since, as after an edit.
    if (builtDigest(ROOT) !== sourceDigest(ROOT)) {
      const build = spawnSync("npm", ["run", "-s", "build:tools"], { cwd: ROOT, encoding: "utf8" });
      assert.strictEqual(build.status, 0, build.stdout + build.stderr);
    }
    expected = runTool("render", ["--stack", "dev"]).stdout;
  });

  it("runs the compiled render when the build matches the sources, printing what render prints", () => {
    const r = launch(["render", "--stack", "dev"]);
    assert.strictEqual(r.trace, "launch: compiled");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout, expected);
  });

  it("falls back to ts-node when the sources changed since the build, printing the same", () => {
    const stamped = fs.readFileSync(DIGEST, "utf8");
    fs.writeFileSync(DIGEST, "0".repeat(64));
    try {
      const r = launch(["render", "--stack", "dev"]);
      assert.match(r.trace, /^launch: ts-node \(sources changed since the build/);
      assert.strictEqual(r.stdout, expected);
    } finally {
      fs.writeFileSync(DIGEST, stamped);
    }
  });

  it("reports bad config from the compiled build as render does: exit 1, one line, nothing on stdout", () => {
    const file = path.join(ROOT, "tests/fixtures/invalid/Pulumi.canary-equals-stable.yaml");
    const r = launch(["render", "--stack-file", file]);
    assert.strictEqual(r.trace, "launch: compiled");
    assert.strictEqual(r.status, 1);
    assert.strictEqual(r.stdout, "");
    assert.strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /canary\.revision is "1-25-1"/);
  });

  it("refuses a command it does not know", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "tools/engine/launch.js"), "deploy"], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /the command is "deploy"; use one of render, rollout, diff/);
  });

  it("was stamped by the build with the digest of the sources as they are", () => {
    assert.strictEqual(builtDigest(ROOT), sourceDigest(ROOT));
  });
});

describe("the source digest (components/build-digest.js)", () => {
  let dir: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "digest-"));
    write("components/a.ts", "export const a = 1;\n");
    write("stacks/index.ts", "import '../components/a';\n");
    write("tools/render/main.ts", "// render\n");
    write("tsconfig.json", "{}");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const changes: Array<[what: string, change: () => void]> = [
    ["a source's text", () => write("components/a.ts", "export const a = 2;\n")],
    ["a new source", () => write("tools/new.ts", "")],
    ["a removed source", () => fs.rmSync(path.join(dir, "stacks/index.ts"))],
    ["a renamed source", () => fs.renameSync(path.join(dir, "tools/render/main.ts"), path.join(dir, "tools/render2.ts"))],
    ["the compiler settings", () => write("tsconfig.json", '{"compilerOptions":{}}')],
  ];
  for (const [what, change] of changes) {
    it(`changes with ${what}`, () => {
      const before = sourceDigest(dir);
      change();
      assert.notStrictEqual(sourceDigest(dir), before);
    });
  }

  it("does not change with files the commands do not load", () => {
    const before = sourceDigest(dir);
    write("README.md", "# x\n");
    write("tests/a.test.ts", "");
    write("components/notes.txt", "");
    assert.strictEqual(sourceDigest(dir), before);
  });
});
