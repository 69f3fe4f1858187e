//go:build tools

// Keeps the binaries' main packages in the build list for `go mod tidy`: istioctl (offline validate, analyze,
// manifest generate), pilot-discovery (istiod itself) and the Istio CRDs from istio.io/api. They share most of
// Istio's packages, so one module and one `go build` compiles each of them once.
package tools

import (
	_ "istio.io/api/networking/v1"
	_ "istio.io/istio/istioctl/cmd/istioctl"
	_ "istio.io/istio/pilot/cmd/pilot-discovery"
)
