/**
 * `npm run fleet -- <plan|next|status|abort> --fleet <fleet.yaml> [--wave <name>]`
 *
 * Moves one control-plane revision across many stacks in waves (docs/fleet.md): exit 0 moved, 2 halted,
 * 1 a mistake in the files or the command line.
 */
import { runMain } from "../engine/command";
import { fleetCommand } from "./command";

runMain(fleetCommand);
