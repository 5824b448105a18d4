package chart

import (
	"encoding/xml"
	"math"
	"regexp"
	"strings"
	"testing"
)

// svgOf extracts the <svg> element and checks it is well-formed XML.
func svgOf(tb testing.TB, h string) string {
	tb.Helper()
	m := regexp.MustCompile(`(?s)<svg viewBox.*?</svg>`).FindString(h)
	if m == "" {
		tb.Fatalf("no svg in %s", h)
	}
	d := xml.NewDecoder(strings.NewReader(m))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			tb.Fatalf("svg is not well-formed: %v\n%s", err, m)
		}
	}
	return m
}

func TestBars(t *testing.T) {
	b := Bars{ID: "issues-acme", Title: "Issues <opened>", Desc: "12 months",
		Labels: []string{"Nov", "Dec", "Jan"},
		Series: []Series{{Name: "Opened", Values: []float64{10, math.NaN(), 30}}, {Name: "Closed", Values: []float64{5, 7, 28}}}}
	out := string(b.HTML())
	svg := svgOf(t, out)
	if got := strings.Count(svg, "<rect "); got != 5 {
		t.Errorf("%d bars, want 5 (one value missing)", got)
	}
	for _, want := range []string{`<title id="issues-acme-t">Issues &lt;opened&gt;</title>`, `Jan, Opened: 30`, `<th scope="row">Dec</th><td>–</td><td>7</td>`, `class="legend"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// The tallest bar spans the plot up to the axis maximum (30 -> 30).
	if !strings.Contains(svg, `y="12.0" width=`) {
		t.Errorf("tallest bar should reach the top of the plot:\n%s", svg)
	}
}

// TestBarsMissing: with Missing set, a value that is not there is written
// where its bar would be and in the table, never drawn as zero; without
// it, the chart is as before.
func TestBarsMissing(t *testing.T) {
	b := Bars{ID: "d", Title: "Deployments", Labels: []string{"Sep", "Oct"},
		Series: []Series{{Name: "Deployments", Values: []float64{math.NaN(), 6}}}, Missing: "no data"}
	out := string(b.HTML())
	svg := svgOf(t, out)
	if got := strings.Count(svg, "<rect "); got != 1 {
		t.Errorf("%d bars, want 1", got)
	}
	for _, want := range []string{`class="tick nodata"`, `>no data<title>Sep, Deployments: no data</title></text>`, `<th scope="row">Sep</th><td>no data</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	b.Missing = ""
	if out := string(b.HTML()); strings.Contains(out, "nodata") || !strings.Contains(out, `<th scope="row">Sep</th><td>–</td>`) {
		t.Errorf("without Missing the chart changed:\n%s", out)
	}
}

func TestHBars(t *testing.T) {
	h := HBars{ID: "rel", Title: "Durations", Bars: []HBar{{Label: "v1", Value: 60}, {Label: "v2", Value: 240, Highlight: true}}, Marker: 60, MarkerLabel: "median"}
	out := string(h.HTML())
	svgOf(t, out)
	if !strings.Contains(out, `class="hl"`) || !strings.Contains(out, "240 (outlier)") || !strings.Contains(out, `class="marker"`) {
		t.Errorf("outlier or marker missing:\n%s", out)
	}
}

func TestNiceScale(t *testing.T) {
	for _, tt := range []struct{ max, top, step float64 }{{0, 1, 1}, {3, 3, 1}, {30, 30, 10}, {47, 50, 10}, {120, 150, 50}, {1234, 1500, 500}} {
		top, step := niceScale(tt.max)
		if top != tt.top || step != tt.step {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.max, top, step, tt.top, tt.step)
		}
	}
}

// TestHBarsMarkerLabelled: the median line says what it is in text, is
// drawn under the bars and values (so it never runs through a value's
// text), and each value has a halo.
func TestHBarsMarkerLabelled(t *testing.T) {
	out := string(HBars{ID: "r", Title: "T", Desc: "D", Marker: 60, MarkerLabel: "median 1m",
		Bars: []HBar{{Label: "a", Value: 30}, {Label: "b", Value: 90}}}.HTML())
	label := strings.Index(out, `<text class="tick marker-label" fill="#1d2330" x="`)
	line := strings.Index(out, `<line class="marker"`)
	firstBar := strings.Index(out, `<rect class="s0"`)
	if label < 0 || !strings.Contains(out[label:], `>median 1m</text>`) {
		t.Fatalf("no text label on the marker:\n%s", out)
	}
	if line < 0 || firstBar < 0 || line > firstBar || label > firstBar {
		t.Errorf("the marker is drawn after the bars (line %d, label %d, first bar %d)", line, label, firstBar)
	}
	if n := strings.Count(out, `paint-order="stroke"`); n != 2 {
		t.Errorf("%d values with a halo, want 2", n)
	}
	plain := string(HBars{ID: "r", Bars: []HBar{{Label: "a", Value: 30}}}.HTML())
	if strings.Contains(plain, "marker") || !strings.Contains(plain, `viewBox="0 0 640 38"`) {
		t.Errorf("a chart without a marker changed height or draws one:\n%s", plain)
	}
}
