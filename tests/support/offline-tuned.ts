/**
 * mocha `require`: the test workers register resources under the offline runner as `npm run render` does, with
 * its tuning (tools/engine/offline.ts tuneForOfflineRun: no per-resource source positions), which makes each
 * offline run several times cheaper. tests/tools/offline-tuning.test.ts checks the tuning in a process of its own.
 * The commands also cap stack traces at one frame; the workers do not: a failing test must show where it failed.
 */
import { tuneForOfflineRun } from "../../tools/engine/offline";

const frames = Error.stackTraceLimit;
tuneForOfflineRun();
Error.stackTraceLimit = frames;
