package desk

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	fm "github.com/bulletin-dev/bulletin/internal/desk/frontmatter"
	"gopkg.in/yaml.v3"
)

// NewAnnouncement is a planned change to announce: a breaking change, a
// deprecation or a notice.
type NewAnnouncement struct {
	Title string
	// Kind is one of content.AnnouncementKinds.
	Kind string
	// Effective is when the change lands.
	Effective time.Time
	// TestingFrom, when not zero, is when the change can be tried, and
	// StagingURL, when not "", where.
	TestingFrom time.Time
	StagingURL  string
	// Components are the ids of the affected components; APIs the
	// affected APIs or endpoints, free-form, one per entry.
	Components []string
	APIs       []string
	// Message is the first update's body; "" for a generic note.
	Message string
	// Slug is the file name without .md; "" for <effective date>-<title>.
	Slug string
	// At is when the change is announced.
	At time.Time
}

// Check reports what is wrong with r before any file is read.
func (r NewAnnouncement) Check() error {
	if strings.TrimSpace(r.Title) == "" {
		return requestErrorf("want a title")
	}
	if !slices.Contains(content.AnnouncementKinds, r.Kind) {
		return requestErrorf("--kind %q: want one of %s", r.Kind, strings.Join(content.AnnouncementKinds, ", "))
	}
	if r.Effective.IsZero() {
		return requestErrorf("--effective is required: when the change lands")
	}
	return nil
}

// Announce writes a new announcement and returns its path. Its first
// update is in_testing when testing has begun at r.At, else planned.
func (d *Desk) Announce(r NewAnnouncement) (string, error) {
	if err := r.Check(); err != nil {
		return "", err
	}
	at := when(r.At)
	if err := d.checkComponents(r.Components); err != nil {
		return "", err
	}
	status := content.AnnouncementPlanned
	if !r.TestingFrom.IsZero() && !r.TestingFrom.After(at) {
		status = content.AnnouncementTesting
	}
	body := strings.TrimSpace(r.Message)
	if body == "" {
		body = "We announced this change."
		if status == content.AnnouncementTesting {
			body = "The change can be tried now."
		}
	}
	slug, err := d.newSlug(r.Slug, r.Title, r.Effective)
	if err != nil {
		return "", err
	}
	pairs := []fm.Pair{
		fm.KV("title", fm.Str(strings.TrimSpace(r.Title))),
		fm.KV("kind", fm.Str(r.Kind)),
		fm.KV("effective", fm.Timestamp(stamp(r.Effective))),
	}
	if !r.TestingFrom.IsZero() {
		pairs = append(pairs, fm.KV("testing_from", fm.Timestamp(stamp(r.TestingFrom))))
	}
	if r.StagingURL != "" {
		pairs = append(pairs, fm.KV("staging_url", fm.Str(r.StagingURL)))
	}
	pairs = append(pairs, fm.KV("components", fm.FlowList(r.Components)))
	if len(r.APIs) > 0 {
		// Endpoints hold commas and braces: one block item each.
		var apis []*yaml.Node
		for _, a := range r.APIs {
			apis = append(apis, fm.Str(a))
		}
		pairs = append(pairs, fm.KV("apis", fm.Seq(apis...)))
	}
	pairs = append(pairs, fm.KV("updates", fm.Seq(fm.Map(
		fm.KV("at", fm.Timestamp(stamp(at))),
		fm.KV("status", fm.Str(status)),
		fm.KV("body", fm.Str(body)),
	))))
	src, err := fm.New(fm.Map(pairs...))
	if err != nil {
		return "", err
	}
	path := filepath.Join(d.announcementsDir, slug+".md")
	return path, writeChecked(path, src, func() error {
		_, err := content.ParseAnnouncement(path, src, d.cfg)
		return err
	})
}

// AnnouncementUpdate is an update to add to an announcement: testing has
// begun, the change landed, was postponed or cancelled, or a note at the
// current status.
type AnnouncementUpdate struct {
	Slug string
	// Status is one of content.AnnouncementStatuses; "" keeps the
	// announcement's status at At.
	Status string
	// Message says what changed. It may be "" only for a postponement,
	// which then says "Postponed from <old> to <new>."
	Message string
	// Effective, when not zero, moves the date the change lands. A
	// postponement requires it, later than the current one; a note or
	// a status other than done and cancelled may also correct it.
	Effective time.Time
	At        time.Time
}

// Check reports what is wrong with u before any file is read.
func (u AnnouncementUpdate) Check() error {
	if u.Status != "" && !slices.Contains(content.AnnouncementStatuses, u.Status) {
		return requestErrorf("--status %q: want one of %s", u.Status, strings.Join(content.AnnouncementStatuses, ", "))
	}
	if u.Status == content.AnnouncementPostponed && u.Effective.IsZero() {
		return requestErrorf("--status postponed needs --effective NEW: say when the change lands now (or --status cancelled)")
	}
	if !u.Effective.IsZero() && (u.Status == content.AnnouncementDone || u.Status == content.AnnouncementCancelled) {
		return requestErrorf("--effective with --status %s: a change that is %s does not move", u.Status, u.Status)
	}
	if strings.TrimSpace(u.Message) == "" && u.Status != content.AnnouncementPostponed {
		return requestErrorf(`-m "message" is required: say what changed`)
	}
	return nil
}

// UpdateAnnouncement appends u to its announcement's file, moving its
// effective date when u says so, and returns the path.
func (d *Desk) UpdateAnnouncement(u AnnouncementUpdate) (string, error) {
	if err := u.Check(); err != nil {
		return "", err
	}
	at := when(u.At)
	path, src, a, err := d.openAnnouncement(u.Slug)
	if err != nil {
		return "", err
	}
	if n := len(a.Updates); n > 0 && at.Before(a.Updates[n-1].At) {
		return "", refusef("--at %s is before the announcement's last update (%s)", stamp(at), stamp(a.Updates[n-1].At))
	}
	current := a.StatusAt(at)
	if current == content.AnnouncementDone || current == content.AnnouncementCancelled {
		return "", refusef("announcement %s is already %s: write a new announcement instead", a.Slug, current)
	}
	status := u.Status
	if status == "" {
		status = current
	}
	if status == content.AnnouncementPostponed && !u.Effective.After(a.Effective) {
		return "", refusef("--effective %s is not after the current effective date (%s): a postponement moves the change later", stamp(u.Effective), stamp(a.Effective))
	}
	body := strings.TrimSpace(u.Message)
	if body == "" {
		body = fmt.Sprintf("Postponed from %s to %s.", a.Effective.Format(listTime), u.Effective.In(d.cfg.Location).Format(listTime))
	}
	f, err := fm.Parse(path, src)
	if err != nil {
		return "", err
	}
	if !u.Effective.IsZero() {
		if err := f.SetScalar("effective", stamp(u.Effective), "kind"); err != nil {
			return "", err
		}
	}
	item := fm.Map(fm.KV("at", fm.Timestamp(stamp(at))), fm.KV("status", fm.Str(status)), fm.KV("body", fm.Str(body)))
	if err := f.AppendItem("updates", item); err != nil {
		return "", err
	}
	out := f.Bytes()
	return path, writeChecked(path, out, func() error {
		_, err := content.ParseAnnouncement(path, out, d.cfg)
		return err
	})
}

// openAnnouncement reads an announcement for editing, like an incident.
func (d *Desk) openAnnouncement(slug string) (string, []byte, *content.Announcement, error) {
	k := fileKind{dir: d.announcementsDir, a: "an announcement", what: "announcement", list: "bulletin announce list"}
	return openFile(k, slug, func(path string, src []byte) (*content.Announcement, error) {
		return content.ParseAnnouncement(path, src, d.cfg)
	}, func(a *content.Announcement) string { return a.Format })
}
