package cli

import (
	"context"
	"fmt"

	"github.com/bulletin-dev/bulletin/internal/desk"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// runNew scaffolds a month's report through package desk, which carries
// last month's next goals over.
func runNew(_ context.Context, env Env, args []string) error {
	flags := newFlagSet(env, "new", "new report YYYY-MM")
	var sf siteFlags
	sf.register(flags, "production")
	if err := parse(flags, env, args); err != nil {
		return err
	}
	if flags.NArg() != 2 || flags.Arg(0) != "report" {
		return fmt.Errorf("%w: want: bulletin new report YYYY-MM", errUsage)
	}
	month := flags.Arg(1)
	if !snapshot.ValidMonth(month) {
		return fmt.Errorf("%w: %q is not a month of the form YYYY-MM", errUsage, month)
	}
	cfg, err := sf.load(env, "production")
	if err != nil {
		return err
	}
	s, err := desk.New(cfg, sf.source).ScaffoldReport(month)
	if s != nil && s.PreviousMissing {
		fmt.Fprintf(env.Stderr, "note: no report for %s, so no goals to carry over\n", s.Previous)
	}
	if err != nil {
		return oncallErr(err)
	}
	fmt.Fprintln(env.Stdout, s.Path)
	if n := len(s.Carried); n > 0 {
		fmt.Fprintf(env.Stderr, "carried over %d goal%s from %s with status pending: set each to done, in-progress, pushed, on-hold or dropped\n", n, plural(n), s.Previous)
	}
	return nil
}
