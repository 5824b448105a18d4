package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// evalAt loads url in a new tab of b, width×height CSS pixels, and returns
// what the script expr evaluates to in it.
func evalAt[T any](tb testing.TB, b *browser, url string, width, height int, expr string) T {
	tb.Helper()
	ctx, cancel := b.newTab()
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

// barsShown counts, for the first component, the daily bars that are shown
// and lie inside the width of their box, and gives the legend's visible first-day label with the
// day of the first bar shown (the start of its tooltip).
const barsShown = `(() => {
  const c = document.querySelectorAll('.component')[0];
  const clip = c.querySelector('.bars').getBoundingClientRect();
  let n = 0, firstBar = '';
  for (const r of c.querySelectorAll('.bars span')) {
    const b = r.getBoundingClientRect();
    if (b.width > 0 && b.left >= clip.left - 0.5 && b.right <= clip.right + 0.5) {
      if (n === 0) firstBar = r.title.split(':')[0];
      n++;
    }
  }
  const first = [...c.querySelectorAll('.bar-legend span')].filter(s => getComputedStyle(s).display !== 'none')[0];
  return {bars: n, first: first.textContent, firstBar, links: c.querySelectorAll('.bars a').length};
})()`

// TestStatusBarsByWidth checks that the status page shows 90 days on a
// desktop, 60 on a medium screen and 30 on a phone, with the legend naming
// the first day shown, by CSS alone; and that a site showing fewer days
// shows all of them where they fit. The stylesheet once assumed more than
// 60 days: with status.days = 45 or 20 the bars overflowed their clip on
// medium screens and phones, and the legend named a day not shown.
func TestStatusBarsByWidth(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv, setDir := serveDir(t)
	for _, days := range []int{90, 45, 20} {
		setDir(exampleSiteWith(t, srv.URL+"/", func(c *config.Config) { c.Status.Days = days }))
		for _, width := range []int{1280, 700, 390} {
			want := days
			switch {
			case width == 700:
				want = min(days, 60)
			case width == 390:
				want = min(days, 30)
			}
			got := evalAt[struct {
				Bars     int    `json:"bars"`
				First    string `json:"first"`
				FirstBar string `json:"firstBar"`
				Links    int    `json:"links"`
			}](t, b, srv.URL+"/status/", width, 1000, barsShown)
			if got.Bars != want || got.First != got.FirstBar {
				t.Errorf("%d days at %dpx: %d bars shown, the legend starts with %q and the first bar is %q; want %d bars", days, width, got.Bars, got.First, got.FirstBar, want)
			}
			if got.Links != 0 {
				t.Errorf("%d days at %dpx: %d bars are links, each far smaller than a 24 px tap target", days, width, got.Links)
			}
		}
	}
}

// smallTargets lists the links, buttons and other controls of a page that
// are smaller than 24×24 CSS px and too close to another target for WCAG
// 2.5.8's spacing exception (a 24 px circle centred on each must not meet
// another target or its circle). Links inside a sentence are exempt, as
// WCAG exempts them: their size is the line's.
const smallTargets = `(() => {
  const sel = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  const all = [...document.querySelectorAll(sel)].map(e => ({e, r: e.getBoundingClientRect()}))
    .filter(t => t.r.width > 0 && t.r.height > 0 && getComputedStyle(t.e).visibility !== 'hidden');
  const inSentence = e => {
    if (getComputedStyle(e).display !== 'inline') return false;
    const block = e.parentElement.closest('p, li, td, dd, figcaption, blockquote');
    if (!block) return false;
    let text = block.textContent;
    for (const a of block.querySelectorAll(sel)) text = text.split(a.textContent).join(' ');
    return /[A-Za-z]{3,}/.test(text);
  };
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const distToRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const small = all.filter(t => (t.r.width < 24 || t.r.height < 24) && !inSentence(t.e));
  const out = [];
  for (const s of small) {
    const c = centre(s.r);
    for (const o of all) {
      if (o.e === s.e || o.e.contains(s.e) || s.e.contains(o.e)) continue;
      const near = distToRect(c, o.r) < 12 || (small.includes(o) && Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < 24);
      if (near) {
        out.push((s.e.textContent.trim() || s.e.getAttribute('aria-label') || s.e.tagName) + ' (' + Math.round(s.r.width) + '×' + Math.round(s.r.height) + ') next to ' + (o.e.textContent.trim() || o.e.tagName).slice(0, 40));
        break;
      }
    }
  }
  return out;
})()`

// TestTapTargetsOnPhone: at 390 px every control of every page type is
// at least 24×24 CSS px or far enough from the others (WCAG 2.5.8). The
// status bars were links of 11×34 px, 12 px apart.
func TestTapTargetsOnPhone(t *testing.T) {
	b, srv := browseExample(t)
	for _, p := range pageTypes {
		got := evalAt[[]string](t, b, srv.URL+"/"+p, 390, 900, smallTargets)
		if len(got) > 0 {
			t.Errorf("/%s at 390px: %d targets too small and too close, e.g. %q", p, len(got), got[:min(5, len(got))])
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
	b, srv := browseExample(t)
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

// chartLabels measures, over a page's charts, the rendered size of each
// label (its font size times the SVG's scale) and finds labels that
// overlap one another.
const chartLabels = `(() => {
  const small = [], overlaps = [];
  let labels = 0;
  for (const svg of document.querySelectorAll('figure.chart svg[viewBox]')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '');
    for (const t of texts) {
      labels++;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11) small.push(t.textContent.trim() + ' ' + px.toFixed(1) + 'px');
    }
    const boxes = texts.map(t => [t.textContent.trim(), t.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, r] = boxes[i], [b, q] = boxes[j];
      if (r.left < q.right - 0.5 && q.left < r.right - 0.5 && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5) overlaps.push(a + ' / ' + b);
    }
  }
  return {labels, small, overlaps};
})()`

// TestChartLabelsOnPhone: the report's charts scaled down with the page,
// so at 390 px their labels were 6 px. Every label must be at least 11 CSS
// px there (the chart scrolls sideways instead) and at 1280 px, and no two
// labels may overlap.
func TestChartLabelsOnPhone(t *testing.T) {
	b, srv := browseExample(t)
	for _, width := range []int{1280, 390} {
		got := evalAt[struct {
			Labels   int      `json:"labels"`
			Small    []string `json:"small"`
			Overlaps []string `json:"overlaps"`
		}](t, b, srv.URL+"/reports/2026/10/", width, 1000, chartLabels)
		if got.Labels < 20 {
			t.Fatalf("at %dpx: only %d chart labels: the scan is broken", width, got.Labels)
		}
		if len(got.Small) > 0 {
			t.Errorf("at %dpx: %d of %d chart labels below 11 px, e.g. %q", width, len(got.Small), got.Labels, got.Small[:min(4, len(got.Small))])
		}
		if len(got.Overlaps) > 0 {
			t.Errorf("at %dpx: overlapping chart labels: %q", width, got.Overlaps)
		}
	}
}

// wideElements names the elements that reach past the right edge of the
// viewport, making the whole page scroll sideways (a chart or a table that
// scrolls in its own box does not count).
const wideElements = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth <= w) return out;
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('.chart-scroll, .table-wrap')) continue;
    const r = e.getBoundingClientRect();
    if (r.right > w + 0.5) out.push(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') + ' ' + Math.round(r.right) + 'px');
  }
  return out.length ? out : ['the page is ' + document.documentElement.scrollWidth + 'px wide'];
})()`

// TestNoSidewaysScrollOnPhone: at 390 px no page is wider than the screen.
func TestNoSidewaysScrollOnPhone(t *testing.T) {
	b, srv := browseExample(t)
	for _, p := range pageTypes {
		if got := evalAt[[]string](t, b, srv.URL+"/"+p, 390, 900, wideElements); len(got) > 0 {
			t.Errorf("/%s at 390px scrolls sideways: %q", p, got[:min(6, len(got))])
		}
	}
}
