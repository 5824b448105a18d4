package prometheus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// ratioSlack is how far outside 0..1 a ratio may stray through floating
// point (sums of extrapolated increases) before it is called wrong.
const ratioSlack = 1e-3

// expand substitutes the window placeholders of an SLI.
func expand(query string, window, interval time.Duration) string {
	return strings.NewReplacer(
		"$__range_ms", strconv.FormatInt(window.Milliseconds(), 10),
		"$__range_s", strconv.FormatFloat(window.Seconds(), 'f', -1, 64),
		"$__range", promDuration(window),
		"$__interval", promDuration(interval),
	).Replace(query)
}

// usesRange reports whether an SLI names its window.
func usesRange(query string) bool { return strings.Contains(query, "$__range") }

// promDuration formats d as a PromQL duration every implementation
// accepts: whole seconds ("2678400s") or milliseconds.
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

// evalTime is the instant at which a window [start, end) is evaluated: the
// last millisecond inside it (see the package comment).
func evalTime(s span) time.Time { return s.end.Add(-time.Millisecond) }

// result is one value of an SLI: absent when the query returned no series,
// NaN when it returned one without a defined value (0/0).
type result struct {
	value   float64
	present bool
}

// query evaluates query at t, with the collector's timeout, and returns
// the result as the API gave it; errors name the query and the time.
func (c *Collector) query(ctx context.Context, query string, t time.Time) (model.Value, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	at := formatTime(t)
	v, warnings, _, err := c.api.Query(ctx, query, t, v1.WithTimeout(c.timeout))
	c.warn(query, at, warnings)
	if err != nil {
		return nil, c.queryError(ctx, query, at, err)
	}
	return v, nil
}

// instant evaluates query at t and returns its single value.
func (c *Collector) instant(ctx context.Context, query string, t time.Time) (result, error) {
	at := formatTime(t)
	v, err := c.query(ctx, query, t)
	if err != nil {
		return result{}, err
	}
	switch v := v.(type) {
	case model.Vector:
		switch len(v) {
		case 0:
			return result{}, nil
		case 1:
			return result{float64(v[0].Value), true}, nil
		default:
			return result{}, fmt.Errorf("query prometheus %q at %s: %w", query, at, tooMany(len(v), v[0].Metric, v[1].Metric))
		}
	case *model.Scalar:
		return result{float64(v.Value), true}, nil
	default:
		return result{}, fmt.Errorf("query prometheus %q at %s: result is a %s, want an instant vector", query, at, v.Type())
	}
}

// rangeQuery evaluates query over r and returns the points of its single
// series (none when it returned no series).
func (c *Collector) rangeQuery(ctx context.Context, query string, r v1.Range) ([]model.SamplePair, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	at := fmt.Sprintf("%s..%s step %s", formatTime(r.Start), formatTime(r.End), promDuration(r.Step))
	v, warnings, _, err := c.api.QueryRange(ctx, query, r, v1.WithTimeout(c.timeout))
	c.warn(query, at, warnings)
	if err != nil {
		return nil, c.queryError(ctx, query, at, err)
	}
	m, ok := v.(model.Matrix)
	if !ok {
		return nil, fmt.Errorf("query prometheus %q at %s: result is a %s, want a range vector", query, at, v.Type())
	}
	switch len(m) {
	case 0:
		return nil, nil
	case 1:
		return m[0].Values, nil
	default:
		return nil, fmt.Errorf("query prometheus %q at %s: %w", query, at, tooMany(len(m), m[0].Metric, m[1].Metric))
	}
}

func tooMany(n int, a, b model.Metric) error {
	return fmt.Errorf("returned %d series (%s, %s, ...), want one: aggregate the SLI, e.g. with sum() or avg()", n, a, b)
}

func (c *Collector) warn(query, at string, warnings v1.Warnings) {
	for _, w := range warnings {
		c.logf("prometheus: query %q at %s: warning: %s", query, at, w)
	}
}

// queryError names the failed query and, for HTTP errors, adds the start
// of the response body, which is where proxies and gateways explain.
func (c *Collector) queryError(ctx context.Context, query, at string, err error) error {
	var apiErr *v1.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Detail != "":
		detail := strings.Join(strings.Fields(apiErr.Detail), " ")
		if len(detail) > 200 {
			detail = detail[:200] + "..."
		}
		err = fmt.Errorf("%w (%s)", err, detail)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("timed out after %s: %w", c.timeout, err)
	}
	return fmt.Errorf("query prometheus %q at %s: %w", query, at, err)
}

// ratio checks that an SLI value is a 0..1 ratio; values a rounding error
// outside are clamped.
func ratio(query string, t time.Time, v float64) (float64, error) {
	if math.IsInf(v, 0) || v < -ratioSlack || v > 1+ratioSlack {
		return 0, fmt.Errorf("query prometheus %q at %s: result %v is not a 0..1 ratio", query, formatTime(t), v)
	}
	return min(max(v, 0), 1), nil
}

// formatTime renders an evaluation time as sent to the server, to the
// millisecond.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
