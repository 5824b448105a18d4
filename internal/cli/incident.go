package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// The on-call commands edit content/incidents/*.md and
// content/maintenance/*.md so nobody hand-edits YAML at 3 a.m. They write
// times in UTC, keep the writer's comments and body byte for byte (see
// frontMatter), check the result with the same validation as the build, and
// write atomically: a rejected command changes nothing.

const incidentUsage = `bulletin incident <command> [flags]

Commands:
  new "Title" --impact major --components dns,web [--status investigating] [-m message] [--component id=status] [--slug s]
  update <slug> -m message [--status identified] [--component id=status]
  resolve <slug> -m message
  list [-n 10]

Common flags: --source DIR, --config FILE, --at TIME (default now)`

func runIncident(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want a subcommand\n\n%s", errUsage, incidentUsage)
	}
	switch args[0] {
	case "new":
		return incidentNew(env, args[1:])
	case "update":
		return incidentUpdate(env, args[1:])
	case "resolve":
		return incidentResolve(env, args[1:])
	case "list", "ls":
		return incidentList(env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stdout, "Usage: "+incidentUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("%w: unknown subcommand %q\n\n%s", errUsage, args[0], incidentUsage)
}

// statusFlags are the flags shared by the on-call commands.
type statusFlags struct {
	siteFlags
	at string
}

func (s *statusFlags) register(fs *flag.FlagSet) {
	s.siteFlags.register(fs, "production")
	fs.StringVar(&s.at, "at", "", "time of the event (RFC 3339, or YYYY-MM-DDTHH:MM in the site's zone); default now")
}

// oncallSite is a loaded site for the on-call commands.
type oncallSite struct {
	cfg            *config.Config
	incidentsDir   string
	maintenanceDir string
	at             time.Time
}

func (s *statusFlags) load(env Env) (*oncallSite, error) {
	cfg, err := s.siteFlags.load(env, "production")
	if err != nil {
		return nil, err
	}
	st := &oncallSite{
		cfg:            cfg,
		incidentsDir:   filepath.Join(s.source, "content", "incidents"),
		maintenanceDir: filepath.Join(s.source, "content", "maintenance"),
		at:             env.Now(),
	}
	if s.at != "" {
		if st.at, err = parseTime(s.at, cfg); err != nil {
			return nil, fmt.Errorf("%w: --at: %v", errUsage, err)
		}
	}
	st.at = st.at.UTC().Truncate(time.Second)
	return st, nil
}

func parseTime(s string, cfg *config.Config) (time.Time, error) {
	ts, err := content.ParseTimestamp(s)
	if err != nil {
		return time.Time{}, err
	}
	return ts.In(cfg.Location), nil
}

// stamp is how the commands write times: UTC, RFC 3339, seconds.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// componentFlag collects repeated --component id=status flags.
type componentFlag []content.ComponentChange

func (c *componentFlag) String() string { return "" }

func (c *componentFlag) Set(v string) error {
	id, st, ok := strings.Cut(v, "=")
	if !ok || id == "" || st == "" {
		return fmt.Errorf("want id=status, e.g. dns=partial_outage")
	}
	*c = append(*c, content.ComponentChange{Component: strings.TrimSpace(id), Status: strings.TrimSpace(st)})
	return nil
}

func (st *oncallSite) checkComponents(ids []string) error {
	for _, id := range ids {
		if _, ok := st.cfg.Component(id); !ok {
			return fmt.Errorf("%w: unknown component %q (known: %s)", errUsage, id, strings.Join(st.cfg.ComponentIDs(), ", "))
		}
	}
	return nil
}

func (st *oncallSite) checkChanges(changes componentFlag) error {
	for _, c := range changes {
		if err := st.checkComponents([]string{c.Component}); err != nil {
			return err
		}
		if content.ComponentStatusRank(c.Status) < 0 {
			return fmt.Errorf("%w: unknown component status %q for %s (one of %s)", errUsage, c.Status, c.Component, strings.Join(content.ComponentStatuses, ", "))
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// newSlug returns "<date>-<title words>" for a new incident or window,
// unused by both kinds (they share /incidents/<slug>/), adding -2, -3, … on
// collision. A slug given with --slug must be valid and unused.
func (st *oncallSite) newSlug(given, title string, at time.Time) (string, error) {
	if given != "" {
		if !content.ValidSlug(given) {
			return "", fmt.Errorf("%w: --slug %q is not URL-safe: use lowercase letters, digits and -", errUsage, given)
		}
		if p, ok := st.slugTaken(given); ok {
			return "", fmt.Errorf("%w: --slug %q is already used by %s", errUsage, given, p)
		}
		return given, nil
	}
	base := at.In(st.cfg.Location).Format("2006-01-02")
	if w := slugify(title); w != "" {
		base += "-" + w
	}
	slug := base
	for n := 2; ; n++ {
		if _, ok := st.slugTaken(slug); !ok {
			return slug, nil
		}
		slug = fmt.Sprintf("%s-%d", base, n)
	}
}

func (st *oncallSite) slugTaken(slug string) (string, bool) {
	for _, dir := range []string{st.incidentsDir, st.maintenanceDir} {
		p := filepath.Join(dir, slug+".md")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// letterFolds spells letters that Unicode does not decompose.
var letterFolds = strings.NewReplacer("ß", "ss", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE", "ø", "o", "Ø", "O", "ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "þ", "th")

// slugify keeps the letters and digits of s, lowercased and without accents,
// joined by "-", at most 60 characters cut at a word boundary.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(letterFolds.Replace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	out := b.String()
	for len(out) > 60 {
		i := strings.LastIndexByte(out[:60], '-')
		if i <= 0 {
			out = out[:60]
			break
		}
		out = out[:i]
	}
	return out
}

// writeChecked validates src with check, then writes it atomically and
// prints the path. A file that would not pass the build is never written.
func writeChecked(env Env, path string, src []byte, check func() error) error {
	if err := check(); err != nil {
		return fmt.Errorf("refusing to write %s, the result would not be valid:\n%w", path, err)
	}
	// An edited file keeps its permissions; a new one gets the usual.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := atomicfile.Write(path, src, mode, atomicfile.Durable); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintln(env.Stdout, path)
	return nil
}

func updateNode(at time.Time, status, body string, comps []content.ComponentChange) *yaml.Node {
	pairs := keyed("at", timeNode(stamp(at)), "status", strNode(status), "body", strNode(body))
	if len(comps) > 0 {
		m := mapNode()
		for _, c := range comps {
			m.Content = append(m.Content, strNode(c.Component), strNode(c.Status))
		}
		pairs = append(pairs, keyed("components", m)...)
	}
	return mapNode(pairs...)
}

func incidentNew(env Env, args []string) error {
	fs := newFlagSet(env, "incident new", `incident new "Title" --impact major --components dns,web [flags]`)
	var sf statusFlags
	sf.register(fs)
	impact := fs.String("impact", "", "impact: none, minor, major or critical (required)")
	comps := fs.String("components", "", "affected component ids, comma-separated")
	status := fs.String("status", content.StatusInvestigating, "status of the first update: investigating, identified or monitoring")
	msg := fs.String("m", "", "message of the first update (default: a generic investigating note)")
	slugFlag := fs.String("slug", "", "file name without .md (default: <date>-<title>)")
	var changes componentFlag
	fs.Var(&changes, "component", "a component's status as id=status, repeatable (default: derived from --impact)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		return fmt.Errorf("%w: want one title: bulletin incident new \"DNS resolution failing\" --impact major --components dns", errUsage)
	}
	title := strings.TrimSpace(fs.Arg(0))
	if content.ImpactRank(*impact) < 0 {
		return fmt.Errorf("%w: --impact %q: want one of %s", errUsage, *impact, strings.Join(content.Impacts, ", "))
	}
	switch *status {
	case content.StatusInvestigating, content.StatusIdentified, content.StatusMonitoring:
	default:
		return fmt.Errorf("%w: --status %q: a new incident is investigating, identified or monitoring", errUsage, *status)
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	ids := splitList(*comps)
	if err := st.checkComponents(ids); err != nil {
		return err
	}
	if err := st.checkChanges(changes); err != nil {
		return err
	}
	for _, c := range changes {
		if !contains(ids, c.Component) {
			ids = append(ids, c.Component)
		}
	}
	body := strings.TrimSpace(*msg)
	if body == "" {
		body = "We are investigating this issue."
	}
	var set []content.ComponentChange
	for _, id := range ids {
		s := content.DefaultComponentStatus(*impact)
		for _, c := range changes {
			if c.Component == id {
				s = c.Status
			}
		}
		set = append(set, content.ComponentChange{Component: id, Status: s})
	}
	slug, err := st.newSlug(*slugFlag, title, st.at)
	if err != nil {
		return err
	}
	doc := mapNode(keyed(
		"title", strNode(title),
		"impact", strNode(*impact),
		"started", timeNode(stamp(st.at)),
		"components", flowList(ids),
		"updates", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{updateNode(st.at, *status, body, set)}},
	)...)
	lines, err := encodeBlock(doc)
	if err != nil {
		return err
	}
	src := []byte("---\n" + strings.Join(lines, "\n") + "\n---\n")
	path := filepath.Join(st.incidentsDir, slug+".md")
	return writeChecked(env, path, src, func() error {
		_, err := content.ParseIncident(path, src, st.cfg)
		return err
	})
}

// openIncident reads an incident for editing; it must parse cleanly, since
// editing a file the build rejects would hide the first problem.
func (st *oncallSite) openIncident(slug string) (string, []byte, *content.Incident, error) {
	if !content.ValidSlug(slug) {
		return "", nil, nil, fmt.Errorf("%w: %q is not an incident slug (run bulletin incident list)", errUsage, slug)
	}
	path := filepath.Join(st.incidentsDir, slug+".md")
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, nil, fmt.Errorf("%w: unknown incident %q: no %s (run bulletin incident list)", errUsage, slug, path)
	}
	if err != nil {
		return "", nil, nil, fmt.Errorf("read incident: %w", err)
	}
	inc, err := content.ParseIncident(path, src, st.cfg)
	if err != nil {
		return "", nil, nil, fmt.Errorf("fix %s before editing it:\n%w", path, err)
	}
	if inc.Format != content.YAML {
		_, err := parseFrontMatter(path, src)
		return "", nil, nil, err
	}
	return path, src, inc, nil
}

func (st *oncallSite) checkAfterLast(inc *content.Incident) error {
	if n := len(inc.Updates); n > 0 && st.at.Before(inc.Updates[n-1].At) {
		return fmt.Errorf("%w: --at %s is before the incident's last update (%s)", errUsage, stamp(st.at), stamp(inc.Updates[n-1].At))
	}
	return nil
}

// appendIncidentUpdate adds the update (and any newly affected components)
// to src and, when resolved is set, the resolved time.
func appendIncidentUpdate(path string, src []byte, inc *content.Incident, u *yaml.Node, newComps []string, resolved string) ([]byte, error) {
	f, err := parseFrontMatter(path, src)
	if err != nil {
		return nil, err
	}
	if len(newComps) > 0 {
		if err := f.appendScalars("components", newComps, "impact"); err != nil {
			return nil, err
		}
		if f, err = parseFrontMatter(path, f.bytes()); err != nil {
			return nil, err
		}
	}
	if err := f.appendItem("updates", u); err != nil {
		return nil, err
	}
	if resolved != "" {
		if f, err = parseFrontMatter(path, f.bytes()); err != nil {
			return nil, err
		}
		if err := f.setScalar("resolved", resolved, "started"); err != nil {
			return nil, err
		}
	}
	return f.bytes(), nil
}

func incidentUpdate(env Env, args []string) error {
	fs := newFlagSet(env, "incident update", `incident update <slug> -m "message" [--status identified] [--component dns=partial_outage]`)
	var sf statusFlags
	sf.register(fs)
	status := fs.String("status", "", "new status: investigating, identified, monitoring or postmortem (default: unchanged)")
	msg := fs.String("m", "", "the update's message (required)")
	var changes componentFlag
	fs.Var(&changes, "component", "a component's new status as id=status, repeatable")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one incident slug: bulletin incident update <slug> -m \"message\"", errUsage)
	}
	if strings.TrimSpace(*msg) == "" {
		return fmt.Errorf("%w: -m \"message\" is required: say what changed", errUsage)
	}
	if *status != "" && !contains(content.IncidentStatuses, *status) {
		return fmt.Errorf("%w: --status %q: want one of %s", errUsage, *status, strings.Join(content.IncidentStatuses, ", "))
	}
	if *status == content.StatusResolved {
		return fmt.Errorf("%w: to resolve, run: bulletin incident resolve %s -m \"message\"", errUsage, fs.Arg(0))
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	if err := st.checkChanges(changes); err != nil {
		return err
	}
	path, src, inc, err := st.openIncident(fs.Arg(0))
	if err != nil {
		return err
	}
	if *status == "" {
		*status = inc.Status()
	}
	if inc.IsResolved() && *status != content.StatusPostmortem {
		return fmt.Errorf("%w: incident %s was resolved at %s; only --status postmortem may follow (edit the file to reopen it)", errUsage, inc.Slug, stamp(inc.Resolved))
	}
	if !inc.IsResolved() && *status == content.StatusPostmortem {
		return fmt.Errorf("%w: a postmortem follows a resolved incident: run bulletin incident resolve %s first", errUsage, inc.Slug)
	}
	if inc.IsResolved() && len(changes) > 0 {
		return fmt.Errorf("%w: incident %s is resolved; its components are back to operational", errUsage, inc.Slug)
	}
	if err := st.checkAfterLast(inc); err != nil {
		return err
	}
	var added []string
	for _, c := range changes {
		if !inc.Affects(c.Component) && !contains(added, c.Component) {
			added = append(added, c.Component)
		}
	}
	out, err := appendIncidentUpdate(path, src, inc, updateNode(st.at, *status, strings.TrimSpace(*msg), changes), added, "")
	if err != nil {
		return err
	}
	return writeChecked(env, path, out, func() error {
		_, err := content.ParseIncident(path, out, st.cfg)
		return err
	})
}

func incidentResolve(env Env, args []string) error {
	fs := newFlagSet(env, "incident resolve", `incident resolve <slug> -m "message"`)
	var sf statusFlags
	sf.register(fs)
	msg := fs.String("m", "", "the resolving update's message (required)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one incident slug: bulletin incident resolve <slug> -m \"message\"", errUsage)
	}
	if strings.TrimSpace(*msg) == "" {
		return fmt.Errorf("%w: -m \"message\" is required: say what fixed it", errUsage)
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	path, src, inc, err := st.openIncident(fs.Arg(0))
	if err != nil {
		return err
	}
	if inc.IsResolved() {
		return fmt.Errorf("%w: incident %s is already resolved (at %s); add a post-mortem with: bulletin incident update %s --status postmortem -m \"...\"", errUsage, inc.Slug, stamp(inc.Resolved), inc.Slug)
	}
	if err := st.checkAfterLast(inc); err != nil {
		return err
	}
	var back []content.ComponentChange
	for _, id := range inc.Components {
		back = append(back, content.ComponentChange{Component: id, Status: content.Operational})
	}
	out, err := appendIncidentUpdate(path, src, inc, updateNode(st.at, content.StatusResolved, strings.TrimSpace(*msg), back), nil, stamp(st.at))
	if err != nil {
		return err
	}
	return writeChecked(env, path, out, func() error {
		_, err := content.ParseIncident(path, out, st.cfg)
		return err
	})
}

func incidentList(env Env, args []string) error {
	fs := newFlagSet(env, "incident list", "incident list [-n 10]")
	var sf statusFlags
	sf.register(fs)
	n := fs.Int("n", 10, "number of resolved incidents to show after the open ones")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: incident list takes no arguments", errUsage)
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	incs, loadErr := content.LoadIncidents(st.incidentsDir, st.cfg)
	var open, done []*content.Incident
	for _, inc := range incs {
		if inc.IsResolved() {
			done = append(done, inc)
		} else {
			open = append(open, inc)
		}
	}
	if len(done) > *n {
		done = done[:*n]
	}
	loc := st.cfg.Location
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tSTATUS\tIMPACT\tSTARTED\tDURATION\tTITLE")
	for _, inc := range append(open, done...) {
		d := "ongoing " + snapshot.FormatDuration(st.at.Sub(inc.Started))
		if inc.IsResolved() {
			d = snapshot.FormatDuration(inc.Duration())
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", inc.Slug, inc.Status(), inc.Impact, inc.Started.In(loc).Format("2006-01-02 15:04 MST"), d, inc.Title)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(incs) == 0 && loadErr == nil {
		fmt.Fprintln(env.Stdout, "no incidents")
	}
	return loadErr
}

// frontMatter is a YAML front matter block edited as text: yaml.v3 nodes
// locate the keys, and edits insert or replace whole lines, so everything
// the writer wrote — comments, quoting, blank lines, the markdown body —
// stays byte for byte. Re-encoding the YAML would reflow all of it.
type frontMatter struct {
	path string
	// lines are the file's lines with their line endings.
	lines []string
	// open and close index the --- lines.
	open, close int
	eol         string
	root        *yaml.Node
}

// parseFrontMatter reads the YAML front matter of src. TOML front matter is
// refused: BurntSushi/toml cannot write a file back with its comments.
func parseFrontMatter(path string, src []byte) (*frontMatter, error) {
	text := string(src)
	f := &frontMatter{path: path, eol: "\n", open: -1, close: -1}
	if strings.Contains(text, "\r\n") {
		f.eol = "\r\n"
	}
	f.lines = strings.SplitAfter(text, "\n")
	if f.lines[len(f.lines)-1] == "" {
		f.lines = f.lines[:len(f.lines)-1]
	}
	for i, l := range f.lines {
		t := strings.TrimSpace(strings.TrimPrefix(l, "\ufeff"))
		if t == "" {
			continue
		}
		switch t {
		case "+++":
			return nil, fmt.Errorf("%s has TOML front matter: bulletin edits YAML front matter only, since rewriting TOML would lose its comments; edit it by hand or convert it to YAML (between --- lines)", path)
		case "---":
			f.open = i
		}
		break
	}
	if f.open < 0 {
		return nil, fmt.Errorf("%s: no YAML front matter (the file must start with a --- line)", path)
	}
	for i := f.open + 1; i < len(f.lines); i++ {
		if strings.TrimRight(f.lines[i], " \t\r\n") == "---" {
			f.close = i
			break
		}
	}
	if f.close < 0 {
		return nil, fmt.Errorf("%s: front matter is not closed by a --- line", path)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(f.lines[f.open+1:f.close], "")), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: front matter is not a mapping of keys", path)
	}
	f.root = doc.Content[0]
	return f, nil
}

func (f *frontMatter) bytes() []byte { return []byte(strings.Join(f.lines, "")) }

// idx returns the file line index of a node.
func (f *frontMatter) idx(n *yaml.Node) int { return f.open + n.Line }

// key returns the key and value nodes of a top-level key and the pair's
// position in the mapping; nil when absent.
func (f *frontMatter) key(name string) (k, v *yaml.Node, pos int) {
	for i := 0; i+1 < len(f.root.Content); i += 2 {
		if f.root.Content[i].Value == name {
			return f.root.Content[i], f.root.Content[i+1], i
		}
	}
	return nil, nil, -1
}

// insert places lines (without endings) before file line index at.
func (f *frontMatter) insert(at int, lines ...string) {
	add := make([]string, len(lines))
	for i, l := range lines {
		add[i] = l + f.eol
	}
	f.lines = append(f.lines[:at], append(add, f.lines[at:]...)...)
}

// replace rewrites file line i.
func (f *frontMatter) replace(i int, line string) { f.lines[i] = line + f.eol }

// valueEnd returns the file line index just past the value of the key at
// pos: up to the next key, less trailing blank lines and the comments at or
// left of indent (those belong to what follows). Deeper lines, even ones
// that look like comments, may be inside a block scalar and stay.
func (f *frontMatter) valueEnd(pos int, indent string) int {
	k := f.root.Content[pos]
	limit := f.close
	if pos+2 < len(f.root.Content) {
		limit = f.idx(f.root.Content[pos+2])
	}
	end := limit - 1
	for end > f.idx(k) {
		l := strings.TrimRight(f.lines[end], "\r\n")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") && len(indentOf(l)) <= len(indent) {
			end--
			continue
		}
		break
	}
	return end + 1
}

// dashIndent returns the indentation of a block sequence's "-" markers.
func (f *frontMatter) dashIndent(k, seq *yaml.Node) string {
	for i := f.idx(seq.Content[0]); i > f.idx(k); i-- {
		if strings.HasPrefix(strings.TrimSpace(f.lines[i]), "-") {
			return indentOf(f.lines[i])
		}
	}
	return indentOf(f.lines[f.idx(k)]) + "  "
}

// emptyValueLine rewrites "key: []" or "key:" (no value) as "key:" so that
// block items can follow, keeping a trailing comment.
func (f *frontMatter) emptyValueLine(k, v *yaml.Node) {
	line := f.lines[f.idx(k)]
	s := indentOf(line) + k.Value + ":"
	if c := lineComment(k, v); c != "" {
		s += " " + c
	}
	f.replace(f.idx(k), s)
}

func lineComment(k, v *yaml.Node) string {
	if v != nil && v.LineComment != "" {
		return v.LineComment
	}
	return k.LineComment
}

// appendItem adds a mapping to the end of the block sequence under key,
// creating the key at the end of the front matter when it is missing.
func (f *frontMatter) appendItem(key string, item *yaml.Node) error {
	body, err := encodeBlock(item)
	if err != nil {
		return err
	}
	k, v, pos := f.key(key)
	switch {
	case k == nil:
		f.insert(f.close, append([]string{key + ":"}, listItem("  ", body)...)...)
	case isEmptyValue(k, v):
		f.emptyValueLine(k, v)
		f.insert(f.idx(k)+1, listItem(indentOf(f.lines[f.idx(k)])+"  ", body)...)
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0:
		ind := f.dashIndent(k, v)
		f.insert(f.valueEnd(pos, ind), listItem(ind, body)...)
	default:
		return fmt.Errorf("%s:%d: %s is not written as a block list (- items), so bulletin cannot append to it; rewrite it as one", f.path, f.idx(k)+1, key)
	}
	return nil
}

// appendScalars adds plain items to the list under key: to a block list as
// "- item" lines, to a one-line flow list by rewriting that line.
func (f *frontMatter) appendScalars(key string, items []string, after string) error {
	k, v, pos := f.key(key)
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = scalar(it)
	}
	switch {
	case k == nil:
		line := key + ": [" + strings.Join(quoted, ", ") + "]"
		at := f.close
		if ak, av, _ := f.key(after); ak != nil && av.Kind == yaml.ScalarNode && av.Line == ak.Line {
			at = f.idx(ak) + 1
		}
		f.insert(at, line)
	case isEmptyValue(k, v) || v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle != 0 && f.oneLine(k, v):
		var all []string
		if v.Kind == yaml.SequenceNode {
			for _, n := range v.Content {
				all = append(all, scalar(n.Value))
			}
		}
		s := indentOf(f.lines[f.idx(k)]) + key + ": [" + strings.Join(append(all, quoted...), ", ") + "]"
		if c := lineComment(k, v); c != "" {
			s += " " + c
		}
		f.replace(f.idx(k), s)
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0:
		ind := f.dashIndent(k, v)
		lines := make([]string, len(quoted))
		for i, q := range quoted {
			lines[i] = ind + "- " + q
		}
		f.insert(f.valueEnd(pos, ind), lines...)
	default:
		return fmt.Errorf("%s:%d: %s spans several lines in [ ] form; write it as a block list (- items) or on one line", f.path, f.idx(k)+1, key)
	}
	return nil
}

// setScalar sets a top-level key to a plain value: on its own line when it
// exists with an empty or one-line value, else inserted after the key named
// after (or at the end of the front matter).
func (f *frontMatter) setScalar(key, value, after string) error {
	k, v, _ := f.key(key)
	if k == nil {
		at := f.close
		if ak, av, _ := f.key(after); ak != nil && av.Kind == yaml.ScalarNode && av.Line == ak.Line {
			at = f.idx(ak) + 1
		}
		f.insert(at, key+": "+value)
		return nil
	}
	if v.Kind != yaml.ScalarNode || v.Line != k.Line && !isEmptyValue(k, v) || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return fmt.Errorf("%s:%d: %s must be a single value on its line", f.path, f.idx(k)+1, key)
	}
	s := indentOf(f.lines[f.idx(k)]) + key + ": " + value
	if c := lineComment(k, v); c != "" {
		s += " " + c
	}
	f.replace(f.idx(k), s)
	return nil
}

func (f *frontMatter) oneLine(k, v *yaml.Node) bool {
	line := f.lines[f.idx(k)]
	return v.Line == k.Line && strings.Contains(line, "]")
}

// isEmptyValue reports a key with no value, null, or an empty flow list.
func isEmptyValue(k, v *yaml.Node) bool {
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
		return true
	case v.Kind == yaml.SequenceNode && len(v.Content) == 0 && v.Style&yaml.FlowStyle != 0 && v.Line == k.Line:
		return true
	}
	return false
}

// listItem prefixes the lines of a block as one "- " item at indent.
func listItem(indent string, block []string) []string {
	out := make([]string, len(block))
	for i, l := range block {
		switch {
		case i == 0:
			out[i] = indent + "- " + l
		case l == "":
			out[i] = ""
		default:
			out[i] = indent + "  " + l
		}
	}
	return out
}

// encodeBlock renders a node as block YAML lines, two-space indented.
func encodeBlock(n *yaml.Node) ([]string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return strings.Split(strings.TrimRight(buf.String(), "\n"), "\n"), nil
}

// scalar renders s as a one-line YAML scalar, quoted only when needed.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimRight(string(out), "\n")
}

func indentOf(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}

// Node builders for the YAML bulletin writes.

func mapNode(pairs ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: pairs}
}

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// timeNode writes a timestamp unquoted, as a writer would type it.
func timeNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: s}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

func flowList(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, it := range items {
		n.Content = append(n.Content, strNode(it))
	}
	return n
}

func keyed(pairs ...any) []*yaml.Node {
	var out []*yaml.Node
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, strNode(pairs[i].(string)), pairs[i+1].(*yaml.Node))
	}
	return out
}
