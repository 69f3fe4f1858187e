/**
 * `npm run render -- --stack <name>`: the process entry of the render command (command.ts; `--help` says it all).
 */
import { runMain } from "../engine/command";
import { tuneForOfflineRun } from "../engine/offline";
import { render } from "./command";

tuneForOfflineRun();
runMain(render);
