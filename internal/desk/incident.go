package desk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/content"
	fm "github.com/bulletin-dev/bulletin/internal/desk/frontmatter"
)

// NewIncident is an incident to open.
type NewIncident struct {
	Title string
	// Impact is none, minor, major or critical.
	Impact string
	// Components are the ids of the affected components; Changes set the
	// status of some (adding them when not listed). The others get the
	// default status for Impact.
	Components []string
	Changes    Changes
	// Status of the first update: investigating, identified or monitoring.
	Status string
	// Message of the first update; "" for a generic investigating note.
	Message string
	// Slug is the file name without .md; "" for <date>-<title>.
	Slug string
	// At is when the incident started.
	At time.Time
}

// Check reports what is wrong with r before any file is read.
func (r NewIncident) Check() error {
	if content.ImpactRank(r.Impact) < 0 {
		return requestErrorf("--impact %q: want one of %s", r.Impact, strings.Join(content.Impacts, ", "))
	}
	switch r.Status {
	case content.StatusInvestigating, content.StatusIdentified, content.StatusMonitoring:
	default:
		return requestErrorf("--status %q: a new incident is investigating, identified or monitoring", r.Status)
	}
	return nil
}

// OpenIncident writes a new incident file and returns its path.
func (d *Desk) OpenIncident(r NewIncident) (string, error) {
	if err := r.Check(); err != nil {
		return "", err
	}
	at := when(r.At)
	ids := slices.Clone(r.Components)
	if err := d.checkComponents(ids); err != nil {
		return "", err
	}
	if err := d.checkChanges(r.Changes); err != nil {
		return "", err
	}
	for _, c := range r.Changes {
		if !slices.Contains(ids, c.Component) {
			ids = append(ids, c.Component)
		}
	}
	body := strings.TrimSpace(r.Message)
	if body == "" {
		body = "We are investigating this issue."
	}
	var set []content.ComponentChange
	for _, id := range ids {
		s := content.DefaultComponentStatus(r.Impact)
		for _, c := range r.Changes {
			if c.Component == id {
				s = c.Status
			}
		}
		set = append(set, content.ComponentChange{Component: id, Status: s})
	}
	slug, err := d.newSlug(r.Slug, r.Title, at)
	if err != nil {
		return "", err
	}
	src, err := fm.New(fm.Map(
		fm.KV("title", fm.Str(r.Title)),
		fm.KV("impact", fm.Str(r.Impact)),
		fm.KV("started", fm.Timestamp(stamp(at))),
		fm.KV("components", fm.FlowList(ids)),
		fm.KV("updates", fm.Seq(updateNode(at, r.Status, body, set))),
	))
	if err != nil {
		return "", err
	}
	path := filepath.Join(d.incidentsDir, slug+".md")
	return path, writeChecked(path, src, func() error {
		_, err := content.ParseIncident(path, src, d.cfg)
		return err
	})
}

// IncidentUpdate is an update to add to an open incident, or a post-mortem
// to add to a resolved one.
type IncidentUpdate struct {
	Slug string
	// Status is investigating, identified, monitoring or postmortem; ""
	// keeps the incident's status.
	Status string
	// Message says what changed; required.
	Message string
	// Changes set component statuses, adding newly affected components.
	Changes Changes
	At      time.Time
}

// Check reports what is wrong with u before any file is read.
func (u IncidentUpdate) Check() error {
	if strings.TrimSpace(u.Message) == "" {
		return requestErrorf(`-m "message" is required: say what changed`)
	}
	if u.Status != "" && !slices.Contains(content.IncidentStatuses, u.Status) {
		return requestErrorf("--status %q: want one of %s", u.Status, strings.Join(content.IncidentStatuses, ", "))
	}
	if u.Status == content.StatusResolved {
		return requestErrorf(`to resolve, run: bulletin incident resolve %s -m "message"`, u.Slug)
	}
	return nil
}

// UpdateIncident appends u to its incident's file and returns the path.
func (d *Desk) UpdateIncident(u IncidentUpdate) (string, error) {
	if err := u.Check(); err != nil {
		return "", err
	}
	at := when(u.At)
	if err := d.checkChanges(u.Changes); err != nil {
		return "", err
	}
	path, src, inc, err := d.openIncident(u.Slug)
	if err != nil {
		return "", err
	}
	status := u.Status
	if status == "" {
		status = inc.Status()
	}
	if inc.IsResolved() && status != content.StatusPostmortem {
		return "", refusef("incident %s was resolved at %s; only --status postmortem may follow (edit the file to reopen it)", inc.Slug, stamp(inc.Resolved))
	}
	if !inc.IsResolved() && status == content.StatusPostmortem {
		return "", refusef("a postmortem follows a resolved incident: run bulletin incident resolve %s first", inc.Slug)
	}
	if inc.IsResolved() && len(u.Changes) > 0 {
		return "", refusef("incident %s is resolved; its components are back to operational", inc.Slug)
	}
	if err := checkAfterLast(inc, at); err != nil {
		return "", err
	}
	var added []string
	for _, c := range u.Changes {
		if !inc.Affects(c.Component) && !slices.Contains(added, c.Component) {
			added = append(added, c.Component)
		}
	}
	out, err := appendIncidentUpdate(path, src, updateNode(at, status, strings.TrimSpace(u.Message), u.Changes), added, "")
	if err != nil {
		return "", err
	}
	return path, d.writeIncident(path, out)
}

// IncidentResolution resolves an open incident.
type IncidentResolution struct {
	Slug string
	// Message says what fixed it; required.
	Message string
	At      time.Time
}

// Check reports what is wrong with r before any file is read.
func (r IncidentResolution) Check() error {
	if strings.TrimSpace(r.Message) == "" {
		return requestErrorf(`-m "message" is required: say what fixed it`)
	}
	return nil
}

// ResolveIncident adds the resolving update, which sets every affected
// component back to operational, and the resolved time to the incident's
// file, and returns the path.
func (d *Desk) ResolveIncident(r IncidentResolution) (string, error) {
	if err := r.Check(); err != nil {
		return "", err
	}
	at := when(r.At)
	path, src, inc, err := d.openIncident(r.Slug)
	if err != nil {
		return "", err
	}
	if inc.IsResolved() {
		return "", refusef(`incident %s is already resolved (at %s); add a post-mortem with: bulletin incident update %s --status postmortem -m "..."`, inc.Slug, stamp(inc.Resolved), inc.Slug)
	}
	if err := checkAfterLast(inc, at); err != nil {
		return "", err
	}
	var back []content.ComponentChange
	for _, id := range inc.Components {
		back = append(back, content.ComponentChange{Component: id, Status: content.Operational})
	}
	out, err := appendIncidentUpdate(path, src, updateNode(at, content.StatusResolved, strings.TrimSpace(r.Message), back), nil, stamp(at))
	if err != nil {
		return "", err
	}
	return path, d.writeIncident(path, out)
}

func (d *Desk) writeIncident(path string, src []byte) error {
	return writeChecked(path, src, func() error {
		_, err := content.ParseIncident(path, src, d.cfg)
		return err
	})
}

// openIncident reads an incident for editing.
func (d *Desk) openIncident(slug string) (string, []byte, *content.Incident, error) {
	k := fileKind{dir: d.incidentsDir, a: "an incident", what: "incident", list: "bulletin incident list"}
	return openFile(k, slug, func(path string, src []byte) (*content.Incident, error) {
		return content.ParseIncident(path, src, d.cfg)
	}, func(inc *content.Incident) string { return inc.Format })
}

// fileKind names a kind of on-call file for the messages of openFile.
type fileKind struct {
	dir string
	// a is what a bad slug is not ("an incident"), what what is unknown
	// ("incident"), and list the command that lists the files.
	a, what, list string
}

// openFile reads the file of slug in k.dir for editing with parse; it must
// parse cleanly, since editing a file the build rejects would hide the
// first problem, and have YAML front matter (format returns which).
func openFile[T any](k fileKind, slug string, parse func(path string, src []byte) (T, error), format func(T) string) (string, []byte, T, error) {
	var zero T
	if !content.ValidSlug(slug) {
		return "", nil, zero, requestErrorf("%q is not %s slug (run %s)", slug, k.a, k.list)
	}
	path := filepath.Join(k.dir, slug+".md")
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, zero, refusef("unknown %s %q: no %s%s (run %s)", k.what, slug, path, didYouMean(k.dir, slug), k.list)
	}
	if err != nil {
		return "", nil, zero, fmt.Errorf("read %s: %w", k.what, err)
	}
	v, err := parse(path, src)
	if err != nil {
		return "", nil, zero, fmt.Errorf("fix %s before editing it:\n%w", path, err)
	}
	if format(v) != content.YAML {
		_, err := fm.Parse(path, src)
		return "", nil, zero, err
	}
	return path, src, v, nil
}

func checkAfterLast(inc *content.Incident, at time.Time) error {
	if n := len(inc.Updates); n > 0 && at.Before(inc.Updates[n-1].At) {
		return refusef("--at %s is before the incident's last update (%s)", stamp(at), stamp(inc.Updates[n-1].At))
	}
	return nil
}

func updateNode(at time.Time, status, body string, comps []content.ComponentChange) *yaml.Node {
	pairs := []fm.Pair{fm.KV("at", fm.Timestamp(stamp(at))), fm.KV("status", fm.Str(status)), fm.KV("body", fm.Str(body))}
	if len(comps) > 0 {
		var cs []fm.Pair
		for _, c := range comps {
			cs = append(cs, fm.KV(c.Component, fm.Str(c.Status)))
		}
		pairs = append(pairs, fm.KV("components", fm.Map(cs...)))
	}
	return fm.Map(pairs...)
}

// appendIncidentUpdate adds the update (and any newly affected components)
// to src and, when resolved is set, the resolved time. Each edit parses the
// result of the last, so that it sees the lines that one added.
func appendIncidentUpdate(path string, src []byte, u *yaml.Node, newComps []string, resolved string) ([]byte, error) {
	f, err := fm.Parse(path, src)
	if err != nil {
		return nil, err
	}
	if len(newComps) > 0 {
		if err := f.AppendScalars("components", newComps, "impact"); err != nil {
			return nil, err
		}
		if f, err = fm.Parse(path, f.Bytes()); err != nil {
			return nil, err
		}
	}
	if err := f.AppendItem("updates", u); err != nil {
		return nil, err
	}
	if resolved != "" {
		if f, err = fm.Parse(path, f.Bytes()); err != nil {
			return nil, err
		}
		if err := f.SetScalar("resolved", resolved, "started"); err != nil {
			return nil, err
		}
	}
	return f.Bytes(), nil
}
