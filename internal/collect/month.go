package collect

import (
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// LastCompleteMonth returns the month ("YYYY-MM") before the one now falls
// in, in loc: at 2026-11-01 00:30 in Berlin (23:30 UTC the day before) it is
// 2026-10, because October has ended there.
func LastCompleteMonth(now time.Time, loc *time.Location) string {
	t := now.In(loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return first.AddDate(0, -1, 0).Format("2006-01")
}

// checkMonth validates month against now and returns its boundaries in
// loc. A month that has not begun is refused: there is nothing to count
// yet. The current month is allowed (figures up to now), and a Prometheus
// or GitHub query for it is simply partial.
func checkMonth(month string, now time.Time, loc *time.Location) (start, end time.Time, err error) {
	if !snapshot.ValidMonth(month) {
		return start, end, requestErrorf("month %q is not of the form YYYY-MM, e.g. 2026-10", month)
	}
	start, end, err = snapshot.MonthRange(month, loc)
	if err != nil {
		return start, end, requestErrorf("%v", err)
	}
	if start.After(now) {
		return start, end, requestErrorf("month %s has not begun yet (it starts %s)", month, start.Format("2006-01-02 15:04 MST"))
	}
	return start, end, nil
}
