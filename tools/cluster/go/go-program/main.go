// The packages the Go program of docs/program.md and its generated SDK import (sdks/istio-gateway): built by the e2e
// run in the background (tools/e2e/main.ts), so the languages suite's `pulumi up` finds them compiled.
package main

import (
	_ "github.com/blang/semver"
	_ "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	_ "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

func main() {}
