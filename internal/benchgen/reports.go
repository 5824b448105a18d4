package benchgen

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Word lists the prose is drawn from: operations vocabulary, so that the
// typographer, autolinker and heading ids see text like a real report's.
var (
	subjects = []string{"The build fleet", "Our DNS provider", "The search cluster", "The API gateway", "The database primary",
		"The CDN", "The release pipeline", "The on-call rotation", "The queue workers", "Object storage",
		"The staging environment", "Our load balancers", "The metrics stack", "The sign-in service", "The webhook relay"}
	verbs = []string{"recovered after", "slowed down during", "was upgraded before", "paged us twice during", "stayed within budget through",
		"needed a restart after", "was migrated ahead of", "saw higher load during", "dropped requests during", "was tuned after"}
	objects = []string{"the weekly deploy", "a certificate rotation", "the traffic spike on Monday", "the kernel patch window",
		"a failed health check", "the quarterly failover test", "a config change", "the new caching layer",
		"an upstream outage", "the backup verification", "a noisy neighbour", "the schema migration"}
	tails = []string{"and nobody outside the team noticed", "which we had planned for", "so we added an alert for it",
		"and the runbook held up", "although the dashboards lagged behind", "which cost us part of the error budget",
		"and we wrote down what we learned", "so the fix ships next month", "without touching the error budget"}
	fillers = []string{"In practice", "As expected", "For the record", "Looking back", "To be clear", "On balance", "Meanwhile", "Later that week"}
	topics  = []string{"Capacity", "Reliability", "Releases", "Security", "Cost", "Observability", "On-call", "Databases", "Networking", "Builds"}
	nouns   = []string{"latency", "throughput", "queue depth", "error rate", "disk usage", "cache hit ratio", "build time", "page count"}
	people  = []string{"Drew Okafor", "Sam Lindqvist", "Mei Tanaka", "Ana Ruiz", "Jonas Berg", "Priya Nair", "Lee Park"}
	cmds    = []string{"kubectl rollout restart deploy/api", "terraform plan -target=module.dns", "pg_dump --schema-only prod > schema.sql",
		"systemctl restart builder@3", "curl -sf https://status.bench.example/status/api/v2/status.json", "dig +short docs.bench.example"}
	links = []string{"https://www.postgresql.org/docs/17/release-17.html", "https://kubernetes.io/docs/concepts/workloads/",
		"https://sre.google/sre-book/monitoring-distributed-systems/", "https://prometheus.io/docs/practices/alerting/",
		"https://letsencrypt.org/docs/rate-limits/", "https://www.rfc-editor.org/rfc/rfc8484"}
	goalTitles = []string{"Add a second DNS provider", "Cut release time below one hour", "Move build logs to object storage",
		"Upgrade the database to Postgres 17", "Rotate the signing keys", "Autoscale the search cluster",
		"Write the on-call handbook", "Retire the old NFS share", "Alert on certificate expiry"}
)

// writeReports writes one report per month going back from the month
// before Now's, newest first.
func (g *gen) writeReports() error {
	for n := 1; n <= g.opts.Reports; n++ {
		month := monthsBack(g.now, n)
		src, words := g.report(month)
		g.site.Words += words
		g.site.Reports = append(g.site.Reports, month)
		if err := writeFile(filepath.Join(g.site.Dir, "content", "reports", month+".md"), src); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) report(month string) ([]byte, int) {
	start, end, _ := snapshot.MonthRange(month, g.loc)
	snap := g.snaps[month]
	if g.opts.Plain {
		snap = nil // nothing cites the month's data
	}
	var b strings.Builder
	name := start.Format("January 2006")
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %q\n", name+": "+strings.ToLower(pick(g, topics))+" and "+strings.ToLower(pick(g, topics)))
	fmt.Fprintf(&b, "month: %s\n", month)
	// Published in the first days of the next month, in the site's zone.
	pub := end.Add(time.Duration(g.between(1, 4))*24*time.Hour + 9*time.Hour)
	fmt.Fprintf(&b, "date: %s\n", pub.Format("2006-01-02T15:04:05"))
	a, c := g.rng.IntN(len(people)), g.between(1, len(people)-1)
	fmt.Fprintf(&b, "authors: [%s, %s]\n", people[a], people[(a+c)%len(people)])
	b.WriteString("summary:\n")
	for i := g.between(2, 4); i > 0; i-- {
		fmt.Fprintf(&b, "  - %s\n", g.sentence())
	}
	b.WriteString("goals:\n")
	statuses := []string{"done", "in-progress", "pushed", "on-hold", "dropped"}
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, "  - title: %s\n    status: %s\n", pick(g, goalTitles), pick(g, statuses))
		if snap != nil && i <= 2 {
			fmt.Fprintf(&b, "    milestone: %s\n", goalRef(repos[0], monthNumber(month)*3+i))
		}
		if g.rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "    note: %s\n", g.sentence())
		}
	}
	b.WriteString("next_goals:\n")
	for i := g.between(1, 3); i > 0; i-- {
		fmt.Fprintf(&b, "  - title: %s\n    owner: %s\n", pick(g, goalTitles), strings.Fields(pick(g, people))[0])
	}
	b.WriteString("---\n\n")
	body, words := g.body(month, snap, g.between(g.opts.MinWords, g.opts.MaxWords))
	b.WriteString(body)
	return []byte(b.String()), words
}

// body writes markdown of about target words: sections with paragraphs,
// lists, a table, code and links; figure citations where the month has data.
func (g *gen) body(month string, snap *snapshot.Snapshot, target int) (string, int) {
	var b strings.Builder
	words := 0
	count := func(s string) { words += len(strings.Fields(s)) }
	para := func() {
		var p strings.Builder
		for i := g.between(3, 6); i > 0; i-- {
			if p.Len() > 0 {
				p.WriteByte(' ')
			}
			p.WriteString(g.prose(snap))
		}
		count(p.String())
		b.WriteString(wrap(p.String()) + "\n")
	}
	section := 0
	for words < target {
		section++
		h := fmt.Sprintf("## %s in %s\n\n", pick(g, topics), month)
		if section > 1 && g.rng.IntN(3) == 0 {
			h = fmt.Sprintf("### %s, part %d\n\n", pick(g, topics), section)
		}
		count(h)
		b.WriteString(h)
		para()
		switch g.rng.IntN(5) {
		case 0:
			for i := g.between(3, 5); i > 0; i-- {
				s := "- " + g.prose(snap) + "\n"
				count(s)
				b.WriteString(s)
			}
		case 1:
			for i := 1; i <= g.between(3, 5); i++ {
				s := fmt.Sprintf("%d. %s\n", i, g.sentence())
				count(s)
				b.WriteString(s)
			}
		case 2:
			b.WriteString("| Metric | Before | After | Change |\n|---|---:|---:|---:|\n")
			for i := g.between(3, 5); i > 0; i-- {
				before, after := g.between(100, 900), g.between(100, 900)
				s := fmt.Sprintf("| %s | %d | %d | %+d%% |\n", pick(g, nouns), before, after, (after-before)*100/before)
				count(s)
				b.WriteString(s)
			}
		case 3:
			b.WriteString("```sh\n")
			for i := g.between(1, 3); i > 0; i-- {
				s := pick(g, cmds)
				count(s)
				b.WriteString(s + "\n")
			}
			b.WriteString("```\n")
		case 4:
			s := fmt.Sprintf("> **Note:** %s See [the upstream notes](%s) and <%s>.\n", g.sentence(), pick(g, links), pick(g, links))
			count(s)
			b.WriteString(s)
		}
		b.WriteByte('\n')
		para()
		b.WriteByte('\n')
	}
	return b.String(), words
}

// sentence is one plain sentence.
func (g *gen) sentence() string {
	s := fmt.Sprintf("%s %s %s, %s.", pick(g, subjects), pick(g, verbs), pick(g, objects), pick(g, tails))
	if g.rng.IntN(4) == 0 {
		s = pick(g, fillers) + ", " + strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// prose is a sentence with, now and then, inline markup or a figure.
func (g *gen) prose(snap *snapshot.Snapshot) string {
	s := g.sentence()
	switch g.rng.IntN(8) {
	case 0:
		return s + fmt.Sprintf(" We kept `%s` in the runbook.", strings.Fields(pick(g, cmds))[0])
	case 1:
		return s + fmt.Sprintf(" The **%s** was *%d%%* lower -- a \"good\" result.", pick(g, nouns), g.between(2, 40))
	case 2:
		return s + fmt.Sprintf(" Details are in [the write-up](%s).", pick(g, links))
	case 3, 4:
		if snap != nil {
			return s + " " + g.citation(snap)
		}
	}
	return s
}

// citation cites a figure the month's snapshot has.
func (g *gen) citation(snap *snapshot.Snapshot) string {
	c := pick(g, g.comps)
	switch g.rng.IntN(4) {
	case 0:
		return fmt.Sprintf(`%s finished the month at {{< figure "uptime.%s" >}} against its target.`, c.name, c.id)
	case 1:
		return fmt.Sprintf(`%s has {{< figure "uptime.%s.budget" >}} of its error budget left.`, c.name, c.id)
	case 2:
		r := pick(g, repos)
		return fmt.Sprintf(`We opened {{< figure "issues.%s.opened" >}} issues in %s and closed {{< figure "issues.%s.closed" >}}.`, r, r, r)
	default:
		t := pick(g, tracks)
		return fmt.Sprintf(`The median %s release took {{< figure "releases.%s.median" >}}.`, t.name, t.id)
	}
}

var shortcode = regexp.MustCompile(`\{\{<.*?>\}\}`)

// wrap breaks a paragraph into lines of about 80 columns, as people write
// markdown.
func wrap(s string) string {
	// A shortcode must stay on one line: its spaces are not break points.
	s = shortcode.ReplaceAllStringFunc(s, func(m string) string { return strings.ReplaceAll(m, " ", "\x00") })
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(s) {
		w = strings.ReplaceAll(w, "\x00", " ")
		if col > 0 && col+1+len(w) > 80 {
			b.WriteByte('\n')
			col = 0
		} else if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	b.WriteByte('\n')
	return b.String()
}
