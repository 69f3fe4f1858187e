/**
 * `npm run bench -- --engine` works end to end at its smallest size: one gateway, one round, on its own cluster;
 * the figures themselves are docs/BENCHMARKS.md's, never asserted.
 */
import * as assert from "assert";
import { engineBench } from "../../tools/bench/engine";

describe("the real-engine benchmark (npm run bench -- --engine)", function () {
  this.timeout(10 * 60 * 1000);

  it("previews and updates the component and the flat program on one cluster, and prints their ratios", async () => {
    const lines: string[] = [];
    await engineBench([1], 1, (line = "") => lines.push(line));
    const row = lines.find((l) => l.startsWith("| 1 |"));
    assert.ok(row, lines.join("\n"));
    const cells = row.split("|").map((c) => c.trim()).filter(Boolean);
    assert.strictEqual(cells[1], "9", "the flat program declares the component's 9 objects");
    for (const ratio of [cells[4], cells[6], cells[9]]) assert.ok(Number(ratio) > 0, row);
  });
});
