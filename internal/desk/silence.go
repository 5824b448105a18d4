package desk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	fm "github.com/bulletin-dev/bulletin/internal/desk/frontmatter"
)

// NewSilence silences a component's automatic status signal: from At until
// Until the status page shows Status and Reason instead of what the live
// checks find.
type NewSilence struct {
	Component string
	// Reason is what readers see in place of the signal (required).
	Reason string
	// Status is what on-call says the status is; "" for operational.
	Status string
	// Author is who silenced it (optional).
	Author string
	// At is when the silence starts; Until when it expires.
	At, Until time.Time
	// Slug is the file name without .md; "" for <date>-<component>.
	Slug string
}

// MaxSilence is the longest a silence may last: a signal silenced for
// longer is a rule to fix in config.toml, not an on-call decision.
const MaxSilence = 7 * 24 * time.Hour

// Check reports what is wrong with r before any file is read.
func (r NewSilence) Check() error {
	if strings.TrimSpace(r.Component) == "" {
		return requestErrorf("want the component whose signal to silence: bulletin silence new api --for 2h -m \"reason\"")
	}
	if strings.TrimSpace(r.Reason) == "" {
		return requestErrorf("-m is required: the reason readers see in place of the automatic status")
	}
	if r.Status != "" && r.Status != content.Operational && !isLiveStatus(r.Status) {
		return requestErrorf("--status %q: want operational, %s", r.Status, strings.Join(config.LiveStatuses, ", "))
	}
	if !r.Until.After(r.At) {
		return requestErrorf("the silence would end before it starts: give --for a positive duration or --until a later time")
	}
	if r.Until.Sub(r.At) > MaxSilence {
		return requestErrorf("a silence lasts at most 7 days; fix or remove the live rule in config.toml instead")
	}
	return nil
}

func isLiveStatus(s string) bool {
	for _, v := range config.LiveStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// Silence writes a new silence file and returns its path.
func (d *Desk) Silence(r NewSilence) (string, error) {
	if err := r.Check(); err != nil {
		return "", err
	}
	if err := d.checkComponents([]string{r.Component}); err != nil {
		return "", err
	}
	if len(d.cfg.LiveRules(r.Component)) == 0 {
		return "", refusef("component %q has no live rules in config.toml: there is no automatic status to silence", r.Component)
	}
	at, until := when(r.At), when(r.Until)
	slug := r.Slug
	if slug == "" {
		base := at.In(d.cfg.Location).Format("2006-01-02") + "-" + r.Component
		slug = base
		for n := 2; d.silenceExists(slug); n++ {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
	} else if !content.ValidSlug(slug) {
		return "", requestErrorf("--slug %q is not URL-safe: use lowercase letters, digits and -", slug)
	} else if d.silenceExists(slug) {
		return "", refusef("--slug %q is already used by %s", slug, d.silencePath(slug))
	}
	pairs := []fm.Pair{
		fm.KV("component", fm.Str(r.Component)),
		fm.KV("reason", fm.Str(strings.TrimSpace(r.Reason))),
	}
	if r.Status != "" && r.Status != content.Operational {
		pairs = append(pairs, fm.KV("status", fm.Str(r.Status)))
	}
	if a := strings.TrimSpace(r.Author); a != "" {
		pairs = append(pairs, fm.KV("author", fm.Str(a)))
	}
	pairs = append(pairs, fm.KV("start", fm.Timestamp(stamp(at))), fm.KV("until", fm.Timestamp(stamp(until))))
	src, err := fm.New(fm.Map(pairs...))
	if err != nil {
		return "", err
	}
	path := d.silencePath(slug)
	return path, writeChecked(path, src, func() error {
		_, err := content.ParseSilence(path, src, d.cfg)
		return err
	})
}

// LiftSilence ends the silence slug at at, by setting its until.
func (d *Desk) LiftSilence(slug string, at time.Time) (string, error) {
	if !content.ValidSlug(slug) {
		return "", requestErrorf("%q is not a silence slug (run bulletin silence list)", slug)
	}
	path := d.silencePath(slug)
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", refusef("no silence %q: %s does not exist%s (run bulletin silence list)", slug, path, didYouMean(d.silencesDir, slug))
	}
	if err != nil {
		return "", err
	}
	s, err := content.ParseSilence(path, src, d.cfg)
	if err != nil {
		return "", fmt.Errorf("%w\nfix the file before lifting the silence", err)
	}
	at = when(at)
	if !at.Before(s.Until) {
		return "", refusef("silence %s already ended at %s", slug, s.Until.Format(listTime))
	}
	if !at.After(s.Start) {
		return "", refusef("silence %s starts at %s: remove the file to cancel it", slug, s.Start.Format(listTime))
	}
	ed, err := fm.Parse(path, src)
	if err != nil {
		return "", err
	}
	if err := ed.SetScalar("until", stamp(at), ""); err != nil {
		return "", err
	}
	out := ed.Bytes()
	return path, writeChecked(path, out, func() error {
		_, err := content.ParseSilence(path, out, d.cfg)
		return err
	})
}

// ListSilences lists the silences holding or still to come at at, then the
// n most recent expired ones.
func (d *Desk) ListSilences(at time.Time, n int) (*Listing, error) {
	at = when(at)
	ss, err := content.LoadSilences(d.silencesDir, d.cfg)
	var open, done []*content.Silence
	for _, s := range ss {
		if at.Before(s.Until) {
			open = append(open, s)
		} else {
			done = append(done, s)
		}
	}
	if len(done) > n {
		done = done[:n]
	}
	l := &Listing{Header: []string{"SLUG", "COMPONENT", "STATE", "START", "UNTIL", "REASON"}, Total: len(ss)}
	for _, s := range append(open, done...) {
		state := "expired"
		switch {
		case s.ActiveAt(at):
			state = "active"
		case at.Before(s.Start):
			state = "upcoming"
		}
		l.Rows = append(l.Rows, []string{s.Slug, s.Component, state, s.Start.In(d.cfg.Location).Format(listTime), s.Until.In(d.cfg.Location).Format(listTime), s.Reason})
	}
	return l, err
}

func (d *Desk) silencePath(slug string) string { return filepath.Join(d.silencesDir, slug+".md") }

func (d *Desk) silenceExists(slug string) bool {
	_, err := os.Stat(d.silencePath(slug))
	return err == nil
}
