package site

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestThemeTextContrast: every colour variable the default theme uses for
// text (a `color:` declaration) reads at WCAG AA, 4.5:1, against the page
// background, in the light and the dark scheme. (Badges, timelines and
// status labels once used amber #b7791f on white: 3.64:1.)
func TestThemeTextContrast(t *testing.T) {
	css, err := os.ReadFile("../../themes/default/static/css/style.css")
	if err != nil {
		t.Fatal(err)
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
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)[;{\s]color:\s*var\(--([a-z0-9-]+)\)`).FindAllStringSubmatch(src, -1) {
		used[m[1]] = true
	}
	if len(used) < 5 {
		t.Fatalf("found only %d text colours in the theme: the scan is broken", len(used))
	}
	for scheme, vars := range map[string]map[string]string{"light": lightVars, "dark": darkVars} {
		bg := vars["bg"]
		for name := range used {
			c, ok := vars[name]
			if !ok {
				t.Errorf("%s: --%s is used for text but not defined", scheme, name)
				continue
			}
			if r := contrast(c, bg); r < 4.5 {
				t.Errorf("%s: text colour --%s %s on %s has contrast %.2f:1, want at least 4.5:1", scheme, name, c, bg, r)
			}
		}
	}
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
