import * as assert from "assert";
import { planGateway, validateGateway } from "../../components/core";

// The restart token (components/core/plan/restart.ts) is regenerated when its keepers change, and only then: what
// they hold decides which `pulumi up` restarts a track's pods.
describe("restart keepers", () => {
  const keepers = (config: Record<string, unknown>) => {
    const where = { stack: "t", gateway: "gw" };
    return planGateway(validateGateway(where, { namespace: "ns", replicas: 4, revision: "1-25-1", ...config })).tracks.map((t) => t.restartKeepers);
  };

  it("hold the track's revision and the gateway's restartGeneration", () => {
    assert.deepStrictEqual(keepers({ restartGeneration: 2 }), [{ revision: "1-25-1", restartGeneration: "2" }]);
  });

  it("differ between the two tracks of a canary, so each track's token is its own", () => {
    assert.deepStrictEqual(keepers({ canary: { revision: "1-26-0", weight: 50, previousWeight: 50 } }),
      [{ revision: "1-25-1", restartGeneration: "0" }, { revision: "1-26-0", restartGeneration: "0" }]);
  });

  it("name the default track for pods of the default revision", () => {
    assert.deepStrictEqual(keepers({ revision: undefined }), [{ revision: "default", restartGeneration: "0" }]);
  });
});
