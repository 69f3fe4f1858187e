/**
 * `npm run adopt -- --stack <name> --from <live.yaml> --gateway <name> --revision <new revision>`
 *
 * Writes a gateway's stack-file entry from the objects of an install that runs already (istioctl, the
 * istio/gateway chart, plain YAML), so that `pulumi up` imports them instead of creating new ones beside them
 * (docs/adoption.md).
 */
import { runMain } from "../engine/command";
import { adopt } from "./command";

runMain(adopt);
