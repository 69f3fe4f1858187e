//go:build tools

package tools

import (
	_ "istio.io/api/networking/v1"
	_ "istio.io/istio/istioctl/cmd/istioctl"
)
