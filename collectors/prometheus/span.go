package prometheus

import (
	"sort"
	"time"
)

// span is the half-open interval [start, end).
type span struct{ start, end time.Time }

func (s span) dur() time.Duration { return s.end.Sub(s.start) }

// contains reports whether o lies within s.
func (s span) contains(o span) bool { return !o.start.Before(s.start) && !o.end.After(s.end) }

// intersect returns s ∩ o and whether it is non-empty.
func (s span) intersect(o span) (span, bool) {
	r := span{later(s.start, o.start), earlier(s.end, o.end)}
	return r, r.start.Before(r.end)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// merge sorts spans and joins overlapping or touching ones.
func merge(spans []span) []span {
	s := append([]span(nil), spans...)
	sort.Slice(s, func(i, j int) bool { return s[i].start.Before(s[j].start) })
	var out []span
	for _, x := range s {
		if n := len(out); n > 0 && !x.start.After(out[n-1].end) {
			out[n-1].end = later(out[n-1].end, x.end)
			continue
		}
		out = append(out, x)
	}
	return out
}

// subtract returns the parts of s not covered by cuts (merged, sorted).
func subtract(s span, cuts []span) []span {
	var out []span
	cur := s.start
	for _, c := range cuts {
		if !c.end.After(cur) {
			continue
		}
		if !c.start.Before(s.end) {
			break
		}
		if c.start.After(cur) {
			out = append(out, span{cur, c.start})
		}
		cur = later(cur, c.end)
	}
	if cur.Before(s.end) {
		out = append(out, span{cur, s.end})
	}
	return out
}

// days returns the local days [midnight, next midnight) of [start, end) in
// loc; start is a local midnight.
func days(start, end time.Time, loc *time.Location) []span {
	var out []span
	for d := start; d.Before(end); {
		y, m, day := d.In(loc).Date()
		next := time.Date(y, m, day+1, 0, 0, 0, 0, loc)
		out = append(out, span{d, earlier(next, end)})
		d = next
	}
	return out
}

// gridCut cuts s at the points origin + k*step that fall inside it.
func gridCut(s span, origin time.Time, step time.Duration) []span {
	var out []span
	k := s.start.Sub(origin) / step
	next := origin.Add((k + 1) * step)
	cur := s.start
	for next.Before(s.end) {
		out = append(out, span{cur, next})
		cur = next
		next = next.Add(step)
	}
	return append(out, span{cur, s.end})
}
