/**
 * Declarative restarts. Re-injection only happens when pods are recreated, so an in-place upgrade through a moved
 * revision tag (Istio "Canary upgrades" with revision tags) needs a rolling restart. A pod-template annotation
 * whose value is a random token, regenerated only when its keepers (the track's revision and the gateway's
 * restartGeneration) change, gives that restart through `pulumi up`, and a repeated `pulumi up` changes nothing.
 * Until the first restart (restartGeneration 0) there is no token at all: setting it to 1 adds one, which restarts.
 */

/** What regenerates the token: changing either restarts the track's pods. */
export function restartKeepers(track: string, restartGeneration: number): Record<string, string> {
  return { revision: track, restartGeneration: String(restartGeneration) };
}
