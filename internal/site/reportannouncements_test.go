package site

import (
	"strings"
	"testing"
	"time"
)

// TestReportAnnouncements checks which announcements each report of the
// fixture lists under "Coming up" and "Landed", and in which words, as of
// the build clock.
func TestReportAnnouncements(t *testing.T) {
	const (
		tls  = "2026-12-15-tls-1-0-off"     // effective Dec, in testing
		ipv6 = "2026-10-14-mail-relay-ipv6" // effective Oct, done
	)
	tests := []struct {
		name, month string
		now         time.Time
		comingUp    []string // slug: status text
		landed      []string
	}{
		// The cancelled November change is never listed.
		{"october lists December's change and October's landed one", "2026-10", testNow,
			[]string{tls + ": in testing"}, []string{ipv6 + ": done"}},
		// Three months ahead: October to December; the cancelled
		// November change is left out.
		{"september looks three months ahead", "2026-09", testNow,
			[]string{ipv6 + ": done", tls + ": in testing"}, nil},
		{"august does not reach December", "2026-08", testNow,
			[]string{ipv6 + ": done"}, nil},
		{"november: December's change, nothing landed", "2026-11", testNow,
			[]string{tls + ": in testing"}, nil},
		{"nothing to list", "2027-06", testNow, nil, nil},
		// Before its testing period the change is planned, with no
		// staging link; after its date, still in testing, it is overdue.
		{"before testing", "2026-10", time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC),
			[]string{tls + ": planned"}, []string{ipv6 + ": done"}},
		{"overdue", "2026-10", time.Date(2026, 12, 20, 12, 0, 0, 0, time.UTC),
			[]string{tls + ": overdue"}, []string{ipv6 + ": done"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loadSite(t, fixture, "", Options{Now: tt.now})
			if err != nil {
				t.Fatal(err)
			}
			sec := s.announcementsSection(tt.month)
			if tt.comingUp == nil && tt.landed == nil {
				if sec != nil {
					t.Fatalf("section = %+v, want none", sec)
				}
				return
			}
			if sec == nil {
				t.Fatal("no section")
			}
			list := func(as []ReportAnnouncement) string {
				var l []string
				for _, a := range as {
					l = append(l, a.Slug+": "+a.StatusText)
					if a.StatusText == "in testing" && a.StagingURL != "https://staging.api.acme.example/" {
						t.Errorf("%s in testing without its staging URL", a.Slug)
					}
				}
				return strings.Join(l, ", ")
			}
			if got, want := list(sec.ComingUp), strings.Join(tt.comingUp, ", "); got != want {
				t.Errorf("coming up = %q, want %q", got, want)
			}
			if got, want := list(sec.Landed), strings.Join(tt.landed, ", "); got != want {
				t.Errorf("landed = %q, want %q", got, want)
			}
		})
	}
}
