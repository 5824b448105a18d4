package desk

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

var update = flag.Bool("update", false, "rewrite the .golden files")

const testConfig = `title = "Example Ops"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[[components]]
id = "dns"
name = "DNS"

[[components]]
id = "web"
name = "Website"

[[components]]
id = "db"
name = "Database"

[[tracks]]
id = "backend"
repository = "acme/server"
source = "deployments"
`

// newDesk returns the desk of a new site directory, with testdata files
// copied in: name.md to content/<kind>/<name>.md for each kind/name given.
func newDesk(tb testing.TB, files ...string) (*Desk, string) {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(testConfig), 0o644); err != nil {
		tb.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join("testdata", filepath.Base(f)+".md"))
		if err != nil {
			tb.Fatal(err)
		}
		p := filepath.Join(dir, "content", f+".md")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		tb.Fatal(err)
	}
	return New(cfg, dir), dir
}

func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// checkGolden compares the file at path with testdata/name.golden.
func checkGolden(tb testing.TB, path, name string) {
	tb.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		tb.Fatal(err)
	}
	if string(got) != string(want) {
		tb.Errorf("%s:\n%s\nwant (%s):\n%s", path, got, golden, want)
	}
}

// TestEdits runs each scenario of desk calls on a fresh site and compares
// the file the last call wrote with its golden file.
func TestEdits(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		run   func(tb testing.TB, d *Desk) (string, error)
	}{
		{"open-incident", nil, func(tb testing.TB, d *Desk) (string, error) {
			return d.OpenIncident(NewIncident{Title: "DNS: resolution failing!", Impact: "major", Components: []string{"dns"},
				Changes: Changes{{Component: "web", Status: "degraded_performance"}}, Status: content.StatusInvestigating,
				At: at(tb, "2026-10-14T22:30:00.5Z")})
		}},
		{"update-and-resolve", []string{"incidents/website-slow"}, func(tb testing.TB, d *Desk) (string, error) {
			if _, err := d.UpdateIncident(IncidentUpdate{Slug: "website-slow", Status: "identified", Message: " A cache node is down.\n\nReplacing it. ",
				Changes: Changes{{Component: "dns", Status: "degraded_performance"}}, At: at(tb, "2026-10-14T09:30:00Z")}); err != nil {
				return "", err
			}
			return d.ResolveIncident(IncidentResolution{Slug: "website-slow", Message: "Resolved", At: at(tb, "2026-10-14T10:00:00Z")})
		}},
		{"postmortem", []string{"incidents/website-slow"}, func(tb testing.TB, d *Desk) (string, error) {
			if _, err := d.ResolveIncident(IncidentResolution{Slug: "website-slow", Message: "Resolved", At: at(tb, "2026-10-14T10:00:00Z")}); err != nil {
				return "", err
			}
			return d.UpdateIncident(IncidentUpdate{Slug: "website-slow", Status: content.StatusPostmortem, Message: "Post-mortem below.", At: at(tb, "2026-10-16T10:00:00Z")})
		}},
		{"schedule-maintenance", nil, func(tb testing.TB, d *Desk) (string, error) {
			from, err := d.ParseTime("2026-12-01T22:00")
			if err != nil {
				return "", err
			}
			return d.ScheduleMaintenance(NewMaintenance{Title: "DB upgrade", From: from, Until: from.Add(3 * time.Hour),
				Components: []string{"db"}, At: at(tb, "2026-10-14T10:00:00Z")})
		}},
		{"update-maintenance", []string{"maintenance/db-upgrade"}, func(tb testing.TB, d *Desk) (string, error) {
			if _, err := d.UpdateMaintenance(MaintenanceUpdate{Slug: "db-upgrade", Message: "Read-only now.", At: at(tb, "2026-12-01T21:05:00Z")}); err != nil {
				return "", err
			}
			return d.UpdateMaintenance(MaintenanceUpdate{Slug: "db-upgrade", Status: content.MaintenanceCompleted, Message: "All done.", At: at(tb, "2026-12-01T22:30:00Z")})
		}},
		{"announce", nil, func(tb testing.TB, d *Desk) (string, error) {
			// Testing began before the announcement: its first update
			// says in_testing, and an endpoint keeps its commas.
			return d.Announce(NewAnnouncement{Title: "The v1 API is removed", Kind: content.KindBreakingChange,
				Effective: at(tb, "2027-01-12T09:00:00Z"), TestingFrom: at(tb, "2026-11-23T09:00:00Z"), StagingURL: "https://staging.example.org/",
				Components: []string{"web"}, APIs: []string{"GET /v1/x?fields=a,b", "POST /v1/hooks"}, At: at(tb, "2026-11-24T10:00:00Z")})
		}},
		{"announce-planned", nil, func(tb testing.TB, d *Desk) (string, error) {
			return d.Announce(NewAnnouncement{Title: "Old dashboards go away", Kind: content.KindDeprecation,
				Effective: at(tb, "2027-03-01T09:00:00Z"), Message: "Use the new ones.", At: at(tb, "2026-11-24T10:00:00Z")})
		}},
		{"postpone-announcement", []string{"announcements/v1-removal"}, func(tb testing.TB, d *Desk) (string, error) {
			if _, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Status: content.AnnouncementTesting, Message: "Staging runs without v1.", At: at(tb, "2026-11-23T09:00:00Z")}); err != nil {
				return "", err
			}
			return d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Status: content.AnnouncementPostponed, Effective: at(tb, "2027-02-02T09:00:00Z"), At: at(tb, "2027-01-05T09:00:00Z")})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := newDesk(t, tt.files...)
			path, err := tt.run(t, d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(path, filepath.Join(dir, "content")) {
				t.Errorf("path %s is not in the site's content/", path)
			}
			checkGolden(t, path, tt.name)
		})
	}
}

// TestRefused checks that a refused request is a *RequestError when the
// request is at fault, and changes no file either way.
func TestRefused(t *testing.T) {
	tests := []struct {
		name    string
		run     func(tb testing.TB, d *Desk) error
		request bool
		want    string
	}{
		{"unknown impact", func(tb testing.TB, d *Desk) error {
			_, err := d.OpenIncident(NewIncident{Title: "X", Impact: "huge", Status: "investigating"})
			return err
		}, true, `--impact "huge": want one of none, minor, major, critical`},
		{"unknown component", func(tb testing.TB, d *Desk) error {
			_, err := d.OpenIncident(NewIncident{Title: "X", Impact: "minor", Status: "investigating", Components: []string{"mail"}})
			return err
		}, true, `unknown component "mail" (known: db, dns, web)`},
		{"slug taken by maintenance", func(tb testing.TB, d *Desk) error {
			_, err := d.OpenIncident(NewIncident{Title: "X", Impact: "minor", Status: "investigating", Slug: "db-upgrade"})
			return err
		}, true, `--slug "db-upgrade" is already used by`},
		{"unknown slug", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateIncident(IncidentUpdate{Slug: "nope", Message: "x"})
			return err
		}, true, `unknown incident "nope"`},
		{"unknown component status", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateIncident(IncidentUpdate{Slug: "website-slow", Message: "x", Changes: Changes{{Component: "dns", Status: "down"}}})
			return err
		}, true, `unknown component status "down" for dns`},
		{"update before the last one", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateIncident(IncidentUpdate{Slug: "website-slow", Message: "x", At: at(tb, "2026-10-14T09:00:00Z")})
			return err
		}, true, "--at 2026-10-14T09:00:00Z is before the incident's last update (2026-10-14T09:05:00Z)"},
		{"postmortem on open", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateIncident(IncidentUpdate{Slug: "website-slow", Message: "x", Status: "postmortem", At: at(tb, "2026-10-14T10:00:00Z")})
			return err
		}, true, "a postmortem follows a resolved incident"},
		{"resolve without message", func(tb testing.TB, d *Desk) error {
			_, err := d.ResolveIncident(IncidentResolution{Slug: "website-slow", Message: " "})
			return err
		}, true, `-m "message" is required: say what fixed it`},
		{"toml incident", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateIncident(IncidentUpdate{Slug: "toml", Message: "x", At: at(tb, "2026-10-14T10:00:00Z")})
			return err
		}, false, "has TOML front matter: bulletin edits YAML front matter only"},
		{"window ends before it starts", func(tb testing.TB, d *Desk) error {
			_, err := d.ScheduleMaintenance(NewMaintenance{Title: "W", From: at(tb, "2026-12-01T21:00:00Z"), Until: at(tb, "2026-12-01T20:00:00Z")})
			return err
		}, true, "the window ends (2026-12-01T20:00:00Z) before it starts (2026-12-01T21:00:00Z)"},
		{"overlap that disagrees", func(tb testing.TB, d *Desk) error {
			_, err := d.ScheduleMaintenance(NewMaintenance{Title: "W", From: at(tb, "2026-12-01T22:00:00Z"), Until: at(tb, "2026-12-01T23:00:00Z"),
				Components: []string{"db"}, CountsAgainstAvailability: true})
			return err
		}, false, "counts_against_availability differs"},
		{"maintenance back to scheduled", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateMaintenance(MaintenanceUpdate{Slug: "db-upgrade", Message: "x", Status: "scheduled", At: at(tb, "2026-12-01T21:45:00Z")})
			return err
		}, true, "maintenance db-upgrade is in_progress at 2026-12-01T21:45:00Z; its status cannot go back to scheduled"},
		{"unknown maintenance status", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateMaintenance(MaintenanceUpdate{Slug: "db-upgrade", Message: "x", Status: "done"})
			return err
		}, true, `--status "done": want one of scheduled, in_progress, verifying, completed`},
		{"incident slug taken by an announcement", func(tb testing.TB, d *Desk) error {
			_, err := d.OpenIncident(NewIncident{Title: "X", Impact: "minor", Status: "investigating", Slug: "v1-removal"})
			return err
		}, true, `--slug "v1-removal" is already used by`},
		{"announcement slug taken by an incident", func(tb testing.TB, d *Desk) error {
			_, err := d.Announce(NewAnnouncement{Title: "X", Kind: "notice", Effective: at(tb, "2027-01-01T00:00:00Z"), Slug: "website-slow"})
			return err
		}, true, `--slug "website-slow" is already used by`},
		{"unknown kind", func(tb testing.TB, d *Desk) error {
			_, err := d.Announce(NewAnnouncement{Title: "X", Kind: "breaking", Effective: at(tb, "2027-01-01T00:00:00Z")})
			return err
		}, true, `--kind "breaking": want one of breaking-change, deprecation, notice`},
		{"effective before testing", func(tb testing.TB, d *Desk) error {
			_, err := d.Announce(NewAnnouncement{Title: "X", Kind: "notice", Effective: at(tb, "2027-01-01T00:00:00Z"), TestingFrom: at(tb, "2027-02-01T00:00:00Z")})
			return err
		}, false, "effective 2027-01-01T00:00:00Z is before testing_from 2027-02-01T00:00:00Z"},
		{"staging url not absolute", func(tb testing.TB, d *Desk) error {
			_, err := d.Announce(NewAnnouncement{Title: "X", Kind: "notice", Effective: at(tb, "2027-01-01T00:00:00Z"), StagingURL: "staging.example.org"})
			return err
		}, false, `staging_url "staging.example.org" is not an absolute http(s) URL`},
		{"postponed without a new date", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Status: "postponed", Message: "Later."})
			return err
		}, true, "--status postponed needs --effective NEW"},
		{"announcement update without message", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Status: "done"})
			return err
		}, true, `-m "message" is required`},
		{"unknown announcement", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-remove", Message: "x"})
			return err
		}, true, `unknown announcement "v1-remove": no`},
		{"announcement update before the last one", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Message: "x", At: at(tb, "2026-11-16T12:00:00Z")})
			return err
		}, true, "--at 2026-11-16T12:00:00Z is before the announcement's last update (2026-11-16T13:00:00Z)"},
		{"effective moved before testing", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Message: "Earlier.", Effective: at(tb, "2026-11-01T00:00:00Z"), At: at(tb, "2026-11-20T00:00:00Z")})
			return err
		}, false, "is before testing_from"},
		{"postponed to an earlier date", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Status: "postponed", Effective: at(tb, "2027-01-01T00:00:00Z"), At: at(tb, "2026-11-20T00:00:00Z")})
			return err
		}, true, "--effective 2027-01-01T00:00:00Z is not after the current effective date (2027-01-12T09:00:00Z)"},
		{"new date without a message", func(tb testing.TB, d *Desk) error {
			_, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "v1-removal", Effective: at(tb, "2027-02-01T00:00:00Z"), At: at(tb, "2026-11-20T00:00:00Z")})
			return err
		}, true, `-m "message" is required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := newDesk(t, "incidents/website-slow", "incidents/toml", "maintenance/db-upgrade", "announcements/v1-removal")
			before := readTree(t, dir)
			err := tt.run(t, d)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			var re *RequestError
			if errors.As(err, &re) != tt.request {
				t.Errorf("error %T %v: a request error is %v, want %v", err, err, !tt.request, tt.request)
			}
			after := readTree(t, dir)
			if len(after) != len(before) {
				t.Errorf("files: %d before, %d after", len(before), len(after))
			}
			for p, b := range before {
				if after[p] != b {
					t.Errorf("%s changed", p)
				}
			}
		})
	}
}

// readTree returns every file under dir with its bytes.
func readTree(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestListings(t *testing.T) {
	d, _ := newDesk(t, "incidents/website-slow", "maintenance/db-upgrade", "announcements/v1-removal")
	if _, err := d.OpenIncident(NewIncident{Title: "Old", Impact: "major", Status: "investigating", Slug: "old", At: at(t, "2026-10-01T09:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ResolveIncident(IncidentResolution{Slug: "old", Message: "done", At: at(t, "2026-10-01T10:30:00Z")}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []NewAnnouncement{
		{Title: "Late", Slug: "late", Kind: "notice", Effective: at(t, "2026-10-01T09:00:00Z"), At: at(t, "2026-09-01T09:00:00Z")},
		{Title: "Gone", Slug: "gone", Kind: "deprecation", Effective: at(t, "2026-12-01T09:00:00Z"), At: at(t, "2026-09-01T09:00:00Z")},
	} {
		if _, err := d.Announce(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.UpdateAnnouncement(AnnouncementUpdate{Slug: "gone", Status: "cancelled", Message: "Kept after all.", At: at(t, "2026-10-02T09:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	now := at(t, "2026-10-14T10:00:00Z")
	tests := []struct {
		name string
		list func() (*Listing, error)
		want string
	}{
		{"incidents", func() (*Listing, error) { return d.ListIncidents(now, 10) }, "" +
			"SLUG|STATUS|IMPACT|STARTED|DURATION|TITLE\n" +
			"website-slow|investigating|minor|2026-10-14 11:00 CEST|ongoing 1h|Website slow\n" +
			"old|resolved|major|2026-10-01 11:00 CEST|1h 30m|Old\n"},
		{"open incidents only", func() (*Listing, error) { return d.ListIncidents(now, 0) }, "" +
			"SLUG|STATUS|IMPACT|STARTED|DURATION|TITLE\n" +
			"website-slow|investigating|minor|2026-10-14 11:00 CEST|ongoing 1h|Website slow\n"},
		{"maintenance", func() (*Listing, error) { return d.ListMaintenance(now, 10) }, "" +
			"SLUG|STATUS|FROM|UNTIL|COMPONENTS|TITLE\n" +
			"db-upgrade|scheduled|2026-12-01 22:00 CET|2026-12-02 01:00 CET|db|Database upgrade\n"},
		{"announcements", func() (*Listing, error) { return d.ListAnnouncements(now, 10) }, "" +
			"SLUG|STATUS|KIND|EFFECTIVE|COMPONENTS|TITLE\n" +
			"late|planned (overdue)|notice|2026-10-01 11:00 CEST||Late\n" +
			"v1-removal|planned|breaking-change|2027-01-12 10:00 CET|web|The v1 API is removed\n" +
			"gone|cancelled|deprecation|2026-12-01 10:00 CET||Gone\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.list()
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(l.Header, "|") + "\n"
			for _, r := range l.Rows {
				got += strings.Join(r, "|") + "\n"
			}
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
