package main

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOnlyFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"-only", "bogus"}, `unknown section "bogus"`},
		{[]string{"-only", "incident"}, "add scale"},
		{[]string{"-only", "live,pages"}, "add scale"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(t.Context(), tc.args, io.Discard, &stderr); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q, want it to say %q", stderr.String(), tc.want)
			}
		})
	}
}

func TestWants(t *testing.T) {
	all := config{}
	for _, s := range sections {
		if !all.wants(s) {
			t.Errorf("by default %s does not run", s)
		}
	}
	skip := config{skipHugo: true, skipGo: true, skipLive: true}
	for _, s := range []string{"hugo", "go", "live"} {
		if skip.wants(s) {
			t.Errorf("-skip-%s: %s still runs", s, s)
		}
	}
	only := config{only: map[string]bool{"live": true}, skipLive: true}
	if !only.wants("live") || only.wants("scale") {
		t.Error("-only live: want live alone")
	}
}

// The target serves what the example's live rules and the bench's alert
// rules read, in the text format Prometheus scrapes.
func TestProbeTarget(t *testing.T) {
	target := &probeTarget{down: map[string]bool{}}
	get := func() string {
		rec := httptest.NewRecorder()
		target.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	up := get()
	for _, want := range []string{
		"# TYPE probe_success gauge\n",
		`probe_success{job="blackbox",component="web"} 1` + "\n",
		`probe_success{job="blackbox",component="api"} 1` + "\n",
		`probe_success{job="blackbox",component="dns"} 1` + "\n",
	} {
		if !strings.Contains(up, want) {
			t.Errorf("up: missing %q in\n%s", want, up)
		}
	}
	target.set("api", true)
	if down := get(); !strings.Contains(down, `probe_success{job="blackbox",component="api"} 0`) || !strings.Contains(down, `component="web"} 1`) {
		t.Errorf("api down:\n%s", down)
	}
}

func TestComponentStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := os.WriteFile(path, []byte(`{"page":{},"components":[{"id":"x1","name":"Public site","status":"operational","group":true},{"id":"x2","name":"API","status":"major_outage"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := componentStatus(path, "API"); err != nil || got != "major_outage" {
		t.Errorf("API: %q, %v; want major_outage", got, err)
	}
	if _, err := componentStatus(path, "DNS"); err == nil {
		t.Error("DNS: no error for a component the summary lacks")
	}
}

func TestObjectDiff(t *testing.T) {
	got := objectDiff([]string{"a", "b"}, []string{"b", "c"})
	if want := []string{"+c", "−a"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("objectDiff = %q, want %q", got, want)
	}
}
