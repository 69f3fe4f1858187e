/**
 * Preflight of the Gateway API Gateway's listeners: what the Gateway CRD's own CEL rules refuse at apply
 * ("Listener name must be unique within the Gateway", "Combination of port, protocol and hostname must be
 * unique for each listener"), found on the plan and named by the server that made the listener.
 */
import { Finding, Severity, Where } from "../model";
import { PlannedListener } from "../plan";

export const ListenerCode = {
  DuplicateListenerName: "DuplicateListenerName",
  DuplicateListener: "DuplicateListener",
} as const;

export function listenerFindings(where: Where, planned: readonly PlannedListener[]): Finding[] {
  const out: Finding[] = [];
  planned.forEach((p, i) => {
    const before = planned.slice(0, i);
    const named = before.find((o) => o.listener.name === p.listener.name);
    if (named) {
      out.push(new Finding(where, ListenerCode.DuplicateListenerName, Severity.Error, `servers[${p.server}].port.name`, p.listener.name,
        `a listener of servers[${named.server}] already has this name (a server's second and later hosts get listeners named <port name>-2, -3…), and the Gateway API refuses two listeners with one name`,
        "give the servers port names that do not end in -<number>"));
      return;
    }
    const same = before.find((o) => o.listener.port === p.listener.port && o.listener.protocol === p.listener.protocol && o.listener.hostname === p.listener.hostname);
    if (same) {
      out.push(new Finding(where, ListenerCode.DuplicateListener, Severity.Error, `servers[${p.server}].hosts`, p.listener.hostname ?? "*",
        `servers[${same.server}] already makes a ${p.listener.protocol} listener on port ${p.listener.port} for this host, and the Gateway API refuses two listeners with one port, protocol and hostname`,
        "merge the two servers into one (one server may list the host for several namespaces: [\"a/shop.example.com\", \"b/shop.example.com\"])"));
    }
  });
  return out;
}
