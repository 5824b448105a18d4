// Package promtest runs a real Prometheus server for tests, filled with
// generated samples or scraping targets the test controls.
//
// Start writes the samples as OpenMetrics text, turns them into TSDB blocks
// with `promtool tsdb create-blocks-from openmetrics`, and starts
// `prometheus` on 127.0.0.1 with a fresh data directory and no scrape
// targets, so the only data it serves is the data the test generated.
//
// StartScraping starts it instead on an empty data directory, scraping
// Targets (NewTarget: gauges the test sets) and evaluating alerting and
// recording rules every second, for tests of what Prometheus computes
// live: ALERTS, ALERTS_FOR_STATE, instant queries at the current time.
//
// The binaries come from PATH (Debian package prometheus). Without them
// the test is skipped, unless CI=true, where it fails: CI must run these
// tests.
package promtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sample is one value of a series at a time. Times are stored to the
// millisecond, as Prometheus does.
type Sample struct {
	Time  time.Time
	Value float64
}

// Series is a metric with its labels and samples, in time order.
type Series struct {
	Name    string
	Labels  map[string]string
	Samples []Sample
}

// WriteOpenMetrics writes series as OpenMetrics text (gauges, timestamps in
// seconds, ending with "# EOF"), the input of promtool's importer. Series
// of one metric are grouped under one TYPE line, as the format requires.
func WriteOpenMetrics(w io.Writer, series []Series) error {
	bw := bufio.NewWriter(w)
	byName := map[string][]Series{}
	var names []string
	for _, s := range series {
		if _, ok := byName[s.Name]; !ok {
			names = append(names, s.Name)
		}
		byName[s.Name] = append(byName[s.Name], s)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(bw, "# TYPE %s gauge\n", name)
		for _, s := range byName[name] {
			labels := labelString(s.Labels)
			for _, smp := range s.Samples {
				ts := strconv.FormatFloat(float64(smp.Time.UnixMilli())/1000, 'f', -1, 64)
				fmt.Fprintf(bw, "%s%s %s %s\n", name, labels, formatValue(smp.Value), ts)
			}
		}
	}
	fmt.Fprintln(bw, "# EOF")
	return bw.Flush()
}

func labelString(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(labels[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Server is a running Prometheus.
type Server struct {
	// URL is the base of its HTTP API, http://127.0.0.1:port.
	URL string
	// Version is the output of prometheus --version, first line.
	Version string

	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
	stop    sync.Once
}

// Require returns the paths of the prometheus and promtool binaries, or
// skips the test (fails it under CI=true) when they are missing.
func Require(tb testing.TB) (prometheus, promtool string) {
	tb.Helper()
	var missing []string
	prometheus, err := exec.LookPath("prometheus")
	if err != nil {
		missing = append(missing, "prometheus")
	}
	promtool, err = exec.LookPath("promtool")
	if err != nil {
		missing = append(missing, "promtool")
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("%s not in PATH (apt-get install prometheus)", strings.Join(missing, ", "))
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return prometheus, promtool
}

// Start imports series into a fresh TSDB and starts Prometheus on it. The
// server is stopped when the test ends.
func Start(tb testing.TB, series []Series) *Server {
	tb.Helper()
	prometheus, promtool := Require(tb)
	dir := tb.TempDir()
	input := filepath.Join(dir, "data.om")
	f, err := os.Create(input)
	if err != nil {
		tb.Fatal(err)
	}
	if err := WriteOpenMetrics(f, series); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	// Blocks of up to 30 days keep a few months of data in a few blocks.
	out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=720h", input, data).CombinedOutput()
	if err != nil {
		tb.Fatalf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\nscrape_configs: []\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return startServer(tb, prometheus, dir, data, cfg)
}

// startServer starts prometheus on data with configuration file cfg,
// writing its logs in dir, and stops it when the test ends.
func startServer(tb testing.TB, prometheus, dir, data, cfg string) *Server {
	tb.Helper()
	version, _ := exec.Command(prometheus, "--version").Output()

	// The free port found here may be taken before Prometheus binds it;
	// a start that fails that way is retried on another port.
	var errs []error
	for attempt := range 3 {
		s, err := start(prometheus, data, cfg, filepath.Join(dir, fmt.Sprintf("prometheus-%d.log", attempt)))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.Version, _, _ = strings.Cut(string(version), "\n")
		tb.Cleanup(s.Stop)
		return s
	}
	tb.Fatalf("start prometheus: %v", errors.Join(errs...))
	return nil
}

// ScrapeConfig is what StartScraping's Prometheus scrapes and evaluates.
type ScrapeConfig struct {
	// Targets are the host:port addresses scraped at /metrics, in one job
	// named "promtest" (Target.Addr).
	Targets []string
	// Rules is the content of a Prometheus rules file ("groups: ..."). A
	// group without its own interval is evaluated every Interval.
	Rules string
	// Interval is the scrape and evaluation interval; 0 means one second.
	Interval time.Duration
}

// StartScraping starts Prometheus on a fresh, empty data directory,
// scraping sc.Targets and evaluating sc.Rules every sc.Interval, and stops
// it when the test ends. The rules are checked with `promtool check rules`
// first, so that a mistake in them fails with promtool's message.
//
// The alerting rules' ALERTS and ALERTS_FOR_STATE series appear from the
// group's second evaluation on, when Prometheus has restored the rules'
// state; the first scrape comes within one interval of the start.
func StartScraping(tb testing.TB, sc ScrapeConfig) *Server {
	tb.Helper()
	prometheus, promtool := Require(tb)
	if sc.Interval == 0 {
		sc.Interval = time.Second
	}
	dir := tb.TempDir()
	interval := strconv.FormatInt(sc.Interval.Milliseconds(), 10) + "ms"
	var b strings.Builder
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  scrape_timeout: %s\n  evaluation_interval: %s\n", interval, interval, interval)
	if sc.Rules != "" {
		rules := filepath.Join(dir, "rules.yml")
		if err := os.WriteFile(rules, []byte(sc.Rules), 0o644); err != nil {
			tb.Fatal(err)
		}
		if out, err := exec.Command(promtool, "check", "rules", rules).CombinedOutput(); err != nil {
			tb.Fatalf("promtool check rules: %v\n%s\n%s", err, out, sc.Rules)
		}
		fmt.Fprintf(&b, "rule_files:\n  - %s\n", strconv.Quote(rules))
	}
	if len(sc.Targets) == 0 {
		b.WriteString("scrape_configs: []\n")
	} else {
		b.WriteString("scrape_configs:\n  - job_name: promtest\n    static_configs:\n      - targets:\n")
		for _, t := range sc.Targets {
			fmt.Fprintf(&b, "          - %s\n", strconv.Quote(t))
		}
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return startServer(tb, prometheus, dir, filepath.Join(dir, "data"), cfg)
}

// Target is a scrape target the test controls: an HTTP server on
// 127.0.0.1 serving its gauges at /metrics in the Prometheus text format.
// It is safe for concurrent use.
type Target struct {
	// Addr is the host:port to scrape.
	Addr string

	mu      sync.Mutex
	gauges  map[string]float64 // by series, `probe_success{component="api"}`
	scrapes int
}

// NewTarget starts a Target serving no series; it is closed when the test
// ends.
func NewTarget(tb testing.TB) *Target {
	tb.Helper()
	t := &Target{gauges: map[string]float64{}}
	srv := httptest.NewServer(http.HandlerFunc(t.serve))
	tb.Cleanup(srv.Close)
	t.Addr = srv.Listener.Addr().String()
	return t
}

// Set sets a gauge: series is a metric name with its labels in PromQL
// syntax, as the text format writes them (`probe_success{component="api"}`).
// The next scrape reports the new value.
func (t *Target) Set(series string, value float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gauges[series] = value
}

// Scrapes returns how many times the target has been scraped.
func (t *Target) Scrapes() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.scrapes
}

func (t *Target) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/metrics" {
		http.NotFound(w, r)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scrapes++
	series := make([]string, 0, len(t.gauges))
	for s := range t.gauges {
		series = append(series, s)
	}
	sort.Strings(series)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	typed := map[string]bool{}
	for _, s := range series {
		name, _, _ := strings.Cut(s, "{")
		if !typed[name] {
			fmt.Fprintf(w, "# TYPE %s gauge\n", name)
			typed[name] = true
		}
		fmt.Fprintf(w, "%s %s\n", s, formatValue(t.gauges[s]))
	}
}

// Value evaluates an instant query at the current time and returns its
// value: ok is false when the result is empty. A result of more than one
// series, or not a vector or scalar, is an error.
func (s *Server) Value(ctx context.Context, query string) (value float64, ok bool, err error) {
	form := url.Values{"query": {query}, "time": {strconv.FormatFloat(float64(time.Now().UnixMilli())/1000, 'f', 3, 64)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/v1/query?"+form.Encode(), nil)
	if err != nil {
		return 0, false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, false, fmt.Errorf("query %q: %s: %w", query, resp.Status, err)
	}
	if body.Status != "success" {
		return 0, false, fmt.Errorf("query %q: %s: %s", query, resp.Status, body.Error)
	}
	var point [2]any // [time, "value"]
	switch body.Data.ResultType {
	case "scalar":
		err = json.Unmarshal(body.Data.Result, &point)
	case "vector":
		var vec []struct {
			Value [2]any `json:"value"`
		}
		err = json.Unmarshal(body.Data.Result, &vec)
		switch {
		case err != nil:
		case len(vec) == 0:
			return 0, false, nil
		case len(vec) > 1:
			return 0, false, fmt.Errorf("query %q: %d series, want one", query, len(vec))
		default:
			point = vec[0].Value
		}
	default:
		return 0, false, fmt.Errorf("query %q: result is a %s", query, body.Data.ResultType)
	}
	if err != nil {
		return 0, false, fmt.Errorf("query %q: %w", query, err)
	}
	str, _ := point[1].(string)
	value, err = strconv.ParseFloat(str, 64)
	if err != nil {
		return 0, false, fmt.Errorf("query %q: value %v: %w", query, point[1], err)
	}
	return value, true, nil
}

func start(prometheus, data, cfg, logPath string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(prometheus,
		"--storage.tsdb.path="+data,
		"--storage.tsdb.retention.time=100y",
		"--web.listen-address="+addr,
		"--config.file="+cfg,
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, exited: make(chan struct{}), logPath: logPath}
	go func() {
		cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(); err != nil {
		s.Stop()
		log, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return s, nil
}

// waitReady polls /-/ready until Prometheus has loaded its blocks. The
// deadline only guards against a hang; it asserts nothing about speed.
func (s *Server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/-/ready", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("prometheus exited before it was ready: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("prometheus not ready at %s: %w", s.URL, ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop kills the server and waits for it to exit; the port then refuses
// connections. It may be called more than once.
func (s *Server) Stop() {
	s.stop.Do(func() {
		s.cmd.Process.Kill()
		<-s.exited
	})
}

// Log returns what the server wrote to stdout and stderr.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
