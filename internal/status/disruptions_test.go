package status

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// disruption builds a detected disruption of components from start to end
// ("" while ongoing).
func disruption(tb testing.TB, start, end string, comps ...string) snapshot.Disruption {
	tb.Helper()
	d := snapshot.Disruption{Start: ts(tb, start), Status: content.PartialOutage}
	if end != "" {
		d.End = ts(tb, end)
	}
	d.ID = snapshot.DisruptionID(d.Start, comps[0])
	for _, c := range comps {
		d.Components = append(d.Components, snapshot.DisruptionComponent{Component: c, Status: content.PartialOutage, Start: d.Start, End: d.End, Signal: c + " probes failing"})
	}
	return d
}

func TestDeclares(t *testing.T) {
	// Detected from 10:00 to 11:00 on api and web.
	d := disruption(t, "2026-10-10T10:00:00Z", "2026-10-10T11:00:00Z", "api", "web")
	ongoing := disruption(t, "2026-10-10T10:00:00Z", "", "api")
	api := []string{"api"}
	tests := []struct {
		name string
		inc  *content.Incident
		d    snapshot.Disruption
		want bool
	}{
		{"inside", incident(t, "a", "minor", "2026-10-10T10:10:00Z", "2026-10-10T10:50:00Z", api), d, true},
		{"covers it", incident(t, "a", "minor", "2026-10-10T09:00:00Z", "2026-10-10T12:00:00Z", api), d, true},
		{"opened before, resolved during", incident(t, "a", "minor", "2026-10-10T09:00:00Z", "2026-10-10T10:30:00Z", api), d, true},
		{"resolved as it started", incident(t, "a", "minor", "2026-10-10T09:00:00Z", "2026-10-10T10:00:00Z", api), d, true},
		{"resolved before it started", incident(t, "a", "minor", "2026-10-10T09:00:00Z", "2026-10-10T09:59:00Z", api), d, false},
		{"open, from before", incident(t, "a", "minor", "2026-10-09T09:00:00Z", "", api), d, true},
		{"opened after it ended, within the grace", incident(t, "a", "minor", "2026-10-10T11:20:00Z", "2026-10-10T12:00:00Z", api), d, true},
		{"opened at the end of the grace", incident(t, "a", "minor", "2026-10-10T11:30:00Z", "2026-10-10T12:00:00Z", api), d, true},
		{"opened after the grace", incident(t, "a", "minor", "2026-10-10T11:31:00Z", "2026-10-10T12:00:00Z", api), d, false},
		{"names its second component", incident(t, "a", "minor", "2026-10-10T10:10:00Z", "", []string{"db", "web"}), d, true},
		{"names none of its components", incident(t, "a", "minor", "2026-10-10T10:10:00Z", "", []string{"db"}), d, false},
		{"ongoing, opened a day later", incident(t, "a", "minor", "2026-10-11T10:00:00Z", "", api), ongoing, true},
		{"ongoing, resolved before it", incident(t, "a", "minor", "2026-10-10T08:00:00Z", "2026-10-10T09:00:00Z", api), ongoing, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Declares(tt.inc, tt.d); got != tt.want {
				t.Errorf("Declares = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMonthlyDisruptions(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := ts(t, "2026-11-02T12:00:00Z")
	// October's incidents: db for 1h, api for 20m.
	dbInc := incident(t, "db", "major", "2026-10-05T10:00:00Z", "2026-10-05T11:00:00Z", []string{"db"})
	apiInc := incident(t, "api", "minor", "2026-10-20T08:00:00Z", "2026-10-20T08:20:00Z", []string{"api"})
	// Opened on 30 September (UTC and Berlin) for a disruption detected
	// just after midnight, Berlin time.
	sept := incident(t, "sept", "minor", "2026-09-30T21:00:00Z", "2026-09-30T23:00:00Z", []string{"web"})
	future := incident(t, "future", "minor", "2026-11-05T10:00:00Z", "", []string{"web"})
	octIncs := []*content.Incident{dbInc, apiInc}
	all := []*content.Incident{sept, dbInc, apiInc, future}

	declaredDB := disruption(t, "2026-10-05T10:05:00Z", "2026-10-05T10:50:00Z", "db")
	declaredAPI := disruption(t, "2026-10-20T07:55:00Z", "2026-10-20T08:10:00Z", "api", "web")
	fromSept := disruption(t, "2026-09-30T22:10:00Z", "2026-09-30T22:40:00Z", "web")
	undeclared25 := disruption(t, "2026-10-12T03:00:00Z", "2026-10-12T03:25:00Z", "web")
	undeclared50 := disruption(t, "2026-10-14T03:00:00Z", "2026-10-14T03:50:00Z", "dns")
	// Another component than the incident's at the same time.
	elsewhere := disruption(t, "2026-10-05T10:10:00Z", "2026-10-05T10:30:00Z", "web")
	ongoing := disruption(t, "2026-10-31T20:00:00Z", "", "search")
	// Only the future incident would declare it.
	later := disruption(t, "2026-10-30T10:00:00Z", "", "web")

	snap := func(ds ...snapshot.Disruption) *snapshot.Snapshot {
		s := snapshot.New("2026-10")
		for _, d := range ds {
			s.PutDisruption(d)
		}
		return s
	}
	tests := []struct {
		name      string
		incidents []*content.Incident // the month's, for Monthly
		snap      *snapshot.Snapshot
		// want: "detected declared undeclared ongoing restored toRestore
		// restores MTTR", then the undeclared disruptions' ids.
		want, undeclared string
	}{
		{"no snapshot", octIncs, nil, "0 0 0 0 0 0s 2 40m0s", ""},
		{"no disruptions", octIncs, snap(), "0 0 0 0 0 0s 2 40m0s", ""},
		{"all declared", octIncs, snap(declaredDB, declaredAPI), "2 2 0 0 0 0s 2 40m0s", ""},
		// 3 disruptions, 2 declared: (1h + 20m + 25m) / 3 restores.
		{"one undeclared", octIncs, snap(declaredDB, undeclared25, declaredAPI), "3 2 1 0 1 25m0s 3 35m0s", "20261012T030000Z-web"},
		// (1h + 20m + 25m + 50m) / 4.
		{"two undeclared", octIncs, snap(undeclared50, declaredDB, undeclared25), "3 1 2 0 2 1h15m0s 4 38m45s", "20261012T030000Z-web 20261014T030000Z-dns"},
		{"a component no incident names", octIncs, snap(declaredDB, elsewhere), "2 1 1 0 1 20m0s 3 33m20s", "20261005T101000Z-web"},
		{"declared by last month's incident", octIncs, snap(fromSept), "1 1 0 0 0 0s 2 40m0s", ""},
		{"ongoing: counted, no duration", octIncs, snap(undeclared25, ongoing), "2 0 2 1 1 25m0s 3 35m0s", "20261012T030000Z-web 20261031T200000Z-search"},
		{"incidents not known yet declare nothing", octIncs, snap(later), "1 0 1 1 0 0s 2 40m0s", "20261030T100000Z-web"},
		// No incident resolved: the undeclared disruptions alone.
		{"disruptions without incidents", nil, snap(undeclared25, undeclared50), "2 0 2 0 2 1h15m0s 2 37m30s", "20261012T030000Z-web 20261014T030000Z-dns"},
		{"nothing to measure", nil, snap(ongoing), "1 0 1 1 0 0s 0 0s", "20261031T200000Z-search"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Monthly("2026-10", loc, tt.incidents)
			if err != nil {
				t.Fatal(err)
			}
			s := MonthlyDisruptions(ms, tt.snap, all, now)
			got := strings.Join([]string{
				itoa(s.Detected), itoa(s.Declared), itoa(s.Undeclared), itoa(s.UndeclaredOngoing),
				itoa(s.UndeclaredRestored), s.UndeclaredToRestore.String(), itoa(s.Restores), s.MTTR.String(),
			}, " ")
			if got != tt.want {
				t.Errorf("figures %q, want %q", got, tt.want)
			}
			var ids []string
			for _, d := range s.UndeclaredDisruptions() {
				ids = append(ids, d.ID)
			}
			if strings.Join(ids, " ") != tt.undeclared {
				t.Errorf("undeclared %q, want %q", strings.Join(ids, " "), tt.undeclared)
			}
			if s.Disruptions == nil || len(s.Disruptions) != s.Detected {
				t.Errorf("%d disruptions listed, %d detected", len(s.Disruptions), s.Detected)
			}
		})
	}

	t.Run("declared by each overlapping incident, durations", func(t *testing.T) {
		ms, _ := Monthly("2026-10", loc, octIncs)
		also := incident(t, "also", "minor", "2026-10-20T08:05:00Z", "2026-10-20T09:00:00Z", []string{"web"})
		s := MonthlyDisruptions(ms, snap(declaredAPI, ongoing), append(all, also), now)
		var by []string
		for _, inc := range s.Disruptions[0].DeclaredBy {
			by = append(by, inc.Slug)
		}
		if strings.Join(by, " ") != "api also" {
			t.Errorf("declared by %v, want api and also", by)
		}
		if s.Disruptions[0].ToRestore != 15*time.Minute || s.Disruptions[1].ToRestore != 0 {
			t.Errorf("times to restore %v, %v; want 15m and none while ongoing", s.Disruptions[0].ToRestore, s.Disruptions[1].ToRestore)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
