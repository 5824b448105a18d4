package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// evalAt loads url in a new tab of b, width×height CSS pixels, and returns
// what the script expr evaluates to in it.
func evalAt[T any](tb testing.TB, b *browser, url string, width, height int, expr string) T {
	tb.Helper()
	tab, closeTab := chromedp.NewContext(b.ctx)
	defer closeTab()
	ctx, cancel := context.WithTimeout(tab, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, emulateViewport(width, height), chromedp.Navigate(url)); err != nil {
		tb.Fatalf("%s at %dpx: %v", url, width, err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("%s at %dpx: %v", url, width, err)
	}
	return v
}

// barsShown counts, for the first component, the daily bars that lie
// inside its clip and link to their day on the component's page, and names the legend's visible first-day label.
const barsShown = `(() => {
  const clip = document.querySelector('.bars-clip').getBoundingClientRect();
  let n = 0;
  for (const r of document.querySelectorAll('.component')[0].querySelectorAll('.bars rect')) {
    const b = r.getBoundingClientRect();
    const a = r.closest('a');
    if (b.width > 0 && b.left >= clip.left - 0.5 && b.right <= clip.right + 0.5 && a &&
        /\/status\/components\/[a-z0-9-]+\/#day-\d{4}-\d{2}-\d{2}$/.test(a.getAttribute('href'))) n++;
  }
  const first = [...document.querySelectorAll('.component')[0].querySelectorAll('.bar-legend span')]
    .filter(s => getComputedStyle(s).display !== 'none')[0];
  return {bars: n, first: first.className};
})()`

// TestStatusBarsByWidth checks that the status page shows 90 days on a
// desktop, 60 on a medium screen and 30 on a phone, with the legend naming
// the first day shown, by CSS alone.
func TestStatusBarsByWidth(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv, setDir := serveDir(t)
	setDir(exampleSite(t, srv.URL+"/"))
	for _, tc := range []struct {
		width     int
		bars      int
		firstSpan string
	}{
		{1280, 90, "d90"},
		{700, 60, "d60"},
		{390, 30, "d30"},
	} {
		got := evalAt[struct {
			Bars  int    `json:"bars"`
			First string `json:"first"`
		}](t, b, srv.URL+"/status/", tc.width, 1000, barsShown)
		if got.Bars != tc.bars || got.First != tc.firstSpan {
			t.Errorf("at %dpx: %d bars shown, legend starts with %q; want %d and %q", tc.width, got.Bars, got.First, tc.bars, tc.firstSpan)
		}
	}
}

// tablesOnPhone reports, for a page's figure tables, the values shown
// without their column's name (the header row is hidden on a phone) and
// the daily strips narrower than half the page.
const tablesOnPhone = `(() => {
  const unlabelled = [], narrow = [];
  let cells = 0;
  for (const td of document.querySelectorAll('table.figures td')) {
    if (td.closest('.days-row') || td.offsetParent === null || td.textContent.trim() === '') continue;
    cells++;
    const before = getComputedStyle(td, '::before').content;
    if (!before || before === 'none' || before === 'normal') unlabelled.push(td.closest('tr').querySelector('th').textContent.trim() + ': ' + td.textContent.trim());
  }
  for (const ol of document.querySelectorAll('ol.days')) {
    if (ol.getBoundingClientRect().width < document.documentElement.clientWidth / 2) narrow.push(ol.getAttribute('aria-label'));
  }
  return {cells, unlabelled, narrow};
})()`

// TestReportTablesOnPhone: at 390 px the Issues, Uptime and Delivery rows
// lost their column headers ("orbit-docs/server 50 45 292 55 / 52") and
// the Uptime table's daily strips collapsed to nothing. Each value must
// now carry its column's name and each strip most of the width.
func TestReportTablesOnPhone(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv, setDir := serveDir(t)
	setDir(exampleSite(t, srv.URL+"/"))
	for _, page := range []string{"/reports/2026/10/", "/status/components/web/"} {
		got := evalAt[struct {
			Cells      int      `json:"cells"`
			Unlabelled []string `json:"unlabelled"`
			Narrow     []string `json:"narrow"`
		}](t, b, srv.URL+page, 390, 1000, tablesOnPhone)
		if got.Cells < 10 {
			t.Errorf("%s: only %d table cells found: the scan is broken", page, got.Cells)
		}
		if len(got.Unlabelled) > 0 {
			t.Errorf("%s at 390px: %d values without their column's name, e.g. %q", page, len(got.Unlabelled), got.Unlabelled[:min(3, len(got.Unlabelled))])
		}
		if len(got.Narrow) > 0 {
			t.Errorf("%s at 390px: daily strips narrower than half the page: %q", page, got.Narrow)
		}
	}
}
