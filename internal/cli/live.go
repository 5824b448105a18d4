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
func runLive(ctx context.Context, env Env, cfg *config.Config, source string, quiet bool, stderr io.Writer) error {
	site := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(source, p)
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	opts := collect.LiveOptions{
		Config:     cfg,
		DataDir:    site("data"),
		ReportsDir: site(filepath.Join("content", "reports")),
		Now:        env.Now,
		Logf:       logf,
	}
	if cfg.Prometheus.URL != "" {
		p, err := newPrometheus(cfg, site, logf)
		if err != nil {
			return err
		}
		opts.Source = p.(promSource).c
	}
	res, err := collect.Live(ctx, opts)
	var re *collect.RequestError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %s", errUsage, re.Msg)
	}
	if err != nil {
		return fmt.Errorf("live check failed; %s left as it was: %w", filepath.Join(opts.DataDir, "live.json"), err)
	}
	if quiet {
		return nil
	}
	loc := cfg.Location
	for _, c := range res.Changes {
		line := fmt.Sprintf("live: %s is %s since %s", c.Component, c.Status, c.Since.In(loc).Format("2006-01-02 15:04 MST"))
		if c.Signal != "" {
			line += " (" + c.Signal + ")"
		}
		fmt.Fprintln(stderr, line)
	}
	for _, m := range res.Months {
		fmt.Fprintf(stderr, "live: disruptions recorded in %s\n", filepath.Join(opts.DataDir, m+".json"))
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
