// Package desk is the on-call desk: it opens, updates and resolves
// incidents (content/incidents/*.md), schedules and updates maintenance
// windows (content/maintenance/*.md), announces planned changes
// (content/announcements/*.md), and silences and lifts silences of
// automatic status signals (content/silences/*.md), so nobody hand-edits
// YAML at 3 a.m. For the writers it scaffolds the month's report
// (content/reports/*.md), carrying last month's goals over.
//
// Every edit writes times in UTC, keeps the writer's comments and body byte
// for byte (see package frontmatter), is checked with the same validation
// as the build (package content), and is written atomically: a refused
// edit changes nothing. A report scaffold is checked the same way and is
// created only where no file exists, so that it never replaces a report.
package desk

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

// Desk edits the on-call files of one site, and scaffolds its reports.
type Desk struct {
	cfg              *config.Config
	incidentsDir     string
	maintenanceDir   string
	announcementsDir string
	silencesDir      string
	reportsDir       string
}

// New returns the desk of the site in dir, whose loaded config is cfg.
func New(cfg *config.Config, dir string) *Desk {
	return &Desk{
		cfg:              cfg,
		incidentsDir:     filepath.Join(dir, "content", "incidents"),
		maintenanceDir:   filepath.Join(dir, "content", "maintenance"),
		announcementsDir: filepath.Join(dir, "content", "announcements"),
		silencesDir:      filepath.Join(dir, "content", "silences"),
		reportsDir:       filepath.Join(dir, "content", "reports"),
	}
}

// RequestError is a request the desk refuses as asked: a bad value, an
// unknown slug, or an edit the file's state does not allow. Msg says what
// to do instead.
type RequestError struct {
	Msg string
	// Usage is true when the request itself is malformed (a bad flag
	// value, a missing message), which the command line reports as a
	// usage error; false when it is well formed but the site's files
	// refuse it (an unknown slug, an incident already resolved).
	Usage bool
}

// Error returns Msg.
func (e *RequestError) Error() string { return e.Msg }

// requestErrorf refuses a malformed request.
func requestErrorf(format string, args ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, args...), Usage: true}
}

// refusef refuses a well-formed request that the site's files do not allow.
func refusef(format string, args ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, args...)}
}

// ParseTime parses a time as the content files accept it: RFC 3339, or
// without an offset in the site's time zone.
func (d *Desk) ParseTime(s string) (time.Time, error) {
	ts, err := content.ParseTimestamp(s)
	if err != nil {
		return time.Time{}, err
	}
	return ts.In(d.cfg.Location), nil
}

// stamp is how the desk writes times: UTC, RFC 3339, seconds.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// when normalizes the time of an edit to what is written: UTC seconds.
func when(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// Changes are component status changes, in order. As a flag.Value it
// collects repeated id=status flags.
type Changes []content.ComponentChange

// String returns "": the flag has no default.
func (c *Changes) String() string { return "" }

// Set adds one change written as id=status.
func (c *Changes) Set(v string) error {
	id, st, ok := strings.Cut(v, "=")
	if !ok || id == "" || st == "" {
		return fmt.Errorf("want id=status, e.g. dns=partial_outage")
	}
	*c = append(*c, content.ComponentChange{Component: strings.TrimSpace(id), Status: strings.TrimSpace(st)})
	return nil
}

func (d *Desk) checkComponents(ids []string) error {
	for _, id := range ids {
		if _, ok := d.cfg.Component(id); !ok {
			return requestErrorf("unknown component %q (known: %s)", id, strings.Join(d.cfg.ComponentIDs(), ", "))
		}
	}
	return nil
}

func (d *Desk) checkChanges(changes Changes) error {
	for _, c := range changes {
		if err := d.checkComponents([]string{c.Component}); err != nil {
			return err
		}
		if content.ComponentStatusRank(c.Status) < 0 {
			return requestErrorf("unknown component status %q for %s (one of %s)", c.Status, c.Component, strings.Join(content.ComponentStatuses, ", "))
		}
	}
	return nil
}

// writeChecked validates src with check, then writes it atomically. A file
// that would not pass the build is never written.
func writeChecked(path string, src []byte, check func() error) error {
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
	return nil
}
