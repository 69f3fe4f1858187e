/**
 * A newcomer's first mistakes, answered so they can act: YAML syntax errors with the line and a caret, "did you
 * mean" for near misses, and `--help` on every command.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { didYouMean, distance, GATEWAY_KEYS, nearest } from "../../components/core";
import { HELP } from "../../tools/engine/help";
import { yamlProblem } from "../../tools/engine/yaml-error";
import { parse } from "yaml";
import { ROOT } from "../support/run";

function problem(text: string): string {
  try {
    parse(text);
  } catch (e) {
    return yamlProblem(text, e);
  }
  throw new Error("the text parsed");
}

describe("YAML syntax errors", () => {
  const gw = "config:\n  istio-gateways:gateways:\n    gw:\n";
  const table: Array<[mistake: string, text: string, words: string, line: string, caretColumn: number]> = [
    ["a key indented one space less than its neighbours", `${gw}      namespace: ns\n     replicas: 3\n`, "not lined up", "  5 |      replicas: 3", 6],
    ["a key without a space after the colon", `${gw}      namespace ns\n      replicas: 3\n`, 'write "key: value"', "  4 |       namespace ns", 7],
    ["a tab in the indentation", `${gw}\tnamespace: ns\n`, "tab", "  4 | →namespace: ns", 1],
    ["a key set twice", `${gw}      replicas: 2\n      replicas: 3\n`, "already set", "  5 |       replicas: 3", 7],
    ["a [ never closed, the next key swallowed", `${gw}      routeNamespaces: [a, b\n      replicas: 3\n`, "this [ is never closed", "  4 |       routeNamespaces: [a, b", 24],
    ["a { never closed at the end of the file", `${gw}      podLabels: { a: b\n`, "this { is never closed", "  4 |       podLabels: { a: b", 18],
    ["a list closed on a later line, then a bad indent", `${gw}      routeNamespaces: [a,\n        b]\n     replicas: 3\n`, "not lined up", "  6 |      replicas: 3", 6],
  ];
  for (const [mistake, text, words, line, col] of table) {
    it(`${mistake}: names the line, says what is wrong in plain words, and puts a caret under it`, () => {
      const [head, shown, caret] = problem(text).split("\n");
      assert.ok(head.includes(words), head);
      assert.match(head, new RegExp(`^line ${line.trim().split(" ")[0]}, column ${col}: `));
      assert.strictEqual(shown, line);
      assert.strictEqual(caret.indexOf("^") - caret.indexOf("|") - 2, col - 1, `${shown}\n${caret}`);
    });
  }
  it("never shows the parser's own wording", () => assert.ok(!problem(`${gw}      namespace ns\n      replicas: 3\n`).includes("Implicit keys")));
});

describe("did you mean", () => {
  const table: Array<[typed: string, known: readonly string[], want: string | undefined]> = [
    ["replica", GATEWAY_KEYS, "replicas"],
    ["namespce", GATEWAY_KEYS, "namespace"],
    ["revison", GATEWAY_KEYS, "revision"],
    ["tolerations", GATEWAY_KEYS, "tolerations"],
    ["colour", GATEWAY_KEYS, undefined],
    ["x", GATEWAY_KEYS, undefined],
    ["istio-gateway:gateways", ["istio-gateways:gateways"], "istio-gateways:gateways"],
    ["gatewayTopolgy", ["gatewayTopology", "concurrency"], "gatewayTopology"],
  ];
  for (const [typed, known, want] of table) it(`${typed} → ${want ?? "nothing"}`, () => assert.strictEqual(nearest(typed, known), want));
  it("says nothing for an exact match", () => assert.strictEqual(didYouMean("replicas", GATEWAY_KEYS), ""));
  it("counts a swap of two neighbours as one edit", () => assert.strictEqual(distance("replcia", "replica"), 1));
});

describe("--help", function () {
  this.timeout(60000);
  const launch = fs.readFileSync(path.join(ROOT, "tools/engine/launch.js"), "utf8");
  const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
  const commands = fs.readdirSync(path.join(ROOT, "tools")).filter((d) => fs.existsSync(path.join(ROOT, "tools", d, "main.ts")));

  it("every command folder has an npm script and a help text", () => {
    for (const c of commands) {
      assert.ok(scripts.includes(c), `no npm script ${c}`);
      assert.ok(HELP[c]?.startsWith(`usage: npm run`), `no help for ${c}`);
    }
  });
  it("every compiled command starts from launch.js", () => {
    for (const c of commands) assert.ok(launch.includes(`"${c}"`), `${c} is not in launch.js`);
  });
  it("render documents --format", () => assert.match(HELP.render, /--format json/));
  // Each command's --help and a mistyped option, as processes: tests/tools/commands.test.ts.
});
