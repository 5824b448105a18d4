//go:build preview

package cli

import (
	"context"
	"errors"
)

// runCollect, in the preview binary that `make run` builds (-tags
// preview), refuses: the collectors' clients (go-github, the Prometheus
// API client and its protobuf model) are much of what a fresh machine
// compiles, and previewing a site reads the figures already in data/.
func runCollect(context.Context, Env, []string) error {
	return errors.New("this binary was built for preview (-tags preview, as make run does) and cannot collect; build bulletin with make build or go build ./cmd/bulletin")
}
