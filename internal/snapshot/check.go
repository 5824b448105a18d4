package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// check returns every figure of s, decoded from b, that no collector
// writes and no page can show: ratios outside 0..1, negative durations and
// counts, days outside the month, and nulls where a list or a list's entry
// belongs (decoded as nothing, or as an entry without a name, they would
// show up as the report's problem rather than the file's). Each problem is
// an error of its own, "path:line: message", joined.
func check(path string, b []byte, s *Snapshot) error {
	var pos *positions
	var errs []error
	add := func(key, format string, args ...any) {
		if pos == nil {
			pos = scan(b)
		}
		errs = append(errs, fmt.Errorf("%s:%d: %s", path, pos.line(key), fmt.Sprintf(format, args...)))
	}
	if suspectNull(b) {
		pos = scan(b)
		for _, n := range pos.nulls {
			add(n, "%s is null: write [] for none, or remove the entry", n)
		}
	}
	ratio := func(key string, v float64) {
		if !(v >= 0 && v <= 1) {
			add(key, "%s %v is not a fraction between 0 and 1", key, v)
		}
	}
	for i, a := range s.Availability {
		k := "availability." + strconv.Itoa(i)
		if a.Ratio != nil {
			ratio(k+".ratio", *a.Ratio)
		}
		ratio(k+".coverage", a.Coverage)
		ratio(k+".slo", a.SLO)
		if a.ErrorBudgetRemaining != nil && *a.ErrorBudgetRemaining > 1 {
			add(k+".error_budget_remaining", "%s.error_budget_remaining %v is more than the whole budget (1)", k, *a.ErrorBudgetRemaining)
		}
		for j, d := range a.Daily {
			dk := k + ".daily." + strconv.Itoa(j)
			if day, err := time.Parse(time.DateOnly, d.Date); err != nil || day.Format("2006-01") != s.Month {
				add(dk+".date", "%s.date %q is not a day of %s", dk, d.Date, s.Month)
			}
			if d.Ratio != nil {
				ratio(dk+".ratio", *d.Ratio)
			}
			ratio(dk+".coverage", d.Coverage)
		}
	}
	for i, t := range s.Releases {
		k := "releases." + strconv.Itoa(i)
		for j, r := range t.Releases {
			if rk := k + ".releases." + strconv.Itoa(j) + ".duration_seconds"; r.DurationSeconds < 0 {
				add(rk, "%s %v is negative", rk, r.DurationSeconds)
			}
		}
		sum := t.Summary
		for _, f := range []struct {
			key string
			v   float64
		}{{"median_seconds", sum.MedianSeconds}, {"p90_seconds", sum.P90Seconds}, {"max_seconds", sum.MaxSeconds}, {"mean_seconds", sum.MeanSeconds}, {"count", float64(sum.Count)}} {
			if sk := k + ".summary." + f.key; f.v < 0 {
				add(sk, "%s %v is negative", sk, f.v)
			}
		}
	}
	for i, r := range s.Issues {
		k := "issues." + strconv.Itoa(i)
		for _, f := range []struct {
			key string
			v   int
		}{{"opened", r.Opened}, {"closed", r.Closed}, {"open_at_end", r.OpenAtEnd}, {"pull_requests.opened", r.PullRequests.Opened}, {"pull_requests.closed", r.PullRequests.Closed}, {"pull_requests.open_at_end", r.PullRequests.OpenAtEnd}} {
			if f.v < 0 {
				add(k+"."+f.key, "%s.%s %d is negative", k, f.key, f.v)
			}
		}
	}
	for i, d := range s.Delivery {
		checkDelivery("delivery."+strconv.Itoa(i), d, ratio, add)
	}
	return errors.Join(errs...)
}

// checkDelivery adds a problem for each delivery figure no computation
// gives: a change failure rate outside 0..1, negative counts and
// durations, an unknown deployment status.
func checkDelivery(k string, d Delivery, ratio func(string, float64), add func(key, format string, args ...any)) {
	negative := func(key string, v float64) {
		if v < 0 {
			add(key, "%s %v is negative", key, v)
		}
	}
	negative(k+".failure_window_seconds", d.FailureWindowSeconds)
	keys := d.Keys
	for _, f := range []struct {
		key string
		v   *float64
	}{{"deployments_per_week", &keys.PerWeek}, {"lead_time_median_seconds", keys.LeadTimeMedianSeconds},
		{"lead_time_p90_seconds", keys.LeadTimeP90Seconds}, {"time_to_restore_seconds", keys.TimeToRestoreSeconds}} {
		if f.v != nil {
			negative(k+".keys."+f.key, *f.v)
		}
	}
	for _, f := range []struct {
		key string
		v   int
	}{{"deployments", keys.Deployments}, {"changes", keys.Changes}, {"failed_changes", keys.FailedChanges}, {"restores", keys.Restores}} {
		negative(k+".keys."+f.key, float64(f.v))
	}
	if keys.ChangeFailureRate != nil {
		ratio(k+".keys.change_failure_rate", *keys.ChangeFailureRate)
	}
	for j, dep := range d.Deployments {
		dk := k + ".deployments." + strconv.Itoa(j)
		if dep.Status != DeploySuccess && dep.Status != DeployFailed {
			add(dk+".status", "%s.status %q is not %s or %s", dk, dep.Status, DeploySuccess, DeployFailed)
		}
		for c, ch := range dep.Changes {
			negative(dk+".changes."+strconv.Itoa(c)+".lead_seconds", ch.LeadSeconds)
		}
	}
}

// suspectNull reports whether b may hold a null check refuses: one after
// '[' or ',' (an entry of a list) or after a list's key. Nulls elsewhere
// (a day without data) are common, and scan costs more than decoding: it
// only runs to confirm. A null inside a string may make this say yes.
func suspectNull(b []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("null"))
		if i < 0 {
			return false
		}
		at := off + i
		off = at + 4
		j := at - 1
		for j >= 0 && isSpace(b[j]) {
			j--
		}
		if j < 0 {
			continue
		}
		switch b[j] {
		case '[', ',':
			return true
		case ':':
			j--
			for j >= 0 && isSpace(b[j]) {
				j--
			}
			if j < 1 || b[j] != '"' {
				continue
			}
			start := bytes.LastIndexByte(b[:j], '"')
			if start >= 0 && listKeys[string(b[start+1:j])] {
				return true
			}
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// positions are the lines of a JSON document's values by path
// ("availability.0.daily.3.ratio"), and the paths of the nulls that stand
// for a list or a list's entry.
type positions struct {
	lines map[string]int
	nulls []string
}

// line returns the line of the value at key, or of its nearest parent
// that has one, or 1.
func (p *positions) line(key string) int {
	for {
		if l, ok := p.lines[key]; ok {
			return l
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return 1
		}
		key = key[:i]
	}
}

// listKeys are the members of the snapshot that hold lists.
var listKeys = map[string]bool{
	"issues": true, "labels": true, "releases": true, "outliers": true, "availability": true,
	"excluded": true, "daily": true, "goals": true, "disruptions": true, "components": true,
	"delivery": true, "deployments": true, "changes": true,
}

// scan reads the JSON document b token by token, recording where each
// value is; a document that does not decode has been refused before.
func scan(b []byte) *positions {
	p := &positions{lines: map[string]int{}}
	type frame struct {
		object bool
		key    string // the member being read, in an object
		index  int    // the entry being read, in an array
		atKey  bool   // an object's next token is a key or its end
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	counted, line := 0, 1
	here := func() int {
		off := int(dec.InputOffset())
		line += bytes.Count(b[counted:off], []byte("\n"))
		counted = off
		return line
	}
	keyOf := func() string {
		parts := make([]string, len(stack))
		for i, f := range stack {
			if f.object {
				parts[i] = f.key
			} else {
				parts[i] = strconv.Itoa(f.index)
			}
		}
		return strings.Join(parts, ".")
	}
	done := func() { // a value ended: move its container on
		if n := len(stack); n > 0 {
			if f := stack[n-1]; f.object {
				f.atKey = true
			} else {
				f.index++
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil { // io.EOF, or a document refused before
			return p
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].atKey {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].atKey = k, false
				continue
			}
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			done()
			continue
		}
		key := keyOf()
		l := here()
		if key != "" {
			p.lines[key] = l
		}
		if tok == nil && len(stack) > 0 {
			f := stack[len(stack)-1]
			if !f.object || listKeys[f.key] {
				p.nulls = append(p.nulls, key)
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, atKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		default:
			done()
		}
	}
}
