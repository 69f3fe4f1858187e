import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile, SECRET_PLACEHOLDER, stackNameOf } from "../../tools/engine/stack-file";

function stackFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-")), `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

const project = { name: "istio-gateways", main: "", dir: "" };

describe("stack file reader", () => {
  it("passes objects to the runtime as JSON, as the CLI does", () => {
    const s = readStackFile(project, stackFile("a", "config:\n  istio-gateways:gateways:\n    gw: { namespace: ns, replicas: 3 }\n"));
    assert.deepStrictEqual(s.config, { "istio-gateways:gateways": '{"gw":{"namespace":"ns","replicas":3}}' });
  });

  it("reads a key without a namespace as the project's", () => {
    assert.deepStrictEqual(readStackFile(project, stackFile("b", "config:\n  region: eu\n")).config, { "istio-gateways:region": "eu" });
  });

  it("replaces a secure value by the placeholder and marks the key secret", () => {
    const s = readStackFile(project, stackFile("c", "config:\n  kubernetes:kubeconfig:\n    secure: AAAB==\n"));
    assert.deepStrictEqual(s.config, { "kubernetes:kubeconfig": SECRET_PLACEHOLDER });
    assert.deepStrictEqual(s.secretKeys, ["kubernetes:kubeconfig"]);
  });

  it("replaces a secure value nested in an object and marks the whole key secret", () => {
    const s = readStackFile(project, stackFile("d", "config:\n  istio-gateways:gateways:\n    gw: { namespace: { secure: AAAB== } }\n"));
    assert.deepStrictEqual(JSON.parse(s.config["istio-gateways:gateways"]), { gw: { namespace: SECRET_PLACEHOLDER } });
    assert.deepStrictEqual(s.secretKeys, ["istio-gateways:gateways"]);
  });

  it("takes the stack name from the file name", () => {
    assert.strictEqual(stackNameOf("/x/Pulumi.prod-eu.yaml"), "prod-eu");
    assert.throws(() => stackNameOf("/x/prod.yaml"), /Pulumi.<stack>.yaml/);
  });
});
