/**
 * `npm run reference`: writes docs/config.md from components/args.ts and the validator's defaults; `--check`
 * writes nothing and exits 1 when the committed file differs from a fresh generation.
 */
import * as fs from "fs";
import * as path from "path";
import { fail, parseArgs } from "../engine/cli";
import { PROJECT_DIR } from "../engine/render-stack";
import { configReference } from "./config-reference";

try {
  const { flags } = parseArgs(process.argv.slice(2), "reference");
  const file = path.join(PROJECT_DIR, "docs", "config.md");
  const fresh = configReference(path.join(PROJECT_DIR, "components", "args.ts"));
  if (flags.check === "true") {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (committed !== fresh) {
      process.stderr.write("reference: docs/config.md differs from components/args.ts; run npm run reference and commit it\n");
      process.exitCode = 1;
    } else process.stdout.write("reference: docs/config.md is current\n");
  } else {
    fs.writeFileSync(file, fresh);
    process.stdout.write("reference: wrote docs/config.md\n");
  }
} catch (e) {
  fail(e);
}
