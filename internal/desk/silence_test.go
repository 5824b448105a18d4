package desk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// newLiveDesk is newDesk with a live rule for web.
func newLiveDesk(t *testing.T) (*Desk, string) {
	t.Helper()
	_, dir := newDesk(t)
	path := filepath.Join(dir, "config.toml")
	src := testConfig + "\n[[live.rules]]\ncomponent = \"web\"\nalerts = 'alertname=\"WebDown\"'\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, "")
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg, dir), dir
}

func TestSilenceAndLift(t *testing.T) {
	d, dir := newLiveDesk(t)
	start := at(t, "2026-12-02T02:20:00Z")
	path, err := d.Silence(NewSilence{Component: "web", Reason: "Probe runs from the old region.", Author: "Drew", At: start, Until: start.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "content", "silences", "2026-12-02-web.md"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	checkGolden(t, path, "silence-new")

	// A second one the same day gets its own file.
	second, err := d.Silence(NewSilence{Component: "web", Reason: "Again.", Status: "degraded_performance", At: start.Add(time.Hour), Until: start.Add(2 * time.Hour)})
	if err != nil || filepath.Base(second) != "2026-12-02-web-2.md" {
		t.Fatalf("second silence: %s %v", second, err)
	}

	if _, err := d.LiftSilence("2026-12-02-web", start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, path, "silence-lifted")

	l, err := d.ListSilences(start.Add(90*time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, r := range l.Rows {
		states = append(states, r[0]+"="+r[2])
	}
	if got := strings.Join(states, " "); got != "2026-12-02-web-2=active 2026-12-02-web=expired" {
		t.Errorf("listing = %s", got)
	}
}

func TestSilenceRefused(t *testing.T) {
	d, dir := newLiveDesk(t)
	start := at(t, "2026-12-02T02:20:00Z")
	ok := NewSilence{Component: "web", Reason: "r", At: start, Until: start.Add(time.Hour)}
	if _, err := d.Silence(ok); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"no rules", func() error {
			r := ok
			r.Component = "dns"
			_, err := d.Silence(r)
			return err
		}, `component "dns" has no live rules`},
		{"unknown component", func() error { r := ok; r.Component = "dns2"; _, err := d.Silence(r); return err }, `unknown component "dns2"`},
		{"no reason", func() error { r := ok; r.Reason = " "; _, err := d.Silence(r); return err }, "-m is required"},
		{"backwards", func() error { r := ok; r.Until = start; _, err := d.Silence(r); return err }, "would end before it starts"},
		{"too long", func() error { r := ok; r.Until = start.Add(8 * 24 * time.Hour); _, err := d.Silence(r); return err }, "at most 7 days"},
		{"bad status", func() error { r := ok; r.Status = "down"; _, err := d.Silence(r); return err }, `--status "down"`},
		{"slug taken", func() error { r := ok; r.Slug = "2026-12-02-web"; _, err := d.Silence(r); return err }, "already used"},
		{"lift unknown", func() error { _, err := d.LiftSilence("nope", start); return err }, `no silence "nope"`},
		{"lift expired", func() error { _, err := d.LiftSilence("2026-12-02-web", start.Add(2*time.Hour)); return err }, "already ended"},
		{"lift before start", func() error { _, err := d.LiftSilence("2026-12-02-web", start.Add(-time.Minute)); return err }, "remove the file to cancel it"},
	}
	before, _ := os.ReadDir(filepath.Join(dir, "content", "silences"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			var re *RequestError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a RequestError with %q", err, tt.want)
			}
		})
	}
	after, _ := os.ReadDir(filepath.Join(dir, "content", "silences"))
	if len(after) != len(before) {
		t.Errorf("refused requests wrote files: %d before, %d after", len(before), len(after))
	}
}
