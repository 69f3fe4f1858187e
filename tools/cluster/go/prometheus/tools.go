//go:build tools

// Keeps Prometheus's main package in the build list for `go mod tidy`.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
)
