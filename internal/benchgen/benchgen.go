// Package benchgen writes synthetic bulletin sites for benchmarks: monthly
// reports of realistic markdown, incidents with their timelines, maintenance
// windows, components in groups and the month snapshots with daily
// availability that the reports cite. A site is a pure function of Options:
// the same seed and clock give byte-identical files, so a benchmark run can
// be repeated and two runs compared.
//
// Everything written passes the real loaders (config.Load, content.Load*,
// snapshot.Store), so a benchmark measures the build a user would run.
package benchgen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Options describe the site to generate.
type Options struct {
	// Seed makes the prose, figures and times reproducible.
	Seed uint64
	// Now is the clock the site is generated for: the newest report is that
	// of the month before Now's, active incidents started shortly before
	// Now, and the status page's days end on Now's day. Benchmarks that
	// drive `bulletin build` pass the real time, since the build reads the
	// system clock. Required.
	Now time.Time
	// Reports is the number of monthly reports, one per month going back
	// from the month before Now.
	Reports int
	// Incidents is the number of incidents, spread over the reports' months
	// (at least a year); three of them are still open at Now.
	Incidents int
	// Components and Groups shape the status page; defaults 10 and 3.
	Components, Groups int
	// Maintenance is the number of maintenance windows; default
	// Incidents/50 + 2 (one in progress, one upcoming, the rest past).
	Maintenance int
	// DataMonths is the number of month snapshots in data/, ending with
	// Now's month; default Reports+1, and at least 4 so the status page's
	// 90 days have data.
	DataMonths int
	// MinWords and MaxWords bound a report's length; defaults 500 and 1500.
	MinWords, MaxWords int
	// TimeZone is the site's zone; default Europe/Berlin (with DST, so the
	// status page's day arithmetic is exercised).
	TimeZone string
	// Plain makes the reports plain markdown: no figure shortcodes and no
	// milestones, so nothing in a report's body or front matter refers to
	// a snapshot. With DataMonths left at 0 only the four months the status
	// page needs get one.
	Plain bool
}

// Site describes a generated site.
type Site struct {
	// Dir is the site directory (config.toml, content/, data/).
	Dir string
	// Reports are the report months, newest first.
	Reports []string
	// Incidents are the incident slugs, newest first; Open those of the
	// incidents still open at Now.
	Incidents []string
	Open      []string
	// Maintenance are the maintenance window slugs.
	Maintenance []string
	// Components are the component ids in config order.
	Components []string
	// DataMonths are the months with a snapshot, oldest first.
	DataMonths []string
	// Words is the number of words of all report bodies.
	Words int
}

func (o *Options) defaults() error {
	if o.Now.IsZero() {
		return errors.New("benchgen: Options.Now is required")
	}
	if o.Reports < 0 || o.Incidents < 0 || o.Maintenance < 0 || o.DataMonths < 0 {
		return errors.New("benchgen: counts must not be negative")
	}
	if o.Components == 0 {
		o.Components = 10
	}
	if o.Groups == 0 {
		o.Groups = 3
	}
	if o.Components < 1 || o.Groups < 1 || o.Groups > o.Components {
		return fmt.Errorf("benchgen: want 1 ≤ groups (%d) ≤ components (%d)", o.Groups, o.Components)
	}
	if o.Components > len(componentNames)*9 {
		return fmt.Errorf("benchgen: at most %d components", len(componentNames)*9)
	}
	if o.Maintenance == 0 {
		o.Maintenance = o.Incidents/50 + 2
	}
	if o.DataMonths == 0 {
		o.DataMonths = max(o.Reports+1, 4)
		if o.Plain {
			o.DataMonths = 4
		}
	}
	if o.MinWords == 0 {
		o.MinWords = 500
	}
	if o.MaxWords == 0 {
		o.MaxWords = 1500
	}
	if o.MinWords < 50 || o.MaxWords < o.MinWords {
		return fmt.Errorf("benchgen: want 50 ≤ MinWords (%d) ≤ MaxWords (%d)", o.MinWords, o.MaxWords)
	}
	if o.TimeZone == "" {
		o.TimeZone = "Europe/Berlin"
	}
	return nil
}

// gen holds the state of one generation.
type gen struct {
	opts  Options
	rng   *rand.Rand
	loc   *time.Location
	now   time.Time
	comps []component
	// snaps are the generated snapshots by month.
	snaps map[string]*snapshot.Snapshot
	site  *Site
	// taken are the slugs handed out to incidents and maintenance.
	taken slugs
}

type component struct {
	id, name, group string
	slo             float64 // percent
}

// Repositories and release tracks every generated site tracks.
var (
	repos  = []string{"bench-org/server", "bench-org/ui"}
	tracks = []struct{ id, name, repo string }{{"backend", "backend", "bench-org/server"}, {"frontend", "frontend", "bench-org/ui"}}
)

// Generate writes a site into dir, which must not exist or be empty.
func Generate(dir string, opts Options) (*Site, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(opts.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("benchgen: %w", err)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("benchgen: %s is not empty", dir)
	}
	g := &gen{
		opts:  opts,
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x62756c6c6574696e)), // "bulletin"
		loc:   loc,
		now:   opts.Now.In(loc).Truncate(time.Second),
		snaps: map[string]*snapshot.Snapshot{},
		site:  &Site{Dir: dir},
	}
	g.components()
	if err := g.writeConfig(); err != nil {
		return nil, err
	}
	// Data first: reports cite figures that must exist.
	if err := g.writeData(); err != nil {
		return nil, err
	}
	if err := g.writeReports(); err != nil {
		return nil, err
	}
	if err := g.writeIncidents(); err != nil {
		return nil, err
	}
	if err := g.writeMaintenance(); err != nil {
		return nil, err
	}
	return g.site, nil
}

// componentNames are the base names components are drawn from; beyond
// their number a digit is appended.
var componentNames = []struct{ id, name string }{
	{"web", "Documentation sites"}, {"api", "API"}, {"search", "Search"}, {"builds", "Documentation builds"},
	{"dns", "DNS"}, {"db", "Database"}, {"cdn", "CDN"}, {"auth", "Sign-in"}, {"queue", "Build queue"},
	{"storage", "Object storage"}, {"email", "Email delivery"}, {"webhooks", "Webhooks"},
}

var groupNames = []struct{ id, name, desc string }{
	{"public", "Public site", "What readers and authors use every day."},
	{"platform", "Platform", "The systems behind the public site."},
	{"delivery", "Delivery", "Getting builds and messages out."},
	{"internal", "Internal tools", "Dashboards and admin tools."},
}

var slos = []float64{99.9, 99.95, 99.5, 99.0, 99.9}

func (g *gen) components() {
	for i := 0; i < g.opts.Components; i++ {
		base := componentNames[i%len(componentNames)]
		c := component{id: base.id, name: base.name, slo: slos[i%len(slos)]}
		if k := i / len(componentNames); k > 0 {
			c.id = fmt.Sprintf("%s%d", base.id, k+1)
			c.name = fmt.Sprintf("%s %d", base.name, k+1)
		}
		// Contiguous runs per group, as a config would list them.
		c.group = groupID(i * g.opts.Groups / g.opts.Components)
		g.comps = append(g.comps, c)
		g.site.Components = append(g.site.Components, c.id)
	}
}

func groupID(i int) string {
	if i < len(groupNames) {
		return groupNames[i].id
	}
	return fmt.Sprintf("group%d", i+1)
}

func (g *gen) writeConfig() error {
	var b strings.Builder
	b.WriteString("# Generated by internal/benchgen: a synthetic site for benchmarks.\n\n")
	b.WriteString(`title = "Bench Operations"` + "\n")
	b.WriteString(`description = "Synthetic monthly operations reports and service status."` + "\n")
	b.WriteString(`language = "en"` + "\n")
	fmt.Fprintf(&b, "timezone = %q\n", g.opts.TimeZone)
	b.WriteString(`base_url = "https://status.bench.example/"` + "\n")
	b.WriteString(`theme = "default"` + "\n")
	b.WriteString("feed_limit = 20\npercent_precision = 2\n")
	b.WriteString(`copyright = "© Bench infrastructure team"` + "\n\n")
	b.WriteString("[status]\npath = \"/status/\"\ntitle = \"Bench status\"\ndays = 90\n\n")
	b.WriteString("[github]\n")
	for _, r := range repos {
		fmt.Fprintf(&b, "\n[[github.repositories]]\nname = %q\n", r)
	}
	for i := 0; i < g.opts.Groups; i++ {
		id, name, desc := groupID(i), fmt.Sprintf("Group %d", i+1), ""
		if i < len(groupNames) {
			name, desc = groupNames[i].name, groupNames[i].desc
		}
		fmt.Fprintf(&b, "\n[[groups]]\nid = %q\nname = %q\n", id, name)
		if desc != "" {
			fmt.Fprintf(&b, "description = %q\n", desc)
		}
	}
	for _, c := range g.comps {
		fmt.Fprintf(&b, "\n[[components]]\nid = %q\nname = %q\ngroup = %q\nslo = %v\n", c.id, c.name, c.group, c.slo)
	}
	for _, t := range tracks {
		fmt.Fprintf(&b, "\n[[tracks]]\nid = %q\nname = %q\nrepository = %q\nsource = \"releases\"\n", t.id, t.name, t.repo)
	}
	return writeFile(filepath.Join(g.site.Dir, "config.toml"), []byte(b.String()))
}

// writeFile creates the parent directories of path and writes data.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// between returns a uniform integer in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// pick returns a random element of list.
func pick[T any](g *gen, list []T) T { return list[g.rng.IntN(len(list))] }

// monthsBack returns the month n months before t's month, as "YYYY-MM".
func monthsBack(t time.Time, n int) string {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	return first.AddDate(0, -n, 0).Format("2006-01")
}
