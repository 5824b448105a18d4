package benchgen

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

var (
	incidentTitles = []string{"DNS resolution failing", "Elevated API error rate", "Slow searches", "Build queue backlog",
		"Documentation sites unreachable in Europe", "Sign-in failures", "Delayed webhooks", "Database failover",
		"CDN serving stale pages", "Object storage timeouts", "Email delivery delayed", "Partial outage of builds"}
	investigating = []string{"We are investigating reports of errors.", "We are looking into elevated error rates.",
		"Some requests are failing; we are investigating.", "Monitoring alerted us to failures and we are looking into it."}
	identified = []string{"An upstream provider is failing and we are switching away from it.", "A bad config change caused this; we are rolling it back.",
		"A full disk on the primary is the cause; we are freeing space.", "A certificate expired; a new one is being deployed."}
	monitoring = []string{"A fix is in place and we are watching the results.", "Error rates are back to normal; we keep watching.",
		"Traffic is flowing again while we confirm the fix."}
	resolvedMsg = []string{"This incident is resolved.", "Everything works again. Thanks for your patience.",
		"The fix held; we consider this resolved."}
	postmortemMsg = []string{"The post-mortem is published below.", "We published what happened and what we change."}
	maintTitles   = []string{"Database upgrade", "Network switch replacement", "Storage migration", "Kernel patching",
		"Load balancer replacement", "Certificate rotation"}
	degraded = []string{"degraded_performance", "partial_outage", "major_outage"}
)

// slugs hands out the /incidents/<slug>/ names incidents and maintenance
// windows share, making repeats unique as `bulletin incident new` does.
type slugs map[string]bool

func (s slugs) take(at time.Time, title string) string {
	base := at.Format("2006-01-02") + "-" + slugify(title)
	slug := base
	for n := 2; s[slug]; n++ {
		slug = fmt.Sprintf("%s-%d", base, n)
	}
	s[slug] = true
	return slug
}

func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// span is the stretch of time before Now that incidents and past
// maintenance are spread over: the reports' months, and at least a year.
func (g *gen) span() time.Duration {
	months := max(g.opts.Reports, 12)
	return g.now.Sub(g.now.AddDate(0, -months, 0))
}

type incident struct {
	slug    string
	started time.Time
	open    bool
}

// openIncidents is how many incidents are open at Now: three, as in the
// status page's size budget (10 components, 90 days, 3 active incidents).
const openIncidents = 3

// writeIncidents writes the incidents: the newest openIncidents still
// open, the rest resolved, started at random times over the span.
func (g *gen) writeIncidents() error {
	n := g.opts.Incidents
	incs := make([]incident, n)
	span := g.span() - 48*time.Hour
	for i := range incs {
		if i < openIncidents {
			// Open incidents started within the last hours.
			incs[i] = incident{started: g.now.Add(-time.Duration(g.between(30, 300)) * time.Minute), open: true}
			continue
		}
		// Resolved incidents ended before Now: they last at most ~12h and
		// start two days before Now or earlier.
		incs[i] = incident{started: g.now.Add(-48*time.Hour - time.Duration(g.rng.Int64N(int64(span)))).Truncate(time.Minute)}
	}
	sort.SliceStable(incs, func(a, b int) bool { return incs[a].started.After(incs[b].started) })
	taken := g.slugTaker()
	for i := range incs {
		inc := &incs[i]
		title := pick(g, incidentTitles)
		inc.slug = taken.take(inc.started, title)
		src := g.incident(title, inc.started, inc.open)
		if err := writeFile(filepath.Join(g.site.Dir, "content", "incidents", inc.slug+".md"), src); err != nil {
			return err
		}
		g.site.Incidents = append(g.site.Incidents, inc.slug)
		if inc.open {
			g.site.Open = append(g.site.Open, inc.slug)
		}
	}
	return nil
}

// slugTaker returns the slug namespace, created on first use.
func (g *gen) slugTaker() slugs {
	if g.taken == nil {
		g.taken = slugs{}
	}
	return g.taken
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (g *gen) incident(title string, started time.Time, open bool) []byte {
	impacts := []string{"none", "minor", "minor", "minor", "minor", "major", "major", "major", "critical"}
	impact := pick(g, impacts)
	ncomp := g.between(1, min(3, len(g.comps)))
	perm := g.rng.Perm(len(g.comps))[:ncomp]
	sort.Ints(perm)
	var comps []string
	for _, k := range perm {
		comps = append(comps, g.comps[k].id)
	}
	nupd := g.between(2, 8)
	// Statuses: investigating first, then identified and monitoring, then
	// (if resolved) resolved and perhaps a postmortem.
	statuses := []string{"investigating"}
	final := []string{}
	if !open {
		final = append(final, "resolved")
		if nupd >= 4 && g.rng.IntN(2) == 0 {
			final = append(final, "postmortem")
		}
	}
	middle := nupd - 1 - len(final)
	for i := 0; i < middle; i++ {
		switch {
		case i < middle/2:
			statuses = append(statuses, "identified")
		default:
			statuses = append(statuses, "monitoring")
		}
	}
	statuses = append(statuses, final...)
	at := started.Add(time.Duration(g.between(2, 15)) * time.Minute)
	step := func() time.Duration { return time.Duration(g.between(5, 90)) * time.Minute }
	if open {
		// The timeline of an open incident fits between its start and Now.
		d := g.now.Sub(at) / time.Duration(len(statuses)+1)
		step = func() time.Duration { return d.Truncate(time.Second) }
	}
	var times []time.Time
	for range statuses {
		times = append(times, at)
		at = at.Add(step())
	}
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\nimpact: %s\nstarted: %s\n", title, impact, stamp(started))
	resolvedIdx := -1
	for i, s := range statuses {
		if s == "resolved" {
			resolvedIdx = i
		}
	}
	if resolvedIdx >= 0 {
		fmt.Fprintf(&b, "resolved: %s\n", stamp(times[resolvedIdx]))
	}
	fmt.Fprintf(&b, "components: [%s]\n", strings.Join(comps, ", "))
	b.WriteString("updates:\n")
	for i, s := range statuses {
		fmt.Fprintf(&b, "  - at: %s\n    status: %s\n", stamp(times[i]), s)
		var msg string
		switch s {
		case "investigating":
			msg = pick(g, investigating)
		case "identified":
			msg = pick(g, identified)
		case "monitoring":
			msg = pick(g, monitoring)
		case "resolved":
			msg = pick(g, resolvedMsg)
		default:
			msg = pick(g, postmortemMsg)
		}
		if g.rng.IntN(3) == 0 {
			msg += " " + g.sentence()
		}
		fmt.Fprintf(&b, "    body: %s\n", msg)
		switch {
		case s == "resolved" && g.rng.IntN(2) == 0:
			b.WriteString("    components:\n")
			for _, c := range comps {
				fmt.Fprintf(&b, "      %s: operational\n", c)
			}
		case s != "resolved" && s != "postmortem" && g.rng.IntN(2) == 0:
			fmt.Fprintf(&b, "    components:\n      %s: %s\n", pick(g, comps), pick(g, degraded))
		}
	}
	b.WriteString("---\n")
	if !open && g.rng.IntN(3) == 0 {
		b.WriteString("\n## What happened\n\n" + wrap(g.sentence()+" "+g.sentence()+" "+g.sentence()))
		b.WriteString("\n## What we change\n\n")
		for i := g.between(2, 4); i > 0; i-- {
			b.WriteString("- " + g.sentence() + "\n")
		}
	}
	return []byte(b.String())
}

// writeMaintenance writes the windows: one in progress, one upcoming, the
// rest completed at random times over the span.
func (g *gen) writeMaintenance() error {
	taken := g.slugTaker()
	span := g.span() - 7*24*time.Hour
	for i := 0; i < g.opts.Maintenance; i++ {
		var from time.Time
		switch i {
		case 0:
			from = g.now.Add(-time.Hour).Truncate(time.Minute)
		case 1:
			from = g.now.Add(3 * 24 * time.Hour).Truncate(time.Hour)
		default:
			from = g.now.Add(-7*24*time.Hour - time.Duration(g.rng.Int64N(int64(span)))).Truncate(time.Hour)
		}
		until := from.Add(time.Duration(g.between(1, 4)) * time.Hour)
		if i == 0 {
			// Still running at Now.
			until = g.now.Add(time.Duration(g.between(1, 3)) * time.Hour).Truncate(time.Minute)
		}
		title := pick(g, maintTitles)
		slug := taken.take(from, title)
		comp := pick(g, g.comps).id
		var b strings.Builder
		b.WriteString("---\n")
		fmt.Fprintf(&b, "title: %s\nscheduled_for: %s\nscheduled_until: %s\ncomponents: [%s]\nupdates:\n", title, stamp(from), stamp(until), comp)
		fmt.Fprintf(&b, "  - at: %s\n    status: scheduled\n    body: %s\n", stamp(from.Add(-5*24*time.Hour)), g.sentence())
		if i == 0 {
			fmt.Fprintf(&b, "  - at: %s\n    status: in_progress\n    body: The work has started.\n", stamp(from))
		}
		if i > 1 && g.rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "  - at: %s\n    status: completed\n    body: The work is done.\n", stamp(until.Add(-10*time.Minute)))
		}
		b.WriteString("---\n\n" + wrap(g.sentence()+" "+g.sentence()))
		if err := writeFile(filepath.Join(g.site.Dir, "content", "maintenance", slug+".md"), []byte(b.String())); err != nil {
			return err
		}
		g.site.Maintenance = append(g.site.Maintenance, slug)
	}
	return nil
}
