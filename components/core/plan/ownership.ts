/**
 * The stack owns every object of a gateway outright, so `pulumi up` puts back what someone changed by hand. The
 * Kubernetes provider applies with server-side apply, and a field another manager wrote since (`kubectl scale`
 * writes `spec.replicas` through the scale subresource, `kubectl patch` or `edit` any field) makes the apply fail
 * with a field conflict, so `pulumi up --refresh` could not repair drift: measured in tests/e2e/faults.e2e.ts.
 * `pulumi.com/patchForce` makes the provider apply with force and take those fields back, as `kubectl apply
 * --server-side --force-conflicts` does. Fields the stack does not set stay with whoever set them: with
 * autoscaling the stack sets no `replicas`, so the HPA's count is never contested.
 */
import { K8sObject } from "../model";

export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

/** The object, marked as the stack's to apply with force. */
export function owned<T extends K8sObject>(object: T): T {
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [PATCH_FORCE_ANNOTATION]: "true" } } };
}
