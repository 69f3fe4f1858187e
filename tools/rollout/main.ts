/**
 * `npm run rollout -- --stack <name> <status|next|back|abort|promote> [--gateway <g>] [--force]`
 *
 * Moves a canary one step in `Pulumi.<name>.yaml` (comments and layout kept) and prints the plan; `status` only
 * prints. Anything that makes no sense is refused with a message and leaves the file untouched.
 */
import { runMain } from "../engine/command";
import { rollout } from "./command";

runMain(rollout);
