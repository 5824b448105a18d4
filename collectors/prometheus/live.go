package prometheus

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Operational is the status of a component whose rule found nothing.
const Operational = "operational"

// Live evaluates one live rule at t, the time of the check. The result's
// Status is operational when the rule found nothing: no selected alert
// fires, the SLI is above every threshold, or the query returned no value.
// Since is the activation time of the earliest firing alert (from
// ALERTS_FOR_STATE, where Prometheus keeps it), zero when unknown.
func (c *Collector) Live(ctx context.Context, rule config.LiveRule, t time.Time) (snapshot.LiveComponent, error) {
	out := snapshot.LiveComponent{Component: rule.Component, Status: Operational}
	if rule.Alerts != "" {
		return c.liveAlerts(ctx, rule, t, out)
	}
	r, err := c.instant(ctx, rule.Query, t)
	if err != nil {
		return out, err
	}
	if !r.present || math.IsNaN(r.value) {
		return out, nil
	}
	var hit *config.LiveThreshold
	for i, th := range rule.Thresholds {
		if r.value < th.Below && (hit == nil || statusRank(th.Status) > statusRank(hit.Status)) {
			hit = &rule.Thresholds[i]
		}
	}
	if hit == nil {
		return out, nil
	}
	out.Status = hit.Status
	out.Signal = rule.Description
	if out.Signal == "" {
		out.Signal = fmt.Sprintf("%s is %s, below %s", rule.Query, strconv.FormatFloat(r.value, 'g', 4, 64), strconv.FormatFloat(hit.Below, 'g', -1, 64))
	}
	return out, nil
}

func (c *Collector) liveAlerts(ctx context.Context, rule config.LiveRule, t time.Time, out snapshot.LiveComponent) (snapshot.LiveComponent, error) {
	ms := rule.Matchers
	if len(ms) == 0 {
		// A rule built in code rather than by config.Load has not been
		// parsed; without matchers it would select every firing alert.
		var err error
		if ms, err = config.ParseMatchers(rule.Alerts); err != nil {
			return out, fmt.Errorf("live rule for %q: alerts: %w", rule.Component, err)
		}
	}
	sel := make([]string, len(ms))
	for i, m := range ms {
		sel[i] = m.String()
	}
	firing, err := c.vector(ctx, `ALERTS{alertstate="firing",`+strings.Join(sel, ",")+`}`, t)
	if err != nil || len(firing) == 0 {
		return out, err
	}
	out.Status = rule.Status
	names := map[string]bool{}
	keys := map[string]bool{}
	for _, s := range firing {
		names[string(s.Metric[model.AlertNameLabel])] = true
		keys[alertKey(s.Metric)] = true
	}
	out.Signal = rule.Description
	if out.Signal == "" {
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		sort.Strings(list)
		out.Signal = "Alert " + strings.Join(list, ", ") + " firing"
		if len(list) > 1 {
			out.Signal = "Alerts " + strings.Join(list, ", ") + " firing"
		}
	}
	// ALERTS_FOR_STATE holds each active alert's activation time as its
	// value. It is only a refinement: without it the check's time is used.
	active, err := c.vector(ctx, `ALERTS_FOR_STATE{`+strings.Join(sel, ",")+`}`, t)
	if err != nil {
		return out, err
	}
	for _, s := range active {
		if !keys[alertKey(s.Metric)] {
			continue
		}
		v := float64(s.Value)
		if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		at := time.Unix(0, int64(v*1e9)).UTC().Truncate(time.Second)
		if at.After(t) {
			continue
		}
		if out.Since.IsZero() || at.Before(out.Since) {
			out.Since = at
		}
	}
	return out, nil
}

// alertKey identifies an alert across ALERTS and ALERTS_FOR_STATE: its
// labels without the metric name and alertstate.
func alertKey(m model.Metric) string {
	names := make([]string, 0, len(m))
	for n := range m {
		if n != model.MetricNameLabel && n != "alertstate" {
			names = append(names, string(n))
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(string(m[model.LabelName(n)])))
		b.WriteByte(',')
	}
	return b.String()
}

// vector evaluates query at t and returns its series.
func (c *Collector) vector(ctx context.Context, query string, t time.Time) (model.Vector, error) {
	v, err := c.query(ctx, query, t)
	if err != nil {
		return nil, err
	}
	vec, ok := v.(model.Vector)
	if !ok {
		return nil, fmt.Errorf("query prometheus %q at %s: result is a %s, want an instant vector", query, formatTime(t), v.Type())
	}
	return vec, nil
}

// statusRank orders the statuses a live rule can set.
func statusRank(s string) int {
	for i, v := range config.LiveStatuses {
		if v == s {
			return i + 1
		}
	}
	return 0
}
