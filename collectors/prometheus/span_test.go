package prometheus

import (
	"math"
	"testing"
	"time"
)

func at(h int) time.Time { return time.Date(2026, 10, 1, h, 0, 0, 0, time.UTC) }

func sp(from, to int) span { return span{at(from), at(to)} }

func equalSpans(a, b []span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].start.Equal(b[i].start) || !a[i].end.Equal(b[i].end) {
			return false
		}
	}
	return true
}

func TestSubtract(t *testing.T) {
	tests := []struct {
		name string
		cuts []span
		want []span
	}{
		{"nothing cut", nil, []span{sp(0, 24)}},
		{"middle", []span{sp(10, 12)}, []span{sp(0, 10), sp(12, 24)}},
		{"overlapping the start", []span{sp(-2, 3)}, []span{sp(3, 24)}},
		{"overlapping the end", []span{sp(20, 30)}, []span{sp(0, 20)}},
		{"everything", []span{sp(-1, 25)}, nil},
		{"outside", []span{sp(-5, -1), sp(25, 26)}, []span{sp(0, 24)}},
		{"merged overlaps", merge([]span{sp(5, 8), sp(1, 2), sp(6, 10), sp(10, 11)}), []span{sp(0, 1), sp(2, 5), sp(11, 24)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := subtract(sp(0, 24), tc.cuts); !equalSpans(got, tc.want) {
				t.Errorf("subtract = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGridCut(t *testing.T) {
	origin := at(0)
	step := 5 * time.Minute
	m := func(min int) time.Time { return origin.Add(time.Duration(min) * time.Minute) }
	tests := []struct {
		name string
		s    span
		want []span
	}{
		{"aligned", span{m(0), m(15)}, []span{{m(0), m(5)}, {m(5), m(10)}, {m(10), m(15)}}},
		{"ragged both ends", span{m(3), m(12)}, []span{{m(3), m(5)}, {m(5), m(10)}, {m(10), m(12)}}},
		{"inside one bucket", span{m(6), m(8)}, []span{{m(6), m(8)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := gridCut(tc.s, origin, step); !equalSpans(got, tc.want) {
				t.Errorf("gridCut = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDays(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		month       string
		n           int
		long, short string // the 25- and 23-hour days, if any
	}{
		{"2026-10", 31, "2026-10-25", ""},
		{"2027-03", 31, "", "2027-03-28"},
		{"2028-02", 29, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.month, func(t *testing.T) {
			start, _ := time.ParseInLocation("2006-01", tc.month, berlin)
			end := start.AddDate(0, 1, 0)
			ds := days(start, end, berlin)
			if len(ds) != tc.n {
				t.Fatalf("%d days, want %d", len(ds), tc.n)
			}
			var total time.Duration
			for i, d := range ds {
				date := d.start.In(berlin).Format("2006-01-02")
				want := 24 * time.Hour
				switch date {
				case tc.long:
					want = 25 * time.Hour
				case tc.short:
					want = 23 * time.Hour
				}
				if d.dur() != want {
					t.Errorf("%s lasts %s, want %s", date, d.dur(), want)
				}
				if h, m, s := d.start.In(berlin).Clock(); h+m+s != 0 {
					t.Errorf("day %d starts at %s, not midnight", i, d.start)
				}
				total += d.dur()
			}
			if total != end.Sub(start) {
				t.Errorf("days add up to %s, month lasts %s", total, end.Sub(start))
			}
		})
	}
}

func TestExpand(t *testing.T) {
	got := expand("sum_over_time(x[$__range]) / $__range_s / $__range_ms [$__interval]", 2682000*time.Second, 5*time.Minute)
	want := "sum_over_time(x[2682000s]) / 2682000 / 2682000000 [300s]"
	if got != want {
		t.Errorf("expand = %q, want %q", got, want)
	}
	if got := expand("x[$__range]", 1500*time.Millisecond, time.Minute); got != "x[1500ms]" {
		t.Errorf("sub-second range = %q, want x[1500ms]", got)
	}
}

// TestCombine checks the weighting of pieces by covered time.
func TestCombine(t *testing.T) {
	parts := func(covered ...bool) []part {
		var out []part
		for i, c := range covered {
			out = append(out, part{span: sp(i, i+1), full: true, covered: c})
		}
		return out
	}
	val := func(v float64) result { return result{v, true} }
	tests := []struct {
		name      string
		pieces    []piece
		parts     []part
		wantRatio float64 // NaN: nil
		wantCov   float64
	}{
		{"one piece as is", []piece{{sp(0, 4), val(0.9)}}, parts(true, true, false, true), 0.9, 0.75},
		{"weighted by covered time", []piece{{sp(0, 2), val(0.5)}, {sp(3, 6), val(1)}}, parts(true, false, false, true, true, true), (0.5*1 + 1*3) / 4, 4.0 / 5},
		{"piece without data ignored", []piece{{sp(0, 2), result{}}, {sp(2, 4), val(0.8)}}, parts(false, false, true, true), 0.8, 0.5},
		{"NaN piece ignored", []piece{{sp(0, 2), val(math.NaN())}, {sp(2, 4), val(0.8)}}, parts(true, true, true, true), 0.8, 1},
		{"no data", []piece{{sp(0, 2), result{}}}, parts(false, false), math.NaN(), 0},
		{"nothing kept", nil, nil, math.NaN(), 0},
		{"no covered time: by length", []piece{{sp(0, 1), val(0.5)}, {sp(1, 4), val(1)}}, parts(false, false, false, false), (0.5 + 3) / 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, cov := combine(tc.pieces, tc.parts)
			switch {
			case math.IsNaN(tc.wantRatio) && r != nil:
				t.Errorf("ratio = %v, want nil", *r)
			case !math.IsNaN(tc.wantRatio) && (r == nil || math.Abs(*r-tc.wantRatio) > 1e-15):
				t.Errorf("ratio = %v, want %v", r, tc.wantRatio)
			}
			if math.Abs(cov-tc.wantCov) > 1e-15 {
				t.Errorf("coverage = %v, want %v", cov, tc.wantCov)
			}
		})
	}
}
