/**
 * The gateway's identity and its access to TLS secrets.
 *
 * Gateways read certificates through SDS, which needs `get`, `watch` and `list` on Secrets in their own
 * namespace (as the istio/gateway chart grants). A dedicated ServiceAccount keeps that grant off `default`.
 */
import { commonLabels, Role, RoleBinding, ServiceAccount } from "../model";

export interface Rbac {
  serviceAccount: ServiceAccount;
  role: Role;
  roleBinding: RoleBinding;
}

export function planRbac(gateway: string, namespace: string): Rbac {
  const metadata = { name: gateway, namespace, labels: commonLabels(gateway) };
  return {
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata },
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata,
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "watch", "list"] }],
    },
    roleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: gateway },
      subjects: [{ kind: "ServiceAccount", name: gateway, namespace }],
    },
  };
}
