/**
 * An error thrown inside an Output's apply (a check of what the cluster holds, at preview) reaches the engine as the
 * failed registration of whatever waits on it, printed as the error's `stack`: a configuration mistake would print
 * the component's frames. Its stack is its message alone, so the user reads the message and nothing else.
 */
import * as pulumi from "@pulumi/pulumi";

export function previewFailure(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = message;
  return error;
}
