/**
 * "Did you mean": the known word nearest a mistyped one, for messages about unknown keys. Near means at most
 * a third of the word's letters apart (edits, counting a swap of two neighbours as one), or one word of four letters
 * or more the prefix of the other (`replica` → `replicas`).
 */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { word: string; distance: number } | undefined;
  for (const k of known) {
    const prefix = Math.min(k.length, word.length) >= 4 && (k.startsWith(word) || word.startsWith(k));
    const d = prefix ? 1 : distance(word.toLowerCase(), k.toLowerCase());
    if (d <= limit && (best === undefined || d < best.distance)) best = { word: k, distance: d };
  }
  return best?.word;
}

/** ` Did you mean "x"?`, or nothing. */
export function didYouMean(word: string, known: readonly string[]): string {
  const k = nearest(word, known);
  return k === undefined || k === word ? "" : `did you mean "${k}"? `;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
