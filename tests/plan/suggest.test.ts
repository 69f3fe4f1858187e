import * as assert from "assert";
import * as fc from "fast-check";
import { didYouMean, distance, nearest } from "../../components/core";

// "Did you mean" in messages about unknown keys (validate/read.ts, validate/proxy-config.ts) rests on these rules.
describe("did you mean: the distance between two words", () => {
  // Optimal string alignment: insertions, deletions, substitutions and a swap of two neighbours each cost 1.
  const cases: Array<[a: string, b: string, d: number, why: string]> = [
    ["", "", 0, "two empty words are equal"],
    ["", "abc", 3, "from nothing, one insertion per letter"],
    ["abc", "", 3, "to nothing, one deletion per letter"],
    ["replicas", "replicas", 0, "a word is 0 from itself"],
    ["replicas", "replica", 1, "one deletion"],
    ["replica", "replicas", 1, "one insertion"],
    ["replicas", "reblicas", 1, "one substitution"],
    ["replicas", "erplicas", 1, "a swap of the first two letters is one edit"],
    ["replicas", "replicsa", 1, "a swap of the last two letters is one edit"],
    ["weight", "wieght", 1, "a swap in the middle is one edit"],
    ["ab", "ba", 1, "a two-letter word swapped"],
    ["abc", "ca", 3, "optimal string alignment edits no substring twice (Damerau's true distance would be 2)"],
    ["kitten", "sitting", 3, "the textbook case: two substitutions and an insertion"],
    ["canary", "stable", 6, "unrelated words of equal length: every letter substituted"],
    ["abcd", "badc", 2, "two separate swaps"],
    ["ab", "aab", 1, "a doubled letter"],
  ];
  for (const [a, b, d, why] of cases) {
    it(`"${a}" → "${b}" is ${d}: ${why}`, () => {
      assert.strictEqual(distance(a, b), d);
    });
  }

  it("is symmetric, 0 only between equal words, and at most the longer word's length", () => {
    fc.assert(fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
      const d = distance(a, b);
      assert.strictEqual(distance(b, a), d);
      assert.strictEqual(d === 0, a === b);
      assert.ok(d <= Math.max(a.length, b.length) && d >= Math.abs(a.length - b.length), `${JSON.stringify(a)} ${JSON.stringify(b)}: ${d}`);
    }));
  });
});

describe("did you mean: the known word nearest a mistyped one", () => {
  const known = ["replicas", "revision", "canary", "weight", "stable", "hpa", "tls"];
  const cases: Array<[word: string, expected: string | undefined, why: string]> = [
    ["replicsa", "replicas", "one swap is near"],
    ["Replicas", "replicas", "case does not count"],
    ["revison", "revision", "one letter left out"],
    ["replica", "replicas", "one letter short (also a prefix)"],
    ["repl", "replicas", "a prefix of four letters or more is near, however short"],
    ["rep", undefined, "a prefix of three letters is not"],
    ["replicasCount", "replicas", "a known word of four letters or more that starts the mistyped one is near"],
    ["hpaMax", undefined, "a known word of three letters that starts it is not"],
    ["canray", "canary", "a swap"],
    ["cnry", undefined, "two edits in a four-letter word are more than a third of it"],
    ["wieghts", "weight", "two edits in a seven-letter word are within a third of it"],
    ["stbl", undefined, "two edits in four letters: too far"],
    ["tsl", "tls", "a three-letter word may be one edit off"],
    ["xyz", undefined, "nothing near"],
    ["", undefined, "an empty word is near nothing of four letters or more, and one edit from nothing known here"],
  ];
  for (const [word, expected, why] of cases) {
    it(`"${word}" → ${expected === undefined ? "nothing" : `"${expected}"`}: ${why}`, () => {
      assert.strictEqual(nearest(word, known), expected);
    });
  }

  it("takes the nearest of several near words, the first listed on a tie", () => {
    assert.strictEqual(nearest("weigth", ["weights", "weight"]), "weight", "a swap (1) beats a swap and an insertion (2)");
    assert.strictEqual(nearest("abcdeX", ["abcdeY", "abcdeZ"]), "abcdeY", "equal distance: the first");
    assert.strictEqual(nearest("abcdeX", ["abcdXY", "abcdeZ"]), "abcdeZ", "a later nearer word replaces an earlier one");
  });

  it("allows one edit per three letters of the mistyped word, and at least one", () => {
    assert.strictEqual(nearest("ab", ["ac"]), "ac");
    assert.strictEqual(nearest("abcdef", ["abXdeY"]), "abXdeY");
    assert.strictEqual(nearest("abcdef", ["aXcYeZ"]), undefined);
    assert.strictEqual(nearest("abcdefghi", ["aXcYeZghi"]), "aXcYeZghi");
  });

  it("never suggests a word farther than the limit, and finds an exact match", () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 10 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 6 }), (word, words) => {
      const k = nearest(word, words);
      if (words.includes(word)) assert.notStrictEqual(k, undefined);
      if (k === undefined) return;
      const prefix = Math.min(k.length, word.length) >= 4 && (k.startsWith(word) || word.startsWith(k));
      assert.ok(prefix || distance(word.toLowerCase(), k.toLowerCase()) <= Math.max(1, Math.floor(word.length / 3)));
    }));
  });
});

describe("did you mean: the words in a message", () => {
  it("names the nearest known word as a question, with a space after it", () => {
    assert.strictEqual(didYouMean("replicsa", ["replicas"]), `did you mean "replicas"? `);
  });

  it("says nothing when no known word is near", () => {
    assert.strictEqual(didYouMean("xyz", ["replicas"]), "");
  });

  it("says nothing when the word is the known word itself", () => {
    assert.strictEqual(didYouMean("replicas", ["replicas"]), "");
  });
});
