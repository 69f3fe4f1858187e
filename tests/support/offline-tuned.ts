/**
 * mocha `require`: the test workers register resources under the offline runner as `npm run render` does, with
 * its tuning (tools/engine/offline.ts tuneForOfflineRun: no per-resource source positions, one-frame stacks),
 * which makes each offline run several times cheaper. tests/tools/offline-tuning.test.ts checks the tuning in a
 * process of its own.
 */
import { tuneForOfflineRun } from "../../tools/engine/offline";

tuneForOfflineRun();
