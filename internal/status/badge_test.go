package status

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func svgWidth(tb testing.TB, svg []byte) int {
	tb.Helper()
	m := regexp.MustCompile(`^<svg [^>]*width="(\d+)"`).FindSubmatch(svg)
	if m == nil {
		tb.Fatalf("no width in %s", svg)
	}
	w, _ := strconv.Atoi(string(m[1]))
	return w
}

func wellFormed(tb testing.TB, svg []byte) {
	tb.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			tb.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func TestBadgeGolden(t *testing.T) {
	tests := []struct{ name, label, message, color string }{
		{"operational", "status", "all systems operational", ColorGreen},
		{"partial", "DNS", "partial outage", StatusColor("partial_outage")},
		{"escaped", "a<b & \"c\"", "x>y", "red"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Badge(tt.label, tt.message, tt.color)
			wellFormed(t, got)
			golden := filepath.Join("testdata", "badge-"+tt.name+".svg.golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("badge differs from %s:\n%s", golden, got)
			}
		})
	}
}

func TestBadgeProperties(t *testing.T) {
	b := Badge("status", "operational", "#4c1")
	if !bytes.Contains(b, []byte("<title>status: operational</title>")) {
		t.Errorf("no title: %s", b)
	}
	if strings.Count(string(b), "http") != 1 {
		t.Errorf("the only URL is the SVG namespace: %s", b)
	}
	if !bytes.Equal(b, Badge("status", "operational", "#4c1")) {
		t.Error("not deterministic")
	}
	if svgWidth(t, Badge("status", "major outage", "red")) <= svgWidth(t, Badge("status", "minor", "red")) {
		t.Error("a longer message makes a wider badge")
	}
	if svgWidth(t, Badge("WWW", "x", "red")) <= svgWidth(t, Badge("iii", "x", "red")) {
		t.Error("widths follow the glyphs, not the rune count")
	}
	for _, bad := range []string{`red" onload="alert(1)`, "url(#x)", "#12345g", ""} {
		if got := Badge("a", "b", bad); !bytes.Contains(got, []byte(`fill="`+ColorGrey+`"`)) || bytes.Contains(got, []byte("onload")) {
			t.Errorf("colour %q not replaced by grey: %s", bad, got)
		}
	}
}

func TestBadges(t *testing.T) {
	cfg := testCfg(t, 0)
	now := ts(t, "2026-10-14T10:00:00Z")
	p := Compute(cfg, nil, nil, nil, now)
	got := Badges(p)
	if len(got) != 4 { // overall + dns, db, web (batch is hidden)
		t.Fatalf("%d badges", len(got))
	}
	if !bytes.Contains(got["badges/status.svg"], []byte("status: all systems operational")) || !bytes.Contains(got["badges/db.svg"], []byte("Database: operational")) {
		t.Errorf("badge texts: %s", got["badges/db.svg"])
	}
}
