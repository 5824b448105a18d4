package prometheus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/internal/config"
)

// call is one request received by the fake Prometheus.
type call struct {
	path, query      string
	time, start, end time.Time
	step             time.Duration
	auth             string
}

// fakeProm answers the query API like Prometheus does, with the body
// answer returns; it records every call.
type fakeProm struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []call
	answer func(w http.ResponseWriter, r *http.Request, c call)
}

func newFake(tb testing.TB, answer func(w http.ResponseWriter, r *http.Request, c call)) *fakeProm {
	tb.Helper()
	f := &fakeProm{answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := call{path: r.URL.Path, query: r.Form.Get("query"), auth: r.Header.Get("Authorization"),
			time: apiTime(r.Form.Get("time")), start: apiTime(r.Form.Get("start")), end: apiTime(r.Form.Get("end"))}
		if s, err := strconv.ParseFloat(r.Form.Get("step"), 64); err == nil {
			c.step = time.Duration(s * float64(time.Second))
		}
		f.mu.Lock()
		f.calls = append(f.calls, c)
		f.mu.Unlock()
		f.answer(w, r, c)
	}))
	tb.Cleanup(f.Close)
	return f
}

func (f *fakeProm) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// apiTime parses an API time parameter (float seconds) to the millisecond.
func apiTime(s string) time.Time {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(math.Round(v * 1000))).UTC()
}

// healthy answers every instant query with one series at value and every
// range query with a point per step.
func healthy(value string) func(w http.ResponseWriter, r *http.Request, c call) {
	return func(w http.ResponseWriter, r *http.Request, c call) {
		w.Header().Set("Content-Type", "application/json")
		if c.path == "/api/v1/query_range" {
			var points []string
			for t := c.start; !t.After(c.end); t = t.Add(c.step) {
				points = append(points, fmt.Sprintf(`[%s,%q]`, unixSeconds(t), value))
			}
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[%s]}]}}`, strings.Join(points, ","))
			return
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%s,%q]}]}}`, unixSeconds(c.time), value)
	}
}

func unixSeconds(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}

func newCollector(tb testing.TB, opts prometheus.Options) *prometheus.Collector {
	tb.Helper()
	c, err := prometheus.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestQueries pins down what is asked of the server for October 2026 in
// Berlin: the month at its last millisecond over its 745 hours, each day
// over its own length (25 hours on the 25th), and the coverage buckets in
// one query_range — and, with an excluded window, the pieces around it.
func TestQueries(t *testing.T) {
	monthEnd := utc("2026-10-31T23:00:00Z") // 1 November 00:00 CET
	sli := func(rng string) string {
		return fmt.Sprintf(`sum(sum_over_time(probe_success{component="api"}[%s])) / sum(count_over_time(probe_success{component="api"}[%s]))`, rng, rng)
	}
	type instant struct {
		query string
		at    time.Time
	}
	tests := []struct {
		name         string
		exclude      []prometheus.Window
		wantInstants []instant // among those made
		wantCount    int       // instant queries
		wantRanges   []call
	}{
		{
			name: "whole month",
			wantInstants: []instant{
				{sli("2682000s"), monthEnd.Add(-time.Millisecond)},
				{sli("90000s"), utc("2026-10-25T23:00:00Z").Add(-time.Millisecond)},
				{sli("86400s"), utc("2026-10-24T22:00:00Z").Add(-time.Millisecond)},
				{sli("86400s"), utc("2026-10-01T22:00:00Z").Add(-time.Millisecond)},
			},
			wantCount: 1 + 31,
			wantRanges: []call{{
				query: sli("300s"),
				start: utc("2026-09-30T22:05:00Z").Add(-time.Millisecond),
				end:   monthEnd.Add(-time.Millisecond),
				step:  5 * time.Minute,
			}},
		},
		{
			name: "excluded window",
			exclude: []prometheus.Window{
				{Start: local("2026-10-14 10:00"), End: local("2026-10-14 10:30")},
				{Start: local("2026-10-14 10:00"), End: local("2026-10-14 10:30"), Components: []string{"db"}},
			},
			wantInstants: []instant{
				{sli("1159200s"), utc("2026-10-14T08:00:00Z").Add(-time.Millisecond)}, // 1 Oct 00:00 to 14 Oct 10:00
				{sli("1521000s"), monthEnd.Add(-time.Millisecond)},                    // 14 Oct 10:30 to 1 Nov 00:00
				{sli("36000s"), utc("2026-10-14T08:00:00Z").Add(-time.Millisecond)},
				{sli("48600s"), utc("2026-10-14T22:00:00Z").Add(-time.Millisecond)},
			},
			wantCount: 2 + 32,
			wantRanges: []call{
				{query: sli("300s"), start: utc("2026-09-30T22:05:00Z").Add(-time.Millisecond), end: utc("2026-10-14T08:00:00Z").Add(-time.Millisecond), step: 5 * time.Minute},
				{query: sli("300s"), start: utc("2026-10-14T08:35:00Z").Add(-time.Millisecond), end: monthEnd.Add(-time.Millisecond), step: 5 * time.Minute},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, healthy("1"))
			c := newCollector(t, prometheus.Options{URL: f.URL})
			a, err := c.Availability(context.Background(), config.Component{ID: "api", SLO: 99.9}, "2026-10", berlin, tc.exclude)
			if err != nil {
				t.Fatal(err)
			}
			if a.Ratio == nil || *a.Ratio != 1 || a.Coverage != 1 || len(a.Daily) != 31 || *a.ErrorBudgetRemaining != 1 {
				t.Errorf("got ratio %s coverage %v budget %s, %d days; want 1, 1, 1, 31", show(a.Ratio), a.Coverage, show(a.ErrorBudgetRemaining), len(a.Daily))
			}
			instants := map[instant]bool{}
			var ranges []call
			for _, c := range f.Calls() {
				switch c.path {
				case "/api/v1/query":
					instants[instant{c.query, c.time}] = true
				case "/api/v1/query_range":
					ranges = append(ranges, call{query: c.query, start: c.start, end: c.end, step: c.step})
				default:
					t.Errorf("unexpected request to %s", c.path)
				}
			}
			if len(instants) != tc.wantCount {
				t.Errorf("%d instant queries, want %d", len(instants), tc.wantCount)
			}
			for _, w := range tc.wantInstants {
				if !instants[w] {
					t.Errorf("no query %s at %s", w.query, w.at)
				}
			}
			if len(ranges) != len(tc.wantRanges) {
				t.Fatalf("range queries %+v, want %+v", ranges, tc.wantRanges)
			}
			for _, w := range tc.wantRanges {
				found := false
				for _, r := range ranges {
					found = found || (r.query == w.query && r.start.Equal(w.start) && r.end.Equal(w.end) && r.step == w.step)
				}
				if !found {
					t.Errorf("no range query %+v among %+v", w, ranges)
				}
			}
		})
	}
}

// TestAlignedRangeQueries checks coverage behind a query frontend that
// aligns query_range start and end to multiples of the step (Thanos'
// default): the points land one millisecond off the buckets' ends.
func TestAlignedRangeQueries(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, c call) {
		if c.path == "/api/v1/query_range" {
			c.start = c.start.Truncate(c.step)
			c.end = c.end.Truncate(c.step)
		}
		healthy("1")(w, r, c)
	})
	c := newCollector(t, prometheus.Options{URL: f.URL})
	a, err := c.Availability(context.Background(), config.Component{ID: "api"}, "2026-10", berlin, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The aligned frontend answers for buckets ending 1ms later, the last
	// one beyond the month not at all: one bucket of 8940 is lost.
	if want := 1 - 1.0/8940; math.Abs(a.Coverage-want) > 1e-12 {
		t.Errorf("coverage = %v, want %v", a.Coverage, want)
	}
}

func TestHTTPClientConfig(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantAuth string
	}{
		{
			name: "bearer token from a file relative to the config",
			files: map[string]string{
				"http.yml":      "authorization:\n  type: Bearer\n  credentials_file: secrets/token\n",
				"secrets/token": "s3cr3t\n",
			},
			wantAuth: "Bearer s3cr3t",
		},
		{
			name:     "basic auth",
			files:    map[string]string{"http.yml": "basic_auth:\n  username: bulletin\n  password: hunter2\n"},
			wantAuth: "Basic YnVsbGV0aW46aHVudGVyMg==",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			f := newFake(t, healthy("1"))
			c := newCollector(t, prometheus.Options{URL: f.URL, HTTPConfigFile: filepath.Join(dir, "http.yml")})
			if _, err := c.Availability(context.Background(), config.Component{ID: "api"}, "2026-02", time.UTC, nil); err != nil {
				t.Fatal(err)
			}
			calls := f.Calls()
			if len(calls) != 1+28+1 {
				t.Errorf("%d requests, want 30", len(calls))
			}
			for _, c := range calls {
				if c.auth != tc.wantAuth {
					t.Fatalf("Authorization = %q, want %q", c.auth, tc.wantAuth)
				}
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "http.yml")
	if err := os.WriteFile(bad, []byte("basic_auth:\n  username: a\n  pasword: b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts prometheus.Options
		want []string
	}{
		{"relative url", prometheus.Options{URL: "prometheus:9090"}, []string{`prometheus url "prometheus:9090": want an absolute http(s) URL`}},
		{"unknown key in http config", prometheus.Options{URL: "http://127.0.0.1:9090", HTTPConfigFile: bad}, []string{"prometheus http config " + bad, "line 3", "pasword"}},
		{"missing http config", prometheus.Options{URL: "http://127.0.0.1:9090", HTTPConfigFile: filepath.Join(dir, "nope.yml")}, []string{"nope.yml", "no such file"}},
		{"resolution not dividing 15m", prometheus.Options{URL: "http://127.0.0.1:9090", Resolution: 7 * time.Minute}, []string{"resolution 7m0s"}},
		{"sub-second resolution", prometheus.Options{URL: "http://127.0.0.1:9090", Resolution: 1500 * time.Millisecond}, []string{"resolution 1.5s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := prometheus.New(tc.opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestWarningsAreLogged(t *testing.T) {
	// Instant queries answer a scalar, which is accepted like a one-series
	// vector; every answer carries a warning, as Thanos does for a
	// partial response.
	const warning = "partial response: store eu-1 unavailable"
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, c call) {
		if c.path == "/api/v1/query_range" {
			fmt.Fprintf(w, `{"status":"success","warnings":[%q],"data":{"resultType":"matrix","result":[{"metric":{},"values":[[%s,"1"]]}]}}`, warning, unixSeconds(c.start))
			return
		}
		fmt.Fprintf(w, `{"status":"success","warnings":[%q],"data":{"resultType":"scalar","result":[%s,"0.5"]}}`, warning, unixSeconds(c.time))
	})
	var mu sync.Mutex
	var logged []string
	c := newCollector(t, prometheus.Options{URL: f.URL, Logf: func(format string, args ...any) {
		mu.Lock()
		logged = append(logged, fmt.Sprintf(format, args...))
		mu.Unlock()
	}})
	a, err := c.Availability(context.Background(), config.Component{ID: "api"}, "2026-02", time.UTC, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Ratio == nil || *a.Ratio != 0.5 {
		t.Errorf("ratio = %s, want 0.5", show(a.Ratio))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != len(f.Calls()) {
		t.Errorf("%d warnings logged for %d queries", len(logged), len(f.Calls()))
	}
	prefix := `prometheus: query "sum(sum_over_time(probe_success{component=\"api\"}[`
	for _, l := range logged {
		if !strings.HasPrefix(l, prefix) || !strings.Contains(l, " at 2026-0") || !strings.HasSuffix(l, ": warning: "+warning) {
			t.Errorf("logged %q, want %s... at <time>: warning: %s", l, prefix, warning)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	vector := func(values ...string) string {
		var series []string
		for i, v := range values {
			series = append(series, fmt.Sprintf(`{"metric":{"instance":"p%d"},"value":[0,%q]}`, i, v))
		}
		return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(series, ",") + `]}}`
	}
	tests := []struct {
		name   string
		status int
		body   string
		hang   bool
		want   string
	}{
		{"execution error", http.StatusUnprocessableEntity, `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}`, false,
			"execution: query processing would load too many samples into memory"},
		{"bad gateway", http.StatusBadGateway, "<html><body>upstream connect error</body></html>", false, "server error: 502 (<html><body>upstream connect error</body></html>)"},
		{"unauthorized", http.StatusUnauthorized, "Unauthorized", false, "client error: 401 (Unauthorized)"},
		{"two series", http.StatusOK, vector("1", "0.5"), false, `returned 2 series ({instance="p0"}, {instance="p1"}, ...), want one`},
		{"infinite", http.StatusOK, vector("+Inf"), false, "result +Inf is not a 0..1 ratio"},
		{"above one", http.StatusOK, vector("1.5"), false, "result 1.5 is not a 0..1 ratio"},
		{"matrix", http.StatusOK, `{"status":"success","data":{"resultType":"matrix","result":[]}}`, false, "result is a matrix, want an instant vector"},
		{"timeout", 0, "", true, "timed out after 50ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan struct{})
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, c call) {
				if c.path == "/api/v1/query_range" {
					healthy("1")(w, r, c)
					return
				}
				if tc.hang {
					select {
					case <-r.Context().Done():
					case <-done:
					}
					return
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			defer close(done)
			// Only the hanging server meets the short timeout: on a loaded
			// machine the others must still answer in time.
			timeout := time.Minute
			if tc.hang {
				timeout = 50 * time.Millisecond
			}
			c := newCollector(t, prometheus.Options{URL: f.URL, Timeout: timeout})
			a, err := c.Availability(context.Background(), config.Component{ID: "api"}, "2026-02", time.UTC, nil)
			if err == nil {
				t.Fatalf("no error; got %+v", a)
			}
			for _, w := range []string{`component "api": query prometheus "sum(sum_over_time(probe_success{component=\"api\"}[`, " at 2026-0", tc.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestNoTraffic: a request SLI answering NaN (0/0) means data but no
// ratio: coverage counts, the ratio is missing rather than 0 or 1.
func TestNoTraffic(t *testing.T) {
	f := newFake(t, healthy("NaN"))
	c := newCollector(t, prometheus.Options{URL: f.URL})
	a, err := c.Availability(context.Background(), config.Component{ID: "web", SLO: 99, Query: "sum(rate(good[$__range])) / sum(rate(total[$__range]))"}, "2026-02", time.UTC, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Ratio != nil || a.Coverage != 1 || a.ErrorBudgetRemaining != nil {
		t.Errorf("ratio %s coverage %v budget %s, want nil, 1, nil", show(a.Ratio), a.Coverage, show(a.ErrorBudgetRemaining))
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("snapshot does not encode: %v", err)
	}
	if !strings.Contains(string(b), `"ratio":null`) {
		t.Errorf("encoded %s, want a null ratio", b)
	}
}

func TestDefaultQuery(t *testing.T) {
	got := prometheus.DefaultQuery(config.Component{ID: "api-gw"})
	want := `sum(sum_over_time(probe_success{component="api-gw"}[$__range])) / sum(count_over_time(probe_success{component="api-gw"}[$__range]))`
	if got != want {
		t.Errorf("DefaultQuery = %s, want %s", got, want)
	}
}

func TestExcludedWindowErrors(t *testing.T) {
	c := newCollector(t, prometheus.Options{URL: "http://127.0.0.1:1"})
	windows := prometheus.WindowsFromConfig([]config.Interval{{
		Start: local("2026-10-14 10:30"), End: local("2026-10-14 10:00"), Reason: "swap",
	}})
	_, err := c.Availability(context.Background(), config.Component{ID: "api"}, "2026-10", berlin, windows)
	want := `component "api": excluded window "swap" (2026-10-14T10:30:00+02:00 to 2026-10-14T10:00:00+02:00) does not end after it starts`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}
