package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Goal statuses. Pending is what `bulletin new report` writes for goals
// carried over from last month, before the writer reviews them.
const (
	GoalDone       = "done"
	GoalInProgress = "in-progress"
	GoalPushed     = "pushed"
	GoalOnHold     = "on-hold"
	GoalDropped    = "dropped"
	GoalPending    = "pending"
)

// GoalStatuses lists the valid goal statuses in display order.
var GoalStatuses = []string{GoalDone, GoalInProgress, GoalPushed, GoalOnHold, GoalDropped, GoalPending}

// Goal is one goal of a report: reviewed (Goals) or planned (NextGoals).
type Goal struct {
	Title string `yaml:"title" toml:"title"`
	// Status is one of GoalStatuses; empty for next month's goals.
	Status string `yaml:"status" toml:"status"`
	Note   string `yaml:"note" toml:"note"`
	Owner  string `yaml:"owner" toml:"owner"`
	// Milestone or Issue reference a tracker item ("acme/app#3") whose state
	// the GitHub collector records in the month's snapshot.
	Milestone string `yaml:"milestone" toml:"milestone"`
	Issue     string `yaml:"issue" toml:"issue"`
}

// Ref returns the tracker reference in the form the snapshot keys goals by
// ("milestone: acme/app#3"), or "".
func (g Goal) Ref() string {
	switch {
	case g.Milestone != "":
		return "milestone: " + g.Milestone
	case g.Issue != "":
		return "issue: " + g.Issue
	}
	return ""
}

var goalKeys = map[string]bool{"title": true, "status": true, "note": true, "owner": true, "milestone": true, "issue": true}

// UnmarshalYAML accepts a goal as a mapping or, for brevity, a plain string
// (its title).
func (g *Goal) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		g.Title = n.Value
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !goalKeys[k.Value] {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: field %s not found in type content.Goal", k.Line, k.Value)}}
			}
		}
	}
	type plain Goal
	return n.Decode((*plain)(g))
}

// UnmarshalTOML accepts a goal as a table or a plain string.
func (g *Goal) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		g.Title = x
	case map[string]any:
		for k, val := range x {
			s, ok := val.(string)
			if !goalKeys[k] {
				return fmt.Errorf("goal: unknown key %q", k)
			}
			if !ok {
				return fmt.Errorf("goal: %s must be text", k)
			}
			switch k {
			case "title":
				g.Title = s
			case "status":
				g.Status = s
			case "note":
				g.Note = s
			case "owner":
				g.Owner = s
			case "milestone":
				g.Milestone = s
			case "issue":
				g.Issue = s
			}
		}
	default:
		return fmt.Errorf("goal must be text or a table, got %T", v)
	}
	return nil
}

// reportMeta is the front matter of a report as written.
type reportMeta struct {
	Title     string    `yaml:"title" toml:"title"`
	Month     string    `yaml:"month" toml:"month"`
	Date      Timestamp `yaml:"date" toml:"date"`
	Draft     bool      `yaml:"draft" toml:"draft"`
	Authors   []string  `yaml:"authors" toml:"authors"`
	Summary   []string  `yaml:"summary" toml:"summary"`
	Goals     []Goal    `yaml:"goals" toml:"goals"`
	NextGoals []Goal    `yaml:"next_goals" toml:"next_goals"`
	// Description overrides the meta description (defaults to the summary).
	Description string `yaml:"description" toml:"description"`
}

// Report is a monthly report.
type Report struct {
	*Document
	Title string
	// Month is "YYYY-MM".
	Month string
	// Date is the publish time in the site's zone.
	Date        time.Time
	Draft       bool
	Authors     []string
	Summary     []string
	Description string
	Goals       []Goal
	NextGoals   []Goal
}

// Slug returns the report's URL path below the site root: "reports/2026/10/".
func (r *Report) Slug() string {
	return "reports/" + strings.Replace(r.Month, "-", "/", 1) + "/"
}

// MonthTime returns the first day of the report's month in loc.
func (r *Report) MonthTime(loc *time.Location) time.Time {
	t, _ := snapshot.MonthStart(r.Month, loc)
	return t
}

// GoalLine returns the file line of goal i of the reviewed goals.
func (r *Report) GoalLine(i int) int { return r.Line(fmt.Sprintf("goals.%d", i)) }

var reportName = regexp.MustCompile(`^(\d{4}-\d{2})\.md$`)

// ParseReport decodes and validates one report file. loc is the site's zone.
func ParseReport(path string, src []byte, loc *time.Location) (*Report, error) {
	return Loader{}.parseReport(path, src, loc)
}

// newReport validates the front matter m of doc and makes the report of it.
// It depends on nothing but its arguments: the Loader's cache holds doc
// and m, never a report, so validation runs on every load.
func newReport(doc *Document, m *reportMeta, loc *time.Location) (*Report, error) {
	path := doc.Path
	r := &Report{
		Document:    doc,
		Title:       strings.TrimSpace(m.Title),
		Month:       m.Month,
		Draft:       m.Draft,
		Authors:     nonNil(m.Authors),
		Summary:     nonNil(m.Summary),
		Description: m.Description,
		Goals:       m.Goals,
		NextGoals:   m.NextGoals,
	}
	var p diag.List
	if r.Title == "" {
		p.Add("", doc.Errorf("title", "title is required"))
	}
	fileMonth := ""
	if g := reportName.FindStringSubmatch(filepath.Base(path)); g != nil {
		fileMonth = g[1]
	} else {
		p.Addf(path, 0, "report file names are YYYY-MM.md, e.g. 2026-10.md")
	}
	switch {
	case m.Month == "" && fileMonth != "":
		r.Month = fileMonth
	case m.Month != "" && !snapshot.ValidMonth(m.Month):
		p.Add("", doc.Errorf("month", "month %q is not of the form YYYY-MM", m.Month))
	case m.Month != "" && fileMonth != "" && m.Month != fileMonth:
		p.Add("", doc.Errorf("month", "month %q does not match the file name %s", m.Month, filepath.Base(path)))
	}
	if m.Date.IsZero() {
		p.Add("", doc.Errorf("date", "date is required (the publish time, e.g. 2026-11-03)"))
	} else {
		r.Date = m.Date.In(loc)
	}
	for i, s := range r.Summary {
		if strings.TrimSpace(s) == "" {
			p.Add("", doc.Errorf(fmt.Sprintf("summary.%d", i), "empty summary bullet"))
		}
	}
	validateGoals(doc, "goals", r.Goals, true, &p)
	validateGoals(doc, "next_goals", r.NextGoals, false, &p)
	if err := p.Err(); err != nil {
		return r, err
	}
	return r, nil
}

// A goal reference names a GitHub repository (owner/repo#N) or a GitLab
// project, whose path may have subgroups (group/sub/project#N); GitLab
// milestones may also use GitLab's own syntax, group/project%N.
var (
	issueRef     = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+#[1-9][0-9]*$`)
	milestoneRef = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+[#%][1-9][0-9]*$`)
)

func validateGoals(doc *Document, key string, goals []Goal, reviewed bool, p *diag.List) {
	for i, g := range goals {
		k := fmt.Sprintf("%s.%d", key, i)
		if strings.TrimSpace(g.Title) == "" {
			p.Add("", doc.Errorf(k, "goal has no title"))
		}
		if reviewed && !validStatus(g.Status) {
			if g.Status == "" {
				p.Add("", doc.Errorf(k, "goal %q has no status (one of %s)", g.Title, strings.Join(GoalStatuses, ", ")))
			} else {
				p.Add("", doc.Errorf(k+".status", "unknown goal status %q (one of %s)", g.Status, strings.Join(GoalStatuses, ", ")))
			}
		}
		if !reviewed && g.Status != "" {
			p.Add("", doc.Errorf(k+".status", "next month's goals have no status yet; move %q to goals next month", g.Title))
		}
		if g.Milestone != "" && g.Issue != "" {
			p.Add("", doc.Errorf(k, "goal %q references both a milestone and an issue; keep one", g.Title))
		}
		if g.Milestone != "" && !milestoneRef.MatchString(g.Milestone) {
			p.Add("", doc.Errorf(k+".milestone", "milestone %q is not of the form owner/repo#number (GitLab: group/project%%number)", g.Milestone))
		}
		if g.Issue != "" && !issueRef.MatchString(g.Issue) {
			p.Add("", doc.Errorf(k+".issue", "issue %q is not of the form owner/repo#number", g.Issue))
		}
	}
}

func validStatus(s string) bool {
	for _, v := range GoalStatuses {
		if s == v {
			return true
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// LoadReports reads every report in dir (content/reports), sorted newest
// month first. All problems of all files are returned together as a
// *diag.ListError; reports that parsed are returned alongside. A missing
// directory means no reports.
func LoadReports(dir string, loc *time.Location) ([]*Report, error) {
	return Loader{}.Reports(dir, loc)
}

// Reports is LoadReports through l's cache.
func (l Loader) Reports(dir string, loc *time.Location) ([]*Report, error) {
	var p diag.List
	// Every report that names a month claims it, even one with other
	// problems: a copy of a report ("2026-10 copy.md", whose name is
	// already a problem) is a duplicate as well. A file named after another
	// month has that mismatch reported instead.
	var mu sync.Mutex
	claims := map[string][]*Report{}
	parsed, err := parseDir(dir, &p, l.read, func(path string, src []byte) (*Report, error) {
		r, err := l.parseReport(path, src, loc)
		if r != nil && snapshot.ValidMonth(r.Month) && !namesOtherMonth(path, r.Month) {
			mu.Lock()
			claims[r.Month] = append(claims[r.Month], r)
			mu.Unlock()
		}
		return r, err
	})
	if err != nil {
		return nil, err
	}
	dup := map[*Report]bool{}
	for month, rs := range claims {
		if len(rs) < 2 {
			continue
		}
		for _, r := range rs {
			dup[r] = true
			var others []string
			for _, o := range rs {
				if o != r {
					others = append(others, o.Path)
				}
			}
			sort.Strings(others)
			p.Add("", r.Errorf("month", "duplicate report for %s (also %s)", month, strings.Join(others, ", ")))
		}
	}
	var out []*Report
	for _, r := range parsed {
		if !dup[r] {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month > out[j].Month })
	return out, p.Err()
}

// namesOtherMonth reports whether path's file name is a month other than
// month.
func namesOtherMonth(path, month string) bool {
	g := reportName.FindStringSubmatch(filepath.Base(path))
	return g != nil && g[1] != month
}

// markdownFiles lists the .md files directly in dir, sorted. Files whose
// name starts with "_" or "." are skipped (templates, editor files).
func markdownFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".md") || strings.HasPrefix(n, "_") || strings.HasPrefix(n, ".") {
			continue
		}
		out = append(out, filepath.Join(dir, n))
	}
	return out, nil
}

// MarkdownFiles lists the .md content files directly in dir, sorted.
func MarkdownFiles(dir string) ([]string, error) { return markdownFiles(dir) }
