package prometheus_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/collectors/prometheus/promtest"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// The generated data lives in Europe/Berlin, where the clocks go back on
// 2026-10-25 (03:00 CEST -> 02:00 CET): October 2026 has 745 hours and its
// 25th day 25 hours.
var berlin = mustLocation("Europe/Berlin")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// local parses "2006-01-02 15:04" in Berlin; use UTC instants (utc) for
// the hour that happens twice.
func local(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// interval is [from, to).
type interval struct{ from, to time.Time }

func (iv interval) has(t time.Time) bool { return !t.Before(iv.from) && t.Before(iv.to) }

func inAny(t time.Time, ivs []interval) bool {
	for _, iv := range ivs {
		if iv.has(t) {
			return true
		}
	}
	return false
}

// obs is what one scrape tells about a component: good out of total
// (a probe is 0 or 1 out of 1; a minute of requests is n good out of m).
type obs struct {
	t           time.Time
	good, total float64
}

// fixture is the generated data: the series imported into Prometheus and,
// per component, the same data as observations for the expected figures.
type fixture struct {
	series []promtest.Series
	obs    map[string][]obs
}

// Samples are one minute apart on whole minutes from 2026-08-25 to
// 2026-11-03 (Berlin), so that each month and day boundary has a sample
// exactly on it.
var (
	dataStart = local("2026-08-25 00:00")
	dataEnd   = local("2026-11-03 00:00")
)

func minutes(from, to time.Time, f func(t time.Time)) {
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		f(t)
	}
}

func generate() fixture {
	fx := fixture{obs: map[string][]obs{}}
	probe := func(comp, instance string, from time.Time, gaps, down []interval, downAt []time.Time) {
		s := promtest.Series{Name: "probe_success", Labels: map[string]string{"component": comp, "instance": instance}}
		minutes(from, dataEnd, func(t time.Time) {
			if inAny(t, gaps) {
				return
			}
			v := 1.0
			if inAny(t, down) {
				v = 0
			}
			for _, d := range downAt {
				if t.Equal(d) {
					v = 0
				}
			}
			s.Samples = append(s.Samples, promtest.Sample{Time: t, Value: v})
			fx.obs[comp] = append(fx.obs[comp], obs{t, v, 1})
		})
		fx.series = append(fx.series, s)
	}

	// api: two probers (the second from 5 September) sharing the prober
	// network's gaps; outages inside and outside the maintenance windows.
	apiGaps := []interval{
		{local("2026-09-20 03:00"), local("2026-09-20 06:00")},
		{utc("2026-10-25T00:30:00Z"), utc("2026-10-25T03:00:00Z")}, // 2.5h of the 25h day
	}
	probe("api", "prober-1", dataStart, apiGaps, []interval{
		{local("2026-09-10 14:00"), local("2026-09-10 14:45")},
		{local("2026-09-30 22:00"), local("2026-10-01 01:00")}, // partly in the window across the month boundary
		{local("2026-10-05 23:30"), local("2026-10-06 00:30")}, // across midnight
		{local("2026-10-14 09:50"), local("2026-10-14 10:30")}, // partly in the api-only window
		{utc("2026-10-25T05:00:00Z"), utc("2026-10-25T06:00:00Z")},
	}, nil)
	probe("api", "prober-2", local("2026-09-05 12:00"), apiGaps, []interval{
		{local("2026-09-12 08:00"), local("2026-09-12 08:20")},
	}, nil)

	// db: single failed probes on both sides of each month boundary, a gap
	// not aligned to the coverage buckets, a day without any data, and
	// outages in both occurrences of 02:15-02:45 on 25 October.
	probe("db", "prober-1", dataStart, []interval{
		{utc("2026-10-07T10:02:30Z"), utc("2026-10-07T13:17:00Z")},
		{local("2026-10-20 00:00"), local("2026-10-21 00:00")},
	}, []interval{
		{utc("2026-10-25T00:15:00Z"), utc("2026-10-25T00:45:00Z")},
		{utc("2026-10-25T01:15:00Z"), utc("2026-10-25T01:45:00Z")},
	}, []time.Time{
		local("2026-08-31 23:59"), local("2026-09-01 00:00"),
		local("2026-10-31 23:59"), local("2026-11-01 00:00"),
	})

	// web: requests per minute by status code, as a recording rule would
	// store them; errors, a gap, and minutes and a day without traffic.
	good := promtest.Series{Name: "http_requests:count1m", Labels: map[string]string{"component": "web", "code": "200"}}
	bad := promtest.Series{Name: "http_requests:count1m", Labels: map[string]string{"component": "web", "code": "500"}}
	minutes(dataStart, dataEnd, func(t time.Time) {
		g, b := 100.0, 0.0
		switch {
		case inAny(t, []interval{{local("2026-10-03 12:00"), local("2026-10-03 12:07")}}):
			return
		case inAny(t, []interval{{local("2026-09-15 10:00"), local("2026-09-15 11:00")}}):
			g, b = 75, 25
		case inAny(t, []interval{{local("2026-10-09 16:00"), local("2026-10-09 16:10")}}):
			g, b = 90, 10
		case inAny(t, []interval{{local("2026-10-10 04:00"), local("2026-10-10 05:00")}, {local("2026-10-18 00:00"), local("2026-10-19 00:00")}}):
			g, b = 0, 0
		}
		good.Samples = append(good.Samples, promtest.Sample{Time: t, Value: g})
		bad.Samples = append(bad.Samples, promtest.Sample{Time: t, Value: b})
		fx.obs["web"] = append(fx.obs["web"], obs{t, g, g + b})
	})
	fx.series = append(fx.series, good, bad)
	return fx
}

const webQuery = `sum(sum_over_time(http_requests:count1m{component="web",code!~"5.."}[$__range])) / sum(sum_over_time(http_requests:count1m{component="web"}[$__range]))`

var components = []config.Component{
	{ID: "api", SLO: 99.9},
	{ID: "db", SLO: 99.5},
	{ID: "web", SLO: 99.9, Query: webQuery},
	{ID: "ghost", SLO: 99.9}, // never probed
}

var windows = []prometheus.Window{
	{Start: local("2026-09-30 23:00"), End: local("2026-10-01 02:00"), Reason: "database upgrade"},
	{Start: local("2026-10-14 10:00"), End: local("2026-10-14 10:30"), Components: []string{"api"}, Reason: "load balancer swap"},
	{Start: local("2026-08-28 10:00"), End: local("2026-08-28 11:00"), Reason: "before the months collected"},
	{Start: local("2026-09-15 10:00"), End: local("2026-09-15 11:00"), Components: []string{"payments"}, Reason: "another component"},
}

// bucket is the coverage resolution the expected figures are computed at.
const bucket = 5 * time.Minute

// expect computes comp's figures for month straight from the generated
// observations: the ratio is good/total over the observations in the kept
// (non-excluded) time; coverage is the share of the kept 5-minute buckets,
// aligned to the month's start, holding at least one observation. It
// requires the windows to be aligned to the buckets.
func expect(tb testing.TB, fx fixture, comp config.Component, month string) snapshot.Availability {
	tb.Helper()
	mt, err := time.ParseInLocation("2006-01", month, berlin)
	if err != nil {
		tb.Fatal(err)
	}
	monthEnd := time.Date(mt.Year(), mt.Month()+1, 1, 0, 0, 0, 0, berlin)
	var cuts []interval
	want := snapshot.Availability{Component: comp.ID, Excluded: []snapshot.Excluded{}}
	for _, w := range windows {
		applies := len(w.Components) == 0
		for _, c := range w.Components {
			applies = applies || c == comp.ID
		}
		if !applies || !w.End.After(mt) || !w.Start.Before(monthEnd) {
			continue
		}
		cuts = append(cuts, interval{w.Start, w.End})
		from, to := w.Start, w.End
		if from.Before(mt) {
			from = mt
		}
		if to.After(monthEnd) {
			to = monthEnd
		}
		want.Excluded = append(want.Excluded, snapshot.Excluded{Start: from, End: to, Reason: w.Reason})
	}
	seen := map[int64]bool{} // buckets with an observation, by index from the month's start
	for _, o := range fx.obs[comp.ID] {
		if !o.t.Before(mt) && o.t.Before(monthEnd) {
			seen[int64(o.t.Sub(mt)/bucket)] = true
		}
	}
	figures := func(from, to time.Time) (*float64, float64) {
		var good, total float64
		var n int
		for _, o := range fx.obs[comp.ID] {
			if o.t.Before(from) || !o.t.Before(to) || inAny(o.t, cuts) {
				continue
			}
			good += o.good
			total += o.total
			n++
		}
		var kept, covered time.Duration
		for u := from; u.Before(to); u = u.Add(bucket) {
			if inAny(u, cuts) != inAny(u.Add(bucket-time.Millisecond), cuts) {
				tb.Fatalf("window edge inside the bucket at %s: the expected figures need windows on %s boundaries", u, bucket)
			}
			if inAny(u, cuts) {
				continue
			}
			kept += bucket
			if seen[int64(u.Sub(mt)/bucket)] {
				covered += bucket
			}
		}
		var cov float64
		if kept > 0 {
			cov = covered.Seconds() / kept.Seconds()
		}
		if n == 0 || total == 0 {
			return nil, cov
		}
		r := good / total
		return &r, cov
	}
	want.Ratio, want.Coverage = figures(mt, monthEnd)
	for d := mt; d.Before(monthEnd); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, berlin) {
		next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, berlin)
		r, cov := figures(d, next)
		want.Daily = append(want.Daily, snapshot.Day{Date: d.Format("2006-01-02"), Ratio: r, Coverage: cov})
	}
	want.SLO = comp.SLO / 100
	if want.Ratio != nil {
		b := 1 - (1-*want.Ratio)/(1-want.SLO)
		want.ErrorBudgetRemaining = &b
	}
	return want
}

// tolerance absorbs the rounding of the final divisions and of the
// weighting of excluded months' pieces; the sums themselves are of whole
// numbers and exact on both sides. A sample counted in the wrong month
// moves a ratio by more than 1e-10.
const tolerance = 1e-12

func near(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) <= tolerance
}

func show(f *float64) string {
	if f == nil {
		return "nil"
	}
	return fmt.Sprintf("%.12f", *f)
}

func compare(tb testing.TB, got, want snapshot.Availability) {
	tb.Helper()
	if got.Component != want.Component {
		tb.Errorf("component = %q, want %q", got.Component, want.Component)
	}
	if !near(got.Ratio, want.Ratio) {
		tb.Errorf("ratio = %s, want %s", show(got.Ratio), show(want.Ratio))
	}
	if math.Abs(got.Coverage-want.Coverage) > tolerance {
		tb.Errorf("coverage = %.12f, want %.12f", got.Coverage, want.Coverage)
	}
	if got.SLO != want.SLO {
		tb.Errorf("slo = %v, want %v", got.SLO, want.SLO)
	}
	if !near(got.ErrorBudgetRemaining, want.ErrorBudgetRemaining) {
		tb.Errorf("error budget = %s, want %s", show(got.ErrorBudgetRemaining), show(want.ErrorBudgetRemaining))
	}
	if len(got.Excluded) != len(want.Excluded) {
		tb.Errorf("excluded = %v, want %v", got.Excluded, want.Excluded)
	} else {
		for i := range got.Excluded {
			g, w := got.Excluded[i], want.Excluded[i]
			if !g.Start.Equal(w.Start) || !g.End.Equal(w.End) || g.Reason != w.Reason {
				tb.Errorf("excluded[%d] = %v, want %v", i, g, w)
			}
		}
	}
	if len(got.Daily) != len(want.Daily) {
		tb.Fatalf("%d days, want %d", len(got.Daily), len(want.Daily))
	}
	for i, w := range want.Daily {
		g := got.Daily[i]
		if g.Date != w.Date || !near(g.Ratio, w.Ratio) || math.Abs(g.Coverage-w.Coverage) > tolerance {
			tb.Errorf("day %s: ratio %s coverage %.12f, want %s: ratio %s coverage %.12f", g.Date, show(g.Ratio), g.Coverage, w.Date, show(w.Ratio), w.Coverage)
		}
	}
}

func TestAvailabilityRealPrometheus(t *testing.T) {
	promtest.Require(t) // before generating the data
	fx := generate()
	srv := promtest.Start(t, fx.series)
	t.Logf("%s at %s", srv.Version, srv.URL)
	c, err := prometheus.New(prometheus.Options{URL: srv.URL, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got := map[string]snapshot.Availability{}
	for _, month := range []string{"2026-09", "2026-10"} {
		for _, comp := range components {
			t.Run(month+"/"+comp.ID, func(t *testing.T) {
				a, err := c.Availability(ctx, comp, month, berlin, windows)
				if err != nil {
					t.Fatal(err)
				}
				want := expect(t, fx, comp, month)
				t.Logf("ratio %s (want %s), coverage %.9f (want %.9f), budget %s (want %s)",
					show(a.Ratio), show(want.Ratio), a.Coverage, want.Coverage, show(a.ErrorBudgetRemaining), show(want.ErrorBudgetRemaining))
				compare(t, a, want)
				got[month+"/"+comp.ID] = a
			})
		}
	}

	// Figures worked out by hand, independent of expect.
	ptr := func(v float64) *float64 { return &v }
	day := func(a snapshot.Availability, date string) snapshot.Day {
		for _, d := range a.Daily {
			if d.Date == date {
				return d
			}
		}
		t.Fatalf("%s: no day %s", a.Component, date)
		return snapshot.Day{}
	}
	hand := []struct {
		name      string
		got, want *float64
	}{
		// 43,140 probes in September's kept time (the last hour is in
		// the window); the failed one at 1 September 00:00 counts, the
		// one at 31 August 23:59 does not.
		{"db september ratio", got["2026-09/db"].Ratio, ptr(43139.0 / 43140)},
		{"db september coverage", ptr(got["2026-09/db"].Coverage), ptr(1)},
		// api misses 3 of September's 719 kept hours.
		{"api september coverage", ptr(got["2026-09/api"].Coverage), ptr(1 - 3.0/719)},
		// 2.5 hours missing from the 25-hour 25 October.
		{"api 25 october coverage", ptr(day(got["2026-10/api"], "2026-10-25").Coverage), ptr(0.9)},
		// 2 x 30 failed probes out of the day's 1500.
		{"db 25 october ratio", day(got["2026-10/db"], "2026-10-25").Ratio, ptr(1 - 60.0/1500)},
		// A day without data is missing, not up.
		{"db 20 october coverage", ptr(day(got["2026-10/db"], "2026-10-20").Coverage), ptr(0)},
		// A day without traffic has data but no ratio.
		{"web 18 october coverage", ptr(day(got["2026-10/web"], "2026-10-18").Coverage), ptr(1)},
		// 100 of the day's 144,000 requests failed.
		{"web 9 october ratio", day(got["2026-10/web"], "2026-10-09").Ratio, ptr(1 - 100.0/(1440*100))},
	}
	for _, h := range hand {
		if !near(h.got, h.want) {
			t.Errorf("%s = %s, want %s", h.name, show(h.got), show(h.want))
		}
	}
	for _, nilRatio := range []struct{ key, date string }{{"2026-10/db", "2026-10-20"}, {"2026-10/web", "2026-10-18"}} {
		if r := day(got[nilRatio.key], nilRatio.date).Ratio; r != nil {
			t.Errorf("%s %s ratio = %v, want nil", nilRatio.key, nilRatio.date, *r)
		}
	}
	if g := got["2026-10/ghost"]; g.Ratio != nil || g.Coverage != 0 || g.ErrorBudgetRemaining != nil {
		t.Errorf("ghost = ratio %s coverage %v budget %s, want no data", show(g.Ratio), g.Coverage, show(g.ErrorBudgetRemaining))
	}

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, query string
			want        []string
		}{
			{"bad promql", `avg_over_time(probe_success{component="api"}[$__range]`,
				[]string{`component "api": query prometheus "avg_over_time(probe_success{component=\"api\"}[`, "bad_data"}},
			{"two series", `avg_over_time(probe_success{component="api"}[$__range])`,
				[]string{`component "api": query prometheus "avg_over_time(probe_success{component=\"api\"}[`, "returned 2 series"}},
			{"percentage", `100 * avg(avg_over_time(probe_success{component="api"}[$__range]))`,
				[]string{`query prometheus "100 * avg(avg_over_time(probe_success{component=\"api\"}[`, "is not a 0..1 ratio"}},
			{"no window", `avg(probe_success{component="api"})`, []string{`component "api": query does not use $__range`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := c.Availability(ctx, config.Component{ID: "api", Query: tc.query}, "2026-09", berlin, nil)
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
	})
}

// stopAfter forwards requests and stops the server before the n-th one.
type stopAfter struct {
	n     int64
	count atomic.Int64
	stop  func()
}

func (s *stopAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.count.Add(1) == s.n {
		s.stop()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestPrometheusStoppedMidCollect(t *testing.T) {
	var samples []promtest.Sample
	minutes(local("2026-09-01 00:00"), local("2026-09-03 00:00"), func(t time.Time) {
		samples = append(samples, promtest.Sample{Time: t, Value: 1})
	})
	srv := promtest.Start(t, []promtest.Series{{Name: "probe_success", Labels: map[string]string{"component": "api"}, Samples: samples}})
	rt := &stopAfter{n: 10, stop: srv.Stop}
	c, err := prometheus.New(prometheus.Options{URL: srv.URL, Transport: rt, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Availability(context.Background(), config.Component{ID: "api"}, "2026-09", berlin, nil)
	if err == nil {
		t.Fatalf("no error after Prometheus stopped; got %+v", a)
	}
	for _, w := range []string{`component "api": query prometheus "sum(sum_over_time(probe_success{component=\"api\"}[`, "connection refused"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if n := rt.count.Load(); n != 10 {
		t.Errorf("%d requests, want the collection to stop at the first failure (10)", n)
	}
	if a.Ratio != nil || a.Daily != nil {
		t.Errorf("partial figures returned with the error: %+v", a)
	}
}
