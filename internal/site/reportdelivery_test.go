package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// TestReportDelivery: a month whose snapshot has delivery keys shows them
// after the release watch, each key with its band in words, the failed
// changes with their reasons, the trends with months without data marked,
// and the definitions; a track without deployments reads "—" and has no
// band. The feeds carry the section like the rest of the report.
func TestReportDelivery(t *testing.T) {
	files := renderSite(t, fixture, "", Options{})
	page := string(files["reports/2026/10/index.html"])
	for _, want := range []string{
		`<h2 id="delivery">Delivery</h2>`,
		`<th scope="row">Deployment frequency</th><td data-label="October 2026">5 deployments (1.1 a week)</td><td data-label="Detail"></td><td data-label="Band">DORA band: High</td>`,
		`<th scope="row">Lead time for changes</th><td data-label="October 2026">1h 30m median</td><td data-label="Detail">p90 2d, over 6 changes</td><td data-label="Band">DORA band: Elite</td>`,
		`<th scope="row">Change failure rate</th><td data-label="October 2026">80.00%</td><td data-label="Detail">4 of 5 deployments</td><td data-label="Band">DORA band: Low</td>`,
		`<th scope="row">Time to restore service</th><td data-label="October 2026">1h 45m</td><td data-label="Detail">2 restores</td><td data-label="Band">DORA band: High</td>`,
		`#411 (e5e5e5e)</a> <time datetime="2026-10-05T12:00:00&#43;02:00">5 Oct 2026, 12:00 CEST</time> · followed by failed deployment #412 (f6f6f6f)`,
		`· rolled back by #414 (e5e5e5e)`,
		`· incident 2026-10-02-api-slow`,
		`<h4 class="chart-title">backend: deployment frequency, last 12 months</h4>`,
		`<th scope="row">Aug</th><td>no data</td></tr><tr><th scope="row">Sep</th><td>2</td></tr><tr><th scope="row">Oct</th><td>5</td>`,
		`>no data<title>Aug, Deployments: no data</title></text>`,
		`(1 rollback not counted)`,
		`Lead time runs from merge to the deployment`,
		`within 1d after it a rollback, a failed deployment or an incident on Public API followed`,
		`2023 Accelerate State of DevOps report`,
		// frontend: no deployments, no changes, no incidents.
		`<th scope="row">Deployment frequency</th><td data-label="October 2026">—</td><td data-label="Detail"></td><td data-label="Band">–</td>`,
		`<th scope="row">Change failure rate</th><td data-label="October 2026">—</td><td data-label="Detail"></td><td data-label="Band">–</td>`,
		`Lead time runs from commit to the deployment`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	rel, del, up := strings.Index(page, `id="releases"`), strings.Index(page, `id="delivery"`), strings.Index(page, `id="uptime"`)
	if !(rel < del && del < up) {
		t.Errorf("delivery at %d, want it between the release watch (%d) and uptime (%d)", del, rel, up)
	}
	if strings.Contains(page, "frontend: deployment frequency") {
		t.Error("a track without data in 12 months has trend charts")
	}
	if strings.Contains(page, "NaN") {
		t.Error("the report shows NaN")
	}
	for _, feed := range []string{"feed.xml", "atom.xml", "feed.json"} {
		if !bytes.Contains(files[feed], []byte("DORA band: Elite")) {
			t.Errorf("%s lacks the delivery section", feed)
		}
	}
}

// TestReportWithoutDeliveryKeepsBytes: the same site with its delivery
// entries removed renders each report byte for byte as with them, less
// the Delivery section: a month without delivery keys reads as it did
// before they existed.
func TestReportWithoutDeliveryKeepsBytes(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "data", "*.json"))
	for _, p := range paths {
		s, err := snapshot.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		s.Delivery = nil
		if err := snapshot.Write(p, s); err != nil {
			t.Fatal(err)
		}
	}
	with := renderSite(t, fixture, "", Options{})
	without := renderSite(t, dir, "", Options{})
	for _, page := range []string{"reports/2026/10/index.html", "reports/2026/09/index.html"} {
		full := string(with[page])
		start := strings.Index(full, "\n<section class=\"delivery-section\"")
		if start < 0 {
			t.Fatalf("%s has no delivery section", page)
		}
		end := start + strings.Index(full[start:], "</section>") + len("</section>")
		want := full[:start] + full[end:]
		// Nothing in its place either: the release watch ends right
		// before the uptime section, as it did before delivery keys.
		if page == "reports/2026/10/index.html" && !strings.Contains(string(without[page]), "</figure>\n</section>\n<section class=\"uptime-section\"") {
			t.Errorf("%s without delivery has something between the release watch and uptime", page)
		}
		if got := string(without[page]); got != want {
			t.Errorf("%s without delivery is not the page less its section:\n%s", page, firstDiff([]byte(want), []byte(got)))
		}
	}
}
