//go:build preview

package cli

import (
	"context"
	"errors"
)

// runPublish, in the preview binary that `make run` builds (-tags
// preview), refuses: publishing needs gocloud.dev and its bucket drivers,
// which are most of what a fresh machine downloads and compiles, and which
// previewing a site never calls.
func runPublish(context.Context, Env, []string) error {
	return errors.New("this binary was built for preview (-tags preview, as make run does) and cannot publish; build bulletin with make build or go build ./cmd/bulletin")
}
