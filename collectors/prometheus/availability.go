package prometheus

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"golang.org/x/sync/errgroup"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Availability returns comp's availability in month ("YYYY-MM", whose
// boundaries are local midnights in loc; nil means UTC), leaving out the
// windows of exclude that apply to comp.
//
// Ratio is the SLI over the month's kept (non-excluded) time, evaluated at
// the month's end with the month's exact length as $__range when nothing is
// excluded, and combined from the kept pieces otherwise (see the package
// comment). Coverage is the covered fraction of the kept time. Daily holds
// one entry per local day of the month, computed the same way over that
// day. A Ratio is nil when there is no data; ErrorBudgetRemaining is nil
// without an SLO or without data.
//
// The error names the component and, for a failed query, the query and its
// evaluation time: "query prometheus %q at %s: ...". Server errors,
// HTTP errors, timeouts, a result with more than one series and a value
// outside 0..1 are errors; warnings go to Options.Logf.
func (c *Collector) Availability(ctx context.Context, comp config.Component, month string, loc *time.Location, exclude []Window) (snapshot.Availability, error) {
	if loc == nil {
		loc = time.UTC
	}
	a, err := c.availability(ctx, comp, month, loc, exclude)
	if err != nil {
		return snapshot.Availability{}, fmt.Errorf("component %q: %w", comp.ID, err)
	}
	return a, nil
}

// piece is a kept interval whose SLI is evaluated with one query.
type piece struct {
	span
	res result
}

// part is a coverage bucket, or the part of one left by a day boundary or
// an excluded window. full parts are whole grid buckets.
type part struct {
	span
	full    bool
	covered bool
}

func (c *Collector) availability(ctx context.Context, comp config.Component, month string, loc *time.Location, exclude []Window) (snapshot.Availability, error) {
	start, end, err := snapshot.MonthRange(month, loc)
	if err != nil {
		return snapshot.Availability{}, err
	}
	sli := comp.Query
	if strings.TrimSpace(sli) == "" {
		sli = DefaultQuery(comp)
	}
	if !usesRange(sli) {
		return snapshot.Availability{}, errNoRange
	}
	monthSpan := span{start, end}

	excluded := []snapshot.Excluded{}
	var cuts []span
	for _, w := range exclude {
		if !w.appliesTo(comp.ID) {
			continue
		}
		ws := span{w.Start.Round(0).Truncate(time.Millisecond), w.End.Round(0).Truncate(time.Millisecond)}
		if !ws.start.Before(ws.end) {
			return snapshot.Availability{}, fmt.Errorf("excluded window %q (%s to %s) does not end after it starts", w.Reason, w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339))
		}
		in, ok := ws.intersect(monthSpan)
		if !ok {
			continue
		}
		cuts = append(cuts, in)
		excluded = append(excluded, snapshot.Excluded{Start: in.start.In(loc), End: in.end.In(loc), Reason: w.Reason})
	}
	sort.SliceStable(excluded, func(i, j int) bool { return excluded[i].Start.Before(excluded[j].Start) })
	cuts = merge(cuts)

	// The month's kept pieces; each day's kept pieces; and the coverage
	// parts, cut at day boundaries, window edges and the bucket grid, so
	// that each part lies in exactly one day piece and one month piece.
	monthPieces := toPieces(subtract(monthSpan, cuts))
	dayList := days(start, end, loc)
	dayPieces := make([][]piece, len(dayList))
	var parts []part
	for i, d := range dayList {
		kept := subtract(d, cuts)
		dayPieces[i] = toPieces(kept)
		for _, k := range kept {
			for _, p := range gridCut(k, start, c.resolution) {
				parts = append(parts, part{span: p, full: p.dur() == c.resolution})
			}
		}
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency)
	// run skips the queries not yet started once one has failed.
	run := func(f func() error) {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return f()
		})
	}
	evaluate := func(p *piece) {
		run(func() error {
			q := expand(sli, p.dur(), c.resolution)
			t := evalTime(p.span)
			res, err := c.instant(gctx, q, t)
			if err != nil {
				return err
			}
			if res.present && !math.IsNaN(res.value) {
				if res.value, err = ratio(q, t, res.value); err != nil {
					return err
				}
			}
			p.res = res
			return nil
		})
	}
	for i := range monthPieces {
		evaluate(&monthPieces[i])
	}
	for i := range dayPieces {
		for j := range dayPieces[i] {
			evaluate(&dayPieces[i][j])
		}
	}
	c.coverage(gctx, run, sli, parts)
	if err := g.Wait(); err != nil {
		return snapshot.Availability{}, err
	}

	a := snapshot.Availability{Component: comp.ID, Excluded: excluded, Daily: make([]snapshot.Day, len(dayList))}
	a.Ratio, a.Coverage = combine(monthPieces, parts)
	for i, d := range dayList {
		r, cov := combine(dayPieces[i], parts)
		a.Daily[i] = snapshot.Day{Date: d.start.In(loc).Format("2006-01-02"), Ratio: r, Coverage: cov}
	}
	if comp.SLO > 0 {
		a.SLO = comp.SLO / 100
		if a.Ratio != nil {
			b := 1 - (1-*a.Ratio)/(1-a.SLO)
			a.ErrorBudgetRemaining = &b
		}
	}
	return a, nil
}

func toPieces(spans []span) []piece {
	out := make([]piece, len(spans))
	for i, s := range spans {
		out[i].span = s
	}
	return out
}

// coverage schedules the queries that mark parts covered: one query_range
// per run of consecutive whole buckets (split to stay under maxPoints), and
// an instant query per partial bucket.
func (c *Collector) coverage(ctx context.Context, run func(func() error), sli string, parts []part) {
	// Each part is marked by the one query that covers it, and the marks
	// are read after the group's Wait, so no lock is needed.
	mark := func(p *part) { p.covered = true }
	for i := 0; i < len(parts); {
		if !parts[i].full {
			p := &parts[i]
			run(func() error {
				res, err := c.instant(ctx, expand(sli, p.dur(), c.resolution), evalTime(p.span))
				if err == nil && res.present {
					mark(p)
				}
				return err
			})
			i++
			continue
		}
		j := i + 1
		for j < len(parts) && j-i < maxPoints && parts[j].full && parts[j].start.Equal(parts[j-1].end) {
			j++
		}
		bucketRun := parts[i:j]
		run(func() error {
			first := bucketRun[0].start
			points, err := c.rangeQuery(ctx, expand(sli, c.resolution, c.resolution), v1.Range{
				Start: evalTime(bucketRun[0].span),
				End:   evalTime(bucketRun[len(bucketRun)-1].span),
				Step:  c.resolution,
			})
			if err != nil {
				return err
			}
			// A point evaluated at T covers the bucket ending at or just
			// after T. Mapping by containment rather than by exact
			// timestamp keeps the result right behind query frontends
			// that align the start to the step (Thanos).
			step := c.resolution.Milliseconds()
			for _, pt := range points {
				off := int64(pt.Timestamp) - first.UnixMilli()
				if off <= 0 {
					continue
				}
				if k := (off+step-1)/step - 1; k < int64(len(bucketRun)) {
					mark(&bucketRun[k])
				}
			}
			return nil
		})
		i = j
	}
}

// combine returns the ratio and the coverage of pieces. The ratio is the
// pieces' ratios weighted by their covered time; pieces without a value
// (no data, or NaN) do not count. Should no piece with a value have
// covered time (an SLI needing more samples than a bucket holds), the
// pieces are weighted by their length instead.
func combine(pieces []piece, parts []part) (*float64, float64) {
	var kept, covered time.Duration
	var sum, weights, sumLen, lens float64
	for _, p := range pieces {
		kept += p.dur()
		cov := coveredIn(p.span, parts)
		covered += cov
		if !p.res.present || math.IsNaN(p.res.value) {
			continue
		}
		sum += p.res.value * cov.Seconds()
		weights += cov.Seconds()
		sumLen += p.res.value * p.dur().Seconds()
		lens += p.dur().Seconds()
	}
	var cover float64
	if kept > 0 {
		cover = covered.Seconds() / kept.Seconds()
	}
	switch {
	case lens == 0:
		return nil, cover
	case len(pieces) == 1:
		// One query over the whole kept time: its value as is.
		v := pieces[0].res.value
		return &v, cover
	case weights == 0:
		v := sumLen / lens
		return &v, cover
	}
	v := sum / weights
	return &v, cover
}

// coveredIn sums the covered parts inside s; parts are sorted and each lies
// entirely inside or outside s.
func coveredIn(s span, parts []part) time.Duration {
	i := sort.Search(len(parts), func(i int) bool { return !parts[i].start.Before(s.start) })
	var d time.Duration
	for ; i < len(parts) && s.contains(parts[i].span); i++ {
		if parts[i].covered {
			d += parts[i].dur()
		}
	}
	return d
}
