// Package cli implements bulletin's command line: one small file per
// subcommand, each parsing its flags and calling into the pipeline packages.
// Everything a command touches in the outside world comes in through Env, so
// tests run the real commands against temporary directories.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	// The site's time zone must load on a host or in a container without
	// zoneinfo: the binary carries its own (about 450 KB).
	_ "time/tzdata"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/gctune"
)

// Version is the program version, set at link time with
// -ldflags "-X github.com/bulletin-dev/bulletin/internal/cli.Version=v1.2.3".
// Left at "devel", the version command reads the build info instead.
var Version = "devel"

// Env is the outside world as a command sees it.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Now is the current time.
	Now func() time.Time
	// IsTerminal reports whether Stderr is an interactive terminal.
	IsTerminal bool
	// BatchGC, when set, tunes the garbage collector for a command that
	// runs once and exits (build, check; see gctune). It changes the whole
	// process: OSEnv sets it, tests leave it nil.
	BatchGC func()
}

// OSEnv returns the Env of the running process.
func OSEnv() Env {
	fi, err := os.Stderr.Stat()
	return Env{
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Stdin:      os.Stdin,
		Getenv:     os.Getenv,
		Now:        time.Now,
		IsTerminal: err == nil && fi.Mode()&os.ModeCharDevice != 0,
		BatchGC:    func() { gctune.Batch(gctune.DefaultLimit, os.Getenv) },
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	// run parses args (without the command name) and does the work.
	run func(ctx context.Context, env Env, args []string) error
}

// commands lists every subcommand; each is defined in its own file.
func commands() []command {
	return []command{
		{"build", "render the site into public/", runBuild},
		{"serve", "preview the site with live reload", runServe},
		{"new", "scaffold a report: new report 2026-12", runNew},
		{"check", "validate config and content without writing", runCheck},
		{"collect", "collect a month's figures into data/", runCollect},
		{"publish", "sync public/ to object storage", runPublish},
		{"incident", "open, update, resolve and list incidents", runIncident},
		{"maintenance", "schedule and list maintenance windows", runMaintenance},
		{"announce", "announce planned changes: breaking changes, deprecations, notices", runAnnounce},
		{"silence", "silence a component's automatic status signal for a while", runSilence},
		{"version", "print the version", runVersion},
	}
}

// errUsage marks errors caused by the command line itself (exit code 2).
var errUsage = errors.New("usage")

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if len(args) == 2 && args[0] == "help" {
		// bulletin help build is bulletin build --help.
		args = []string{args[1], "--help"}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			fmt.Fprintf(env.Stderr, "bulletin %s: %v\n", c.name, err)
			return exitUsage
		default:
			var le *diag.ListError
			if errors.As(err, &le) {
				fmt.Fprintln(env.Stderr, le.Error())
				n := len(le.Errs)
				fmt.Fprintf(env.Stderr, "bulletin %s: %d problem%s found\n", c.name, n, plural(n))
			} else {
				fmt.Fprintf(env.Stderr, "bulletin %s: %v\n", c.name, err)
			}
			var ec interface{ ExitCode() int }
			if errors.As(err, &ec) {
				return ec.ExitCode()
			}
			return exitFailure
		}
	}
	fmt.Fprintf(env.Stderr, "bulletin: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "bulletin publishes monthly operations reports and a status page.")
	fmt.Fprintln(w, "\nUsage:\n  bulletin <command> [flags]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'bulletin help <command>' or 'bulletin <command> --help' for a command's flags.")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// newFlagSet returns a FlagSet that prints its usage to env.Stdout on --help
// and reports parse errors as usage errors.
func newFlagSet(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("bulletin "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: bulletin %s\n", synopsis)
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses args, sending --help output to stdout. Flags may come before
// or after positional arguments.
func parse(fs *flag.FlagSet, env Env, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// siteFlags are shared by commands that read a site.
type siteFlags struct {
	source string
	config string
	env    string
}

func (s *siteFlags) register(fs *flag.FlagSet, defaultEnv string) {
	fs.StringVar(&s.source, "source", ".", "site directory (holds config.toml, content/, data/)")
	fs.StringVar(&s.config, "config", "config.toml", "config file, relative to --source")
	fs.StringVar(&s.env, "env", defaultEnv, "environment whose overrides apply (or BULLETIN_ENV)")
}

// load reads the site's config for the chosen environment.
func (s *siteFlags) load(env Env, defaultEnv string) (*config.Config, error) {
	name := s.env
	if name == defaultEnv {
		if e := env.Getenv("BULLETIN_ENV"); e != "" {
			name = e
		}
	}
	path := s.config
	if !filepath.IsAbs(path) {
		path = filepath.Join(s.source, path)
	}
	return config.Load(path, name)
}

func runVersion(_ context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "version", "version")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	fmt.Fprintf(env.Stdout, "bulletin %s\n", version(Version, info, ok))
	return nil
}

// version is v when set at link time; otherwise the main module's version
// and VCS revision from the build info that go build and go install
// record ("v1.2.3", "v0.0.0-20261202220012-2ed2a6e041f1+dirty", or
// "devel (revision 2ed2a6e041f1, modified)"), and "devel" when there is
// none.
func version(v string, info *debug.BuildInfo, ok bool) string {
	if v != "devel" || !ok || info == nil {
		return v
	}
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		v = mv
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev == "" || strings.Contains(v, rev[:min(12, len(rev))]) {
		return v // a pseudo-version names the revision (and +dirty) already
	}
	return fmt.Sprintf("%s (revision %.12s%s)", v, rev, modified)
}
