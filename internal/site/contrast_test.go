package site

import (
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// TestThemeTextContrast: every colour variable the default theme uses for
// text (a `color:` declaration) reads at WCAG AA, 4.5:1, against the page
// background, or against the background the same rule sets (the status
// page's banner), in the light and the dark scheme. (Badges, timelines and
// status labels once used amber #b7791f on white: 3.64:1.)
func TestThemeTextContrast(t *testing.T) {
	src, schemes := themeSchemes(t)
	type pair struct{ fg, bg string }
	used := map[pair]bool{}
	colour := regexp.MustCompile(`(?:^|[;{\s])color:\s*var\(--([a-z0-9-]+)\)`)
	background := regexp.MustCompile(`(?:^|[;{\s])background:\s*var\(--([a-z0-9-]+)\)`)
	for _, m := range regexp.MustCompile(`\{([^{}]*)\}`).FindAllStringSubmatch(src, -1) {
		bg := "bg"
		if b := background.FindStringSubmatch(m[1]); b != nil {
			bg = b[1]
		}
		for _, c := range colour.FindAllStringSubmatch(m[1], -1) {
			used[pair{c[1], bg}] = true
		}
	}
	if len(used) < 5 {
		t.Fatalf("found only %d text colours in the theme: the scan is broken", len(used))
	}
	for scheme, vars := range schemes {
		for p := range used {
			c, ok := vars[p.fg]
			if !ok {
				t.Errorf("%s: --%s is used for text but not defined", scheme, p.fg)
				continue
			}
			bg, ok := vars[p.bg]
			if !ok {
				t.Errorf("%s: --%s is used as a background but not defined", scheme, p.bg)
				continue
			}
			if r := contrast(c, bg); r < 4.5 {
				t.Errorf("%s: text colour --%s %s on --%s %s has contrast %.2f:1, want at least 4.5:1", scheme, p.fg, c, p.bg, bg, r)
			}
		}
	}
}

// TestThemeLevelColours: each day level and each component status has a
// colour of its own, as on Statuspage (degraded performance and partial
// outage once shared one amber), in both schemes; the bars, the report's
// strips and the legend take the same colour per level; bar colours read at
// 3:1 against the page (WCAG 1.4.11); each status label has a shape of its
// own, so colour is never alone; and each overall state has a banner.
func TestThemeLevelColours(t *testing.T) {
	src, schemes := themeSchemes(t)
	levels := []string{status.LevelOperational, status.LevelMinor, status.LevelMajor, status.LevelCritical, status.LevelMaintenance, status.LevelNoData}
	fills := map[string]string{}
	for _, l := range levels {
		m := regexp.MustCompile(`\.bars \.` + l + `, \.day\.` + l + `, \.key\.` + l + ` \{ fill: var\(--([a-z0-9-]+)\); background: var\(--([a-z0-9-]+)\); \}`).FindStringSubmatch(src)
		if m == nil || m[1] != m[2] {
			t.Errorf("no rule gives bars, strips and legend of level %s one colour", l)
			continue
		}
		fills[l] = m[1]
	}
	statuses := content.ComponentStatuses
	texts := ruleGroups(t, src, statuses, "has no colour of its own", func(st string) string {
		return `\.st-` + st + `[^{]*\{ color: var\(--([a-z0-9-]+)\); \}`
	})
	for scheme, vars := range schemes {
		distinct(t, scheme+": level", fills, vars)
		distinct(t, scheme+": status", texts, vars)
		for l, v := range fills {
			if r := contrast(vars[v], vars["bg"]); r < 3 {
				t.Errorf("%s: level %s --%s %s on %s has contrast %.2f:1, want at least 3:1", scheme, l, v, vars[v], vars["bg"], r)
			}
		}
	}
	shapes := ruleGroups(t, src, statuses, "has no shape", func(st string) string {
		return `\.st-` + st + `::before \{([^}]*)\}`
	})
	seen := map[string]string{}
	for _, st := range slices.Sorted(maps.Keys(shapes)) {
		if other, ok := seen[shapes[st]]; ok {
			t.Errorf("statuses %s and %s have the same shape", other, st)
		}
		seen[shapes[st]] = st
	}
	indicators := []string{status.IndicatorNone, status.IndicatorMinor, status.IndicatorMajor, status.IndicatorCritical, status.IndicatorMaintenance}
	banners := ruleGroups(t, src, indicators, "has no banner", func(ind string) string {
		return `\.ind-` + ind + ` \.overall \{ background: var\(--([a-z0-9-]+)\);`
	})
	for scheme, vars := range schemes {
		distinct(t, scheme+": banner", banners, vars)
	}
}

// ruleGroups returns, for each name, the first group of the pattern made
// for it as found in css; a name without a match is an error: "<name>
// <lacks>".
func ruleGroups(tb testing.TB, css string, names []string, lacks string, pattern func(string) string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, name := range names {
		m := regexp.MustCompile(pattern(name)).FindStringSubmatch(css)
		if m == nil {
			tb.Errorf("%s %s", name, lacks)
			continue
		}
		out[name] = m[1]
	}
	return out
}

// distinct reports the names of uses (name -> colour variable) that share
// a colour.
func distinct(tb testing.TB, what string, uses map[string]string, vars map[string]string) {
	tb.Helper()
	by := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(uses)) {
		c, ok := vars[uses[name]]
		if !ok {
			tb.Errorf("%s %s: --%s is not defined", what, name, uses[name])
			continue
		}
		c = strings.ToLower(c)
		if other, ok := by[c]; ok {
			tb.Errorf("%s %s and %s share the colour %s", what, other, name, c)
		}
		by[c] = name
	}
}

// themeSchemes returns the default theme's stylesheet and its colour
// variables in the light and the dark scheme (dark inherits what it does
// not set).
func themeSchemes(tb testing.TB) (string, map[string]map[string]string) {
	tb.Helper()
	css, err := os.ReadFile("../../themes/default/static/css/style.css")
	if err != nil {
		tb.Fatal(err)
	}
	src := string(css)
	light, dark := src, ""
	if i := strings.Index(src, "@media (prefers-color-scheme: dark)"); i >= 0 {
		light, dark = src[:i], src[i:]
		dark = dark[:strings.Index(dark, "}\n}")+1]
	}
	lightVars, darkVars := cssVars(light), cssVars(dark)
	for name, v := range lightVars {
		if _, ok := darkVars[name]; !ok {
			darkVars[name] = v
		}
	}
	return src, map[string]map[string]string{"light": lightVars, "dark": darkVars}
}

// cssVars returns the custom properties declared in css: "warn" -> "#b7791f".
func cssVars(css string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(css, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(0) + 0.7152*ch(1) + 0.0722*ch(2)
}
