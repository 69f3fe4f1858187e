/**
 * A YAML syntax error as a newcomer can act on it: the line, what is wrong in plain words, and a caret under the
 * spot, instead of the parser's wording and its context block.
 */

interface YamlError { code?: string; linePos?: Array<{ line: number; col: number }>; message: string }

const PLAIN: Record<string, string> = {
  BAD_INDENT: "this line is not lined up with the keys around it: keys of one map start in the same column, and a nested map is indented further than its parent",
  MULTILINE_IMPLICIT_KEY: 'a key without ": " after it; write "key: value", with a space after the colon',
  TAB_AS_INDENT: "a tab in the indentation; YAML indents with spaces only",
  DUPLICATE_KEY: "this key is already set in the same map; keep one",
  MISSING_CHAR: "a quote, bracket or brace opened above is not closed",
  BLOCK_AS_IMPLICIT_KEY: 'a key spans several lines; write "key: value" on one line',
  UNEXPECTED_TOKEN: "a character YAML does not expect here",
};

/** The column to point at: the tab itself, the first character of a line that is not lined up, or the parser's. */
function column(code: string | undefined, line: string, parsers: number): number {
  if (code === "TAB_AS_INDENT" && line.includes("\t")) return line.indexOf("\t") + 1;
  // Where indentation is the problem the parser points at column 1; the line's first character is what moved.
  if (code === "BAD_INDENT") return Math.max(1, line.search(/[^ \t]/) + 1);
  return parsers;
}

/**
 * The first `[` or `{` still open on a line before `beforeLine` (quotes and comments skipped). A flow collection
 * left open swallows the lines after it, so the parser trips later, often on indentation or at the end of the
 * file: the opener is where the mistake is.
 */
export function unclosedBracket(text: string, beforeLine: number): { line: number; col: number; char: string } | undefined {
  const open: Array<{ line: number; col: number; char: string }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < Math.min(lines.length, beforeLine - 1); i++) {
    let quote: string | undefined;
    for (let j = 0; j < lines[i].length; j++) {
      const c = lines[i][j];
      if (quote) { if (c === quote) quote = undefined; continue; }
      if (c === '"' || c === "'") quote = c;
      else if (c === "#" && (j === 0 || /\s/.test(lines[i][j - 1]))) break;
      else if (c === "[" || c === "{") open.push({ line: i + 1, col: j + 1, char: c });
      else if ((c === "]" || c === "}") && open.length > 0) open.pop();
    }
  }
  return open[0];
}

function caret(text: string, line: number, col: number, words: string): string {
  const shown = (text.split(/\r?\n/)[line - 1] ?? "").replace(/\t/g, "→");
  const gutter = String(line);
  return `line ${line}, column ${col}: ${words}\n  ${gutter} | ${shown}\n  ${" ".repeat(gutter.length)} | ${" ".repeat(col - 1)}^`;
}

export function yamlProblem(text: string, error: unknown): string {
  const e = error as YamlError;
  const pos = e.linePos?.[0];
  const opener = unclosedBracket(text, pos?.line ?? text.split(/\r?\n/).length + 1);
  if (opener) {
    const closer = opener.char === "[" ? "]" : "}";
    return caret(text, opener.line, opener.col, `this ${opener.char} is never closed: add ${closer} where the ${opener.char === "[" ? "list" : "map"} ends (YAML reads the lines after it as part of it)`);
  }
  const words = (e.code && PLAIN[e.code]) ?? e.message.split(" at line ")[0].split("\n")[0];
  if (!pos) return words;
  const line = text.split(/\r?\n/)[pos.line - 1] ?? "";
  return caret(text, pos.line, column(e.code, line, pos.col), words);
}
