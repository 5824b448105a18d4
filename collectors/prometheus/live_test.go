package prometheus_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// liveAt is the time of the checks: not on a whole second, so that the
// test sees it sent to the millisecond.
var liveAt = utc("2026-12-02T02:10:00Z").Add(123 * time.Millisecond)

// sec is a Unix time in seconds, as ALERTS_FOR_STATE holds activations.
func sec(s string) string { return fmt.Sprint(utc(s).Unix()) }

// alertSeries is one series of ALERTS or ALERTS_FOR_STATE with the labels
// a Prometheus rule gives it: alertname, the rule's and the expression's
// labels, and alertstate on ALERTS only.
func alertSeries(name, alert, state, instance, value string) string {
	labels := fmt.Sprintf(`"__name__":%q,"alertname":%q,"component":"api","instance":%q,"job":"blackbox","severity":"page"`, name, alert, instance)
	if name == "ALERTS" {
		labels += fmt.Sprintf(`,"alertstate":%q`, state)
	}
	return fmt.Sprintf(`{"metric":{%s},"value":[%s,%q]}`, labels, unixSeconds(liveAt), value)
}

func firing(alert, instance string) string {
	return alertSeries("ALERTS", alert, "firing", instance, "1")
}

func activeSince(alert, instance, at string) string {
	return alertSeries("ALERTS_FOR_STATE", alert, "", instance, sec(at))
}

// vectorOf is a successful instant query answer in Prometheus' format.
func vectorOf(series ...string) string {
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(series, ",") + `]}}`
}

// value is one series of a query rule's answer.
func value(v string) string {
	return fmt.Sprintf(`{"metric":{},"value":[%s,%q]}`, unixSeconds(liveAt), v)
}

// reply is the fake's answer to one query: a body with a status (200 when
// zero).
type reply struct {
	status int
	body   string
}

// answering returns a fake Prometheus answering each query from replies;
// any other query is a bad_data error, as Prometheus answers an unparsable
// one, so that an unexpected query fails the test with its text.
func answering(tb testing.TB, replies map[string]reply) *fakeProm {
	tb.Helper()
	return newFake(tb, func(w http.ResponseWriter, r *http.Request, c call) {
		w.Header().Set("Content-Type", "application/json")
		rep, ok := replies[c.query]
		if !ok || c.path != "/api/v1/query" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","errorType":"bad_data","error":"fake: unexpected %s %q"}`, c.path, c.query)
			return
		}
		if rep.status != 0 {
			w.WriteHeader(rep.status)
		}
		fmt.Fprint(w, rep.body)
	})
}

func alertRule(tb testing.TB, alerts, status string) config.LiveRule {
	tb.Helper()
	ms, err := config.ParseMatchers(alerts)
	if err != nil {
		tb.Fatal(err)
	}
	return config.LiveRule{Component: "api", Alerts: alerts, Matchers: ms, Status: status}
}

func TestLiveAlerts(t *testing.T) {
	const (
		alerts    = `ALERTS{alertstate="firing",component="api"}`
		forState  = `ALERTS_FOR_STATE{component="api"}`
		execError = `{"status":"error","errorType":"execution","error":"query timed out in expression evaluation"}`
	)
	tests := []struct {
		name        string
		description string
		status      string // of the rule; "" for the default
		replies     map[string]reply
		want        snapshot.LiveComponent
		wantQueries []string
		wantErr     string
	}{
		{
			name:    "one alert firing",
			replies: map[string]reply{alerts: {body: vectorOf(firing("APIDown", "p1"))}, forState: {body: vectorOf(activeSince("APIDown", "p1", "2026-12-02T02:04:00Z"))}},
			want:    snapshot.LiveComponent{Status: "major_outage", Since: utc("2026-12-02T02:04:00Z"), Signal: "Alert APIDown firing"},
		},
		{
			// The pending alert has been active longest, and an alert that
			// ALERTS_FOR_STATE says is active in the future is ignored: the
			// earliest firing activation is 02:05, APIDown on p2.
			name: "several alerts firing, one pending",
			replies: map[string]reply{
				alerts: {body: vectorOf(firing("APIDown", "p1"), firing("APIErrors", "p1"), firing("APIDown", "p2"))},
				forState: {body: vectorOf(
					activeSince("APIDown", "p1", "2026-12-02T02:08:00Z"),
					activeSince("APIErrors", "p1", "2026-12-02T02:20:00Z"),
					activeSince("APIDown", "p2", "2026-12-02T02:05:00Z"),
					activeSince("APISlow", "p1", "2026-12-01T23:00:00Z"),
				)},
			},
			want: snapshot.LiveComponent{Status: "major_outage", Since: utc("2026-12-02T02:05:00Z"), Signal: "Alerts APIDown, APIErrors firing"},
		},
		{
			name:        "rule's status and description",
			description: "API probes failing",
			status:      "partial_outage",
			replies:     map[string]reply{alerts: {body: vectorOf(firing("APIDown", "p1"))}, forState: {body: vectorOf(activeSince("APIDown", "p1", "2026-12-02T02:04:00Z"))}},
			want:        snapshot.LiveComponent{Status: "partial_outage", Since: utc("2026-12-02T02:04:00Z"), Signal: "API probes failing"},
		},
		{
			name:        "not firing",
			replies:     map[string]reply{alerts: {body: vectorOf()}},
			want:        snapshot.LiveComponent{Status: "operational"},
			wantQueries: []string{alerts},
		},
		{
			// ALERTS_FOR_STATE is written by Prometheus' own rule manager;
			// another ruler may not have it.
			name:    "ALERTS_FOR_STATE missing",
			replies: map[string]reply{alerts: {body: vectorOf(firing("APIDown", "p1"))}, forState: {body: vectorOf()}},
			want:    snapshot.LiveComponent{Status: "major_outage", Signal: "Alert APIDown firing"},
		},
		{
			name:    "ALERTS_FOR_STATE only of a pending alert",
			replies: map[string]reply{alerts: {body: vectorOf(firing("APIDown", "p1"))}, forState: {body: vectorOf(activeSince("APIDown", "p2", "2026-12-02T02:04:00Z"))}},
			want:    snapshot.LiveComponent{Status: "major_outage", Signal: "Alert APIDown firing"},
		},
		{
			name:        "server error",
			replies:     map[string]reply{alerts: {status: http.StatusUnprocessableEntity, body: execError}},
			wantErr:     `query prometheus "ALERTS{alertstate=\"firing\",component=\"api\"}" at 2026-12-02T02:10:00.123Z: execution: query timed out in expression evaluation`,
			wantQueries: []string{alerts},
		},
		{
			name:    "server error on ALERTS_FOR_STATE",
			replies: map[string]reply{alerts: {body: vectorOf(firing("APIDown", "p1"))}, forState: {status: http.StatusUnprocessableEntity, body: execError}},
			wantErr: `query prometheus "ALERTS_FOR_STATE{component=\"api\"}" at 2026-12-02T02:10:00.123Z: execution: query timed out in expression evaluation`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := answering(t, tc.replies)
			c := newCollector(t, prometheus.Options{URL: f.URL})
			rule := alertRule(t, `component="api"`, cmp.Or(tc.status, "major_outage"))
			rule.Description = tc.description
			got, err := c.Live(context.Background(), rule, liveAt)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("error = %v\nwant    %s", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				tc.want.Component = "api"
				if got != tc.want {
					t.Errorf("Live = %+v\nwant   %+v", got, tc.want)
				}
			}
			checkQueries(t, f, orQueries(tc.wantQueries, []string{alerts, forState}))
		})
	}
}

// checkQueries checks that f received exactly the instant queries want,
// in order, each at liveAt to the millisecond.
func checkQueries(tb testing.TB, f *fakeProm, want []string) {
	tb.Helper()
	var got []string
	for _, c := range f.Calls() {
		got = append(got, c.query)
		if c.path != "/api/v1/query" || !c.time.Equal(liveAt.Truncate(time.Millisecond)) {
			tb.Errorf("%s %q at %v, want an instant query at %v", c.path, c.query, c.time, liveAt)
		}
	}
	if !slices.Equal(got, want) {
		tb.Errorf("queries\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLiveAlertSelectors pins down the selectors sent: the rule's
// matchers, each operator and PromQL escape, after alertstate="firing".
func TestLiveAlertSelectors(t *testing.T) {
	tests := []struct {
		alerts        string
		wantAlerts    string
		wantForStates string
	}{
		{`alertname="APIDown"`, `ALERTS{alertstate="firing",alertname="APIDown"}`, `ALERTS_FOR_STATE{alertname="APIDown"}`},
		{
			`{component="api", severity=~"page|critical", team!='db', instance!~"10\\.0\\..*"}`,
			`ALERTS{alertstate="firing",component="api",severity=~"page|critical",team!="db",instance!~"10\\.0\\..*"}`,
			`ALERTS_FOR_STATE{component="api",severity=~"page|critical",team!="db",instance!~"10\\.0\\..*"}`,
		},
		{"summary=`say \"hi\"`", `ALERTS{alertstate="firing",summary="say \"hi\""}`, `ALERTS_FOR_STATE{summary="say \"hi\""}`},
	}
	for _, tc := range tests {
		t.Run(tc.alerts, func(t *testing.T) {
			f := answering(t, map[string]reply{
				tc.wantAlerts:    {body: vectorOf(firing("APIDown", "p1"))},
				tc.wantForStates: {body: vectorOf()},
			})
			c := newCollector(t, prometheus.Options{URL: f.URL})
			if _, err := c.Live(context.Background(), alertRule(t, tc.alerts, "major_outage"), liveAt); err != nil {
				t.Fatal(err)
			}
			checkQueries(t, f, []string{tc.wantAlerts, tc.wantForStates})
		})
	}
}

// TestLiveAlertsUnparsed: a rule built in code rather than loaded from
// config.toml has Alerts but no Matchers; it must still select only its
// alerts, never every firing alert (ALERTS{alertstate="firing",}).
func TestLiveAlertsUnparsed(t *testing.T) {
	const (
		alerts   = `ALERTS{alertstate="firing",alertname="APIDown"}`
		forState = `ALERTS_FOR_STATE{alertname="APIDown"}`
	)
	f := answering(t, map[string]reply{
		alerts:   {body: vectorOf(firing("APIDown", "p1"))},
		forState: {body: vectorOf(activeSince("APIDown", "p1", "2026-12-02T02:04:00Z"))},
	})
	c := newCollector(t, prometheus.Options{URL: f.URL})
	got, err := c.Live(context.Background(), config.LiveRule{Component: "api", Alerts: `alertname="APIDown"`, Status: "major_outage"}, liveAt)
	if err != nil {
		t.Fatal(err)
	}
	if want := (snapshot.LiveComponent{Component: "api", Status: "major_outage", Since: utc("2026-12-02T02:04:00Z"), Signal: "Alert APIDown firing"}); got != want {
		t.Errorf("Live = %+v\nwant   %+v", got, want)
	}
	checkQueries(t, f, []string{alerts, forState})

	_, err = c.Live(context.Background(), config.LiveRule{Component: "api", Alerts: `alertname=APIDown`, Status: "major_outage"}, liveAt)
	if want := `live rule for "api": alerts: "alertname=APIDown": value of label alertname: expected a quoted value at "APIDown"`; err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	if n := len(f.Calls()); n != 2 {
		t.Errorf("%d queries, want none for the bad rule", n-2)
	}
}

func TestLiveQuery(t *testing.T) {
	const query = `avg_over_time(probe_success{component="api"}[5m])`
	thresholds := []config.LiveThreshold{
		{Below: 0.99, Status: "degraded_performance"},
		{Below: 0.5, Status: "major_outage"},
		{Below: 0.95, Status: "partial_outage"},
	}
	tests := []struct {
		name        string
		description string
		status      int
		body        string
		want        snapshot.LiveComponent
		wantErr     string
	}{
		{name: "above every threshold", body: vectorOf(value("0.999")), want: snapshot.LiveComponent{Status: "operational"}},
		{name: "at a threshold is not below it", body: vectorOf(value("0.99")), want: snapshot.LiveComponent{Status: "operational"}},
		{name: "below one", body: vectorOf(value("0.98")),
			want: snapshot.LiveComponent{Status: "degraded_performance", Signal: query + " is 0.98, below 0.99"}},
		{name: "below two: the worse wins", body: vectorOf(value("0.9")),
			want: snapshot.LiveComponent{Status: "partial_outage", Signal: query + " is 0.9, below 0.95"}},
		{name: "below all, listed out of order", body: vectorOf(value("0.123456")),
			want: snapshot.LiveComponent{Status: "major_outage", Signal: query + " is 0.1235, below 0.5"}},
		{name: "description", description: "API probes failing", body: vectorOf(value("0")),
			want: snapshot.LiveComponent{Status: "major_outage", Signal: "API probes failing"}},
		{name: "scalar", body: fmt.Sprintf(`{"status":"success","data":{"resultType":"scalar","result":[%s,"0.9"]}}`, unixSeconds(liveAt)),
			want: snapshot.LiveComponent{Status: "partial_outage", Signal: query + " is 0.9, below 0.95"}},
		{name: "no data", body: vectorOf(), want: snapshot.LiveComponent{Status: "operational"}},
		{name: "NaN", body: vectorOf(value("NaN")), want: snapshot.LiveComponent{Status: "operational"}},
		{name: "more than one series",
			body:    vectorOf(`{"metric":{"instance":"p1"},"value":[0,"1"]}`, `{"metric":{"instance":"p2"},"value":[0,"0"]}`),
			wantErr: `query prometheus "avg_over_time(probe_success{component=\"api\"}[5m])" at 2026-12-02T02:10:00.123Z: returned 2 series ({instance="p1"}, {instance="p2"}, ...), want one: aggregate the SLI, e.g. with sum() or avg()`},
		{name: "matrix", body: `{"status":"success","data":{"resultType":"matrix","result":[]}}`,
			wantErr: `query prometheus "avg_over_time(probe_success{component=\"api\"}[5m])" at 2026-12-02T02:10:00.123Z: result is a matrix, want an instant vector`},
		{name: "server error", status: http.StatusUnprocessableEntity,
			body:    `{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}`,
			wantErr: `query prometheus "avg_over_time(probe_success{component=\"api\"}[5m])" at 2026-12-02T02:10:00.123Z: execution: query processing would load too many samples into memory in query execution`},
		{name: "proxy error", status: http.StatusBadGateway, body: "<html>upstream connect error</html>",
			wantErr: `query prometheus "avg_over_time(probe_success{component=\"api\"}[5m])" at 2026-12-02T02:10:00.123Z: server_error: server error: 502 (<html>upstream connect error</html>)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := answering(t, map[string]reply{query: {status: tc.status, body: tc.body}})
			c := newCollector(t, prometheus.Options{URL: f.URL})
			rule := config.LiveRule{Component: "api", Query: query, Thresholds: thresholds, Description: tc.description}
			got, err := c.Live(context.Background(), rule, liveAt)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("error = %v\nwant    %s", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				tc.want.Component = "api"
				if got != tc.want {
					t.Errorf("Live = %+v\nwant   %+v", got, tc.want)
				}
			}
			checkQueries(t, f, []string{query})
		})
	}
}

// orQueries returns want, or def when want is nil.
func orQueries(want, def []string) []string {
	if want == nil {
		return def
	}
	return want
}
