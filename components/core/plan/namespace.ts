/**
 * The namespace a gateway runs in, when the component (or the stack) creates it.
 *
 * It never carries `istio-injection` or `istio.io/rev`: a namespace label overrides the pods' own injection
 * labels, which would either leave `image: auto` uninjected or pin every track to one revision. Validation
 * refuses those labels; this builder only copies what passed.
 */
import { Namespace } from "../model";

export function planNamespace(name: string, labels: Record<string, string>): Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { ...labels, "app.kubernetes.io/managed-by": "pulumi-istio-gateway" } },
  };
}
