// Package prometheus computes the monthly and daily availability of a
// component from a Prometheus-compatible query API (Prometheus, Thanos,
// Mimir, VictoriaMetrics) and returns it as snapshot figures.
//
// It knows PromQL and nothing of HTML: the collect command calls
// Collector.Availability once per component and month and stores the result
// in data/YYYY-MM.json, and Collector.Live (live.go) once per live rule at
// the time of a live check, for data/live.json.
//
// # The SLI
//
// A component's availability is a PromQL expression (config.Component.Query)
// that returns a single 0..1 ratio over a window. The expression names the
// window with placeholders that are substituted before each query:
//
//	$__range     the window as a PromQL duration ("2678400s")
//	$__range_s   the window in seconds, as a number ("2678400")
//	$__range_ms  the window in milliseconds, as a number
//	$__interval  Options.Resolution as a PromQL duration ("300s")
//
// The query must use $__range (or $__range_s / $__range_ms), since a query
// without a window would describe an instant rather than a month. It must
// aggregate to a single series; a result with more series is an error.
// Without a query, DefaultQuery is used: the ratio of successful
// blackbox_exporter probes labelled component="<id>". A request-based SLI
// is written as good over total, for example
//
//	sum(increase(http_requests_total{job="api",code!~"5.."}[$__range]))
//	  /
//	sum(increase(http_requests_total{job="api"}[$__range]))
//
// # Windows and evaluation times
//
// Every query is evaluated at an explicit time. A window [start, end) is
// queried at end minus one millisecond with a range equal to end - start, so
// that it selects exactly the samples with start <= t < end on Prometheus 2
// (whose range selectors are closed, [t-range, t]) as well as on Prometheus 3
// and VictoriaMetrics (left-open, (t-range, t]); a sample stamped exactly at
// midnight belongs to the day it starts, never to the day before. A month is
// [first instant of the month, first instant of the next month) in the
// site's time zone, so its range is 672 to 745 hours, and a day is
// [local midnight, next local midnight), 23 or 25 hours on the days the
// clocks change.
//
// # Coverage
//
// Coverage is the fraction of the evaluated time for which data exists. The
// time is cut into buckets of Options.Resolution (default five minutes),
// aligned to the month's start, and one query_range evaluates the SLI over
// each bucket ($__range = the bucket width): a bucket for which the SLI
// returns a value (NaN included: samples exist but e.g. no requests were
// made) is covered. Coverage = covered time / evaluated time. This works for
// any SLI, whatever its metrics, without having to know the scrape interval;
// the resolution must be at least the scrape interval (twice it for rate- or
// increase-based SLIs), and a gap shorter than a bucket is not seen.
// Missing data is never counted as up: the ratio is computed over the
// covered time only, and is nil when there is no data at all.
//
// # Excluded intervals
//
// Maintenance windows and configured intervals (Window) are left out of the
// figures. The month (and each day) minus the windows that apply to the
// component is a set of disjoint pieces; the SLI is evaluated over each piece
// with the piece's own end and range, and the pieces' ratios are combined
// weighted by their covered time. For avg_over_time-style SLIs over evenly
// spaced samples this equals evaluating the SLI over the kept samples only;
// for request ratios it weights each piece by time rather than by traffic.
// Coverage counts the kept time only. The windows, clipped to the month, are
// recorded in snapshot.Availability.Excluded.
package prometheus

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	promconfig "github.com/prometheus/common/config"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// Defaults for zero Options fields.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultResolution  = 5 * time.Minute
	DefaultConcurrency = 4
)

// maxPoints bounds the points of one query_range; Prometheus refuses more
// than 11,000 per series, and Thanos and Mimir apply the same limit.
const maxPoints = 10000

// Options configure a Collector.
type Options struct {
	// URL is the base of a Prometheus-compatible HTTP API, without /api/v1
	// (https://prometheus.example.com, https://thanos.example.com,
	// https://mimir.example.com/prometheus).
	URL string
	// HTTPConfigFile is an optional prometheus/common HTTPClientConfig YAML
	// file (basic_auth, authorization, oauth2, tls_config, proxy_url, ...),
	// the same settings Prometheus accepts in a scrape or remote-read
	// configuration. Relative file paths in it are relative to the file.
	HTTPConfigFile string
	// Timeout bounds each query; 0 means DefaultTimeout. It is also sent to
	// the server as the query's evaluation timeout.
	Timeout time.Duration
	// Resolution is the width of the coverage buckets; 0 means
	// DefaultResolution. It must be whole seconds and divide 15 minutes, so
	// that every local midnight (time zone offsets change by multiples of 15
	// minutes) falls on a bucket boundary.
	Resolution time.Duration
	// Concurrency is the number of queries run at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// Transport replaces the HTTP transport built from HTTPConfigFile (tests).
	Transport http.RoundTripper
	// Logf receives warnings returned by the server; nil discards them.
	Logf func(format string, args ...any)
}

// Collector queries one Prometheus-compatible API. It is safe for
// concurrent use.
type Collector struct {
	api         v1.API
	url         string
	timeout     time.Duration
	resolution  time.Duration
	concurrency int
	logf        func(format string, args ...any)
}

// New returns a Collector for opts.URL. It fails when the URL is not an
// absolute http(s) URL, when the HTTP config file cannot be read or is
// invalid, or when the resolution is unusable.
func New(opts Options) (*Collector, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("prometheus url %q: want an absolute http(s) URL", opts.URL)
	}
	c := &Collector{
		url:         opts.URL,
		timeout:     opts.Timeout,
		resolution:  opts.Resolution,
		concurrency: opts.Concurrency,
		logf:        opts.Logf,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.resolution == 0 {
		c.resolution = DefaultResolution
	}
	if c.resolution < time.Second || c.resolution%time.Second != 0 || (15*time.Minute)%c.resolution != 0 {
		return nil, fmt.Errorf("prometheus resolution %s: want whole seconds dividing 15m (1m, 5m, 15m...)", c.resolution)
	}
	if c.concurrency <= 0 {
		c.concurrency = DefaultConcurrency
	}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	rt := opts.Transport
	if rt == nil {
		rt, err = roundTripper(opts.HTTPConfigFile)
		if err != nil {
			return nil, err
		}
	}
	client, err := api.NewClient(api.Config{Address: opts.URL, RoundTripper: rt})
	if err != nil {
		return nil, fmt.Errorf("prometheus url %q: %w", opts.URL, err)
	}
	c.api = v1.NewAPI(client)
	return c, nil
}

// roundTripper builds the transport from an HTTPClientConfig file, or from
// the defaults (follow redirects, HTTP/2) without one. Error answers come
// out of it without the file's credentials (redactTransport).
func roundTripper(file string) (http.RoundTripper, error) {
	cfg := promconfig.DefaultHTTPClientConfig
	if file != "" {
		loaded, _, err := promconfig.LoadHTTPConfigFile(file)
		if err != nil {
			return nil, fmt.Errorf("prometheus http config %s: %w", file, err)
		}
		cfg = *loaded
	}
	rt, err := promconfig.NewRoundTripperFromConfig(cfg, "bulletin", promconfig.WithUserAgent("bulletin"))
	if err != nil {
		return nil, fmt.Errorf("prometheus http config %s: %w", file, err)
	}
	return &redactTransport{secrets: secretsOf(cfg), next: rt}, nil
}

// DefaultQuery returns the SLI used when comp sets none: the ratio of
// successful blackbox_exporter probes of the series labelled
// component="<id>" over the window,
//
//	sum(sum_over_time(probe_success{component="api"}[$__range]))
//	  /
//	sum(count_over_time(probe_success{component="api"}[$__range]))
//
// For a single probe this is avg_over_time(probe_success[...]); with several
// probers or instances it counts every probe once, so a prober that missed
// part of the month does not skew the result. The component label is set
// by the scrape configuration, for example with a relabel rule
// (target_label: component) on the blackbox job.
func DefaultQuery(comp config.Component) string {
	sel := fmt.Sprintf("probe_success{component=%q}", comp.ID)
	return fmt.Sprintf("sum(sum_over_time(%s[$__range])) / sum(count_over_time(%s[$__range]))", sel, sel)
}

// Window is an interval excluded from availability (a maintenance window or
// a configured interval), for some components only or, when Components is
// empty, for all.
type Window struct {
	Start, End time.Time
	Components []string
	Reason     string
}

// WindowsFromConfig returns the [prometheus.exclude] intervals of the
// configuration as windows.
func WindowsFromConfig(intervals []config.Interval) []Window {
	out := make([]Window, len(intervals))
	for i, iv := range intervals {
		out[i] = Window{Start: iv.Start, End: iv.End, Components: iv.Components, Reason: iv.Reason}
	}
	return out
}

// appliesTo reports whether w excludes time for component id.
func (w Window) appliesTo(id string) bool {
	if len(w.Components) == 0 {
		return true
	}
	for _, c := range w.Components {
		if c == id {
			return true
		}
	}
	return false
}

// errNoRange is returned for an SLI that does not name its window.
var errNoRange = errors.New("query does not use $__range: an availability SLI must be a ratio over the window, e.g. avg_over_time(probe_success[$__range])")
