/**
 * mocha `require`: the test workers register resources under the offline runner as `npm run render` does, with
 * its tuning (tools/engine/offline.ts tuneForOfflineRun: no stacks formatted for the SDK's own bookkeeping), which
 * makes each offline run several times cheaper. Every other stack stays whole: a failing test shows where.
 * tests/tools/offline-tuning.test.ts checks the tuning in a process of its own.
 */
import { tuneForOfflineRun } from "../../tools/engine/offline";

tuneForOfflineRun();
