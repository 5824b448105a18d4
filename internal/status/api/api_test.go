package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/status"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const site = "../testdata/site"

func loadSite(tb testing.TB) (*config.Config, *content.StatusContent) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(site, "config.toml"), "")
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := content.LoadStatusContent(filepath.Join(site, "content/incidents"), filepath.Join(site, "content/maintenance"), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg, sc
}

func documents(tb testing.TB, cfg *config.Config, sc *content.StatusContent, now time.Time) map[string][]byte {
	tb.Helper()
	p := status.Compute(cfg, sc.Incidents, sc.Maintenance, nil, now)
	docs, err := Documents(cfg, p)
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

var allPaths = []string{PathSummary, PathStatus, PathComponents, PathIncidents, PathUnresolved, PathMaintenance, PathUpcoming, PathActive}

// TestGolden pins every document of the public API. Run with -update after
// an intended change, and review the diff: clients depend on these shapes.
func TestGolden(t *testing.T) {
	cfg, sc := loadSite(t)
	scenarios := []struct {
		name string
		now  string
	}{
		// An active incident, a window in progress, one upcoming.
		{"active", "2026-10-14T10:00:00Z"},
		// Before anything happened: every list is empty.
		{"quiet", "2026-08-01T00:00:00Z"},
	}
	for _, sc2 := range scenarios {
		t.Run(sc2.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, sc2.now)
			docs := documents(t, cfg, sc, now)
			var got []string
			for p := range docs {
				got = append(got, p)
			}
			sort.Strings(got)
			want := append([]string(nil), allPaths...)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("documents %v, want %v", got, want)
			}
			for _, path := range allPaths {
				golden := filepath.Join("testdata", sc2.name, path+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, docs[path], 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if !bytes.Equal(docs[path], want) {
					t.Errorf("%s differs from %s:\n%s", path, golden, docs[path])
				}
			}
		})
	}
}

// listKeys are the keys whose values are lists in Statuspage's documents.
var listKeys = map[string]bool{"components": true, "incidents": true, "incident_updates": true, "affected_components": true, "scheduled_maintenances": true}

func TestListsAreNeverNull(t *testing.T) {
	cfg, sc := loadSite(t)
	for _, now := range []string{"2026-08-01T00:00:00Z", "2026-10-14T10:00:00Z", "2027-01-01T00:00:00Z"} {
		at, _ := time.Parse(time.RFC3339, now)
		for path, b := range documents(t, cfg, sc, at) {
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatalf("%s at %s: %v", path, now, err)
			}
			walk(t, path, "", v)
		}
	}
}

func walk(t *testing.T, doc, key string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if listKeys[k] {
				if _, ok := sub.([]any); !ok {
					t.Errorf("%s: %s.%s is %v, want a list", doc, key, k, sub)
				}
			}
			walk(t, doc, key+"."+k, sub)
		}
	case []any:
		for _, sub := range x {
			walk(t, doc, key+"[]", sub)
		}
	}
}

func TestDocumentsDependOnStateNotClock(t *testing.T) {
	cfg, sc := loadSite(t)
	a := documents(t, cfg, sc, time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC))
	b := documents(t, cfg, sc, time.Date(2026, 10, 14, 10, 20, 0, 0, time.UTC))
	for _, p := range allPaths {
		if !bytes.Equal(a[p], b[p]) {
			t.Errorf("%s changed between two builds in the same state", p)
		}
	}
	// After the window closes at 11:00 the state (and output) changes.
	c := documents(t, cfg, sc, time.Date(2026, 10, 14, 11, 0, 0, 0, time.UTC))
	if bytes.Equal(a[PathActive], c[PathActive]) {
		t.Error("active maintenance did not change when the window closed")
	}
}

func TestIncidentsLimit(t *testing.T) {
	cfg, sc := loadSite(t)
	base := sc.Incidents[len(sc.Incidents)-1]
	var many []*content.Incident
	for i := 0; i < Limit+7; i++ {
		inc := *base
		inc.Slug = base.Slug + "-" + strings.Repeat("x", i+1)
		inc.Started = base.Started.Add(-time.Duration(i) * time.Hour)
		many = append(many, &inc)
	}
	p := status.Compute(cfg, many, nil, nil, time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC))
	docs, err := Documents(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	var got Incidents
	if err := json.Unmarshal(docs[PathIncidents], &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Incidents) != Limit || got.Incidents[0].Name != base.Title || !strings.HasSuffix(got.Incidents[0].Shortlink, "-x/") {
		t.Errorf("want the %d most recent, newest first; got %d", Limit, len(got.Incidents))
	}
}

func TestID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-z]{12}$`)
	seen := map[string]bool{}
	for _, k := range []struct{ kind, key string }{{"component", "web"}, {"group", "web"}, {"incident", "web"}, {"component", "dns"}} {
		id := ID(k.kind, k.key)
		if !re.MatchString(id) || seen[id] {
			t.Errorf("ID(%s, %s) = %q: want 12 base-36 characters, distinct", k.kind, k.key, id)
		}
		seen[id] = true
		if ID(k.kind, k.key) != id {
			t.Error("ID is not stable")
		}
	}
}
