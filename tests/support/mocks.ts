/** Running code that registers resources under Pulumi's mocks, with the same runner render uses. */
import * as pulumi from "@pulumi/pulumi";
import { Registered, runOffline } from "../../tools/engine/offline";

export async function register(program: () => void, config: Record<string, string> = {}, stack = "test"): Promise<Registered[]> {
  return runOffline({ project: "istio-gateways", stack, config, program });
}

/** An Output's value (or a URN's), once the mocks have resolved it. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}
