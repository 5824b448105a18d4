//go:build !preview

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/bulletin-dev/bulletin/internal/collect"
	"github.com/bulletin-dev/bulletin/internal/config"
)

// liveSource is the name of the live checks in collect --only.
const liveSource = "live"

// runLive is collect --only live: one check of every live rule, written to
// data/live.json. Quiet prints nothing unless the check fails.
func runLive(ctx context.Context, site *collect.Site, cfg *config.Config, livePath string, quiet bool, stderr io.Writer) error {
	res, err := site.Live(ctx)
	var re *collect.RequestError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %s", errUsage, re.Msg)
	}
	if err != nil {
		return fmt.Errorf("live check failed; %s left as it was: %w", livePath, err)
	}
	if quiet {
		return nil
	}
	for _, c := range res.Changes {
		line := fmt.Sprintf("live: %s is %s since %s", c.Component, c.Status, c.Since.In(cfg.Location).Format("2006-01-02 15:04 MST"))
		if c.Signal != "" {
			line += " (" + c.Signal + ")"
		}
		fmt.Fprintln(stderr, line)
	}
	for _, m := range res.Months {
		fmt.Fprintf(stderr, "live: disruptions recorded in %s\n", filepath.Join(filepath.Dir(res.Path), m+".json"))
	}
	detected := 0
	for _, c := range res.Live.Components {
		if c.Status != config.LiveOperational {
			detected++
		}
	}
	fmt.Fprintf(stderr, "wrote %s (%d component%s checked, %d not operational)\n", res.Path, len(res.Live.Components), plural(len(res.Live.Components)), detected)
	return nil
}
