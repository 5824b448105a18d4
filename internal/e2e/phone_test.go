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
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if width < 500 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height), opts...), chromedp.Navigate(url)); err != nil {
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
