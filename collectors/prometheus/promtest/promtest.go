// Package promtest runs a real Prometheus server for tests, filled with
// generated samples.
//
// Start writes the samples as OpenMetrics text, turns them into TSDB blocks
// with `promtool tsdb create-blocks-from openmetrics`, and starts
// `prometheus` on 127.0.0.1 with a fresh data directory and no scrape
// targets, so the only data it serves is the data the test generated. The
// binaries come from PATH (Debian package prometheus). Without them the
// test is skipped, unless CI=true, where it fails: CI must run these tests.
package promtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
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
