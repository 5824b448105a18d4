package status

import (
	"fmt"
	"html"
	"math"
	"regexp"
	"strings"

	"github.com/bulletin-dev/bulletin/internal/content"
)

// Badge colours (shields.io's palette).
const (
	ColorGreen  = "#4c1"
	ColorYellow = "#dfb317"
	ColorOrange = "#fe7d37"
	ColorRed    = "#e05d44"
	ColorBlue   = "#007ec6"
	ColorGrey   = "#9f9f9f"
)

var namedColors = map[string]string{
	"brightgreen": ColorGreen, "green": "#97ca00", "yellow": ColorYellow,
	"orange": ColorOrange, "red": ColorRed, "blue": ColorBlue,
	"grey": ColorGrey, "gray": ColorGrey, "lightgrey": ColorGrey,
}

var hexColor = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// StatusColor returns the badge colour of a component status or an overall
// indicator.
func StatusColor(s string) string {
	switch s {
	case content.Operational, IndicatorNone:
		return ColorGreen
	case content.DegradedPerformance, IndicatorMinor:
		return ColorYellow
	case content.PartialOutage, IndicatorMajor:
		return ColorOrange
	case content.MajorOutage, IndicatorCritical:
		return ColorRed
	case content.UnderMaintenance, IndicatorMaintenance:
		return ColorBlue
	}
	return ColorGrey
}

// Badges returns the page's badges keyed by path relative to the status
// page's directory: "badges/status.svg" (overall) and
// "badges/<component-id>.svg" for each visible component.
func Badges(p *Page) map[string][]byte {
	out := map[string][]byte{
		"badges/status.svg": Badge("status", strings.ToLower(p.Overall.Description), StatusColor(p.Overall.Indicator)),
	}
	for _, c := range p.Components {
		out["badges/"+c.ID+".svg"] = Badge(c.Name, strings.ReplaceAll(c.Status, "_", " "), StatusColor(c.Status))
	}
	return out
}

// Badge renders a flat two-part badge in the style of shields.io: label on
// grey, message on color (a #rgb/#rrggbb colour or a shields.io name; any
// other value is grey, so a badge never carries arbitrary markup). The SVG
// is self-contained, with a <title> for screen readers and tooltips; text
// widths come from a table of Verdana 11px advances, so the output depends
// only on the arguments.
func Badge(label, message, color string) []byte {
	if c, ok := namedColors[color]; ok {
		color = c
	}
	if !hexColor.MatchString(color) {
		color = ColorGrey
	}
	const pad = 6
	lw := int(math.Round(textWidth(label))) + 2*pad
	mw := int(math.Round(textWidth(message))) + 2*pad
	w := lw + mw
	title := html.EscapeString(label + ": " + message)
	l, m := html.EscapeString(label), html.EscapeString(message)
	// Text is drawn at 10× and scaled down, as shields.io does, so that
	// positions stay integers.
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s">`, w, title)
	fmt.Fprintf(&b, `<title>%s</title>`, title)
	b.WriteString(`<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`)
	fmt.Fprintf(&b, `<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>`, w)
	fmt.Fprintf(&b, `<g clip-path="url(#r)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>`, lw, lw, mw, color, w)
	b.WriteString(`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`)
	for _, part := range []struct {
		x, w int
		s    string
	}{{lw * 5, lw - 2*pad, l}, {lw*10 + mw*5, mw - 2*pad, m}} {
		fmt.Fprintf(&b, `<text aria-hidden="true" x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`, part.x, part.w*10, part.s)
		fmt.Fprintf(&b, `<text x="%d" y="140" transform="scale(.1)" fill="#fff" textLength="%d">%s</text>`, part.x, part.w*10, part.s)
	}
	b.WriteString("</g></svg>\n")
	return []byte(b.String())
}

// verdana holds advance widths of Verdana at 11px for printable ASCII
// (from ' ' to '~'); other characters count as the widest lowercase letter.
var verdana = [95]float64{
	3.87, 4.33, 5.12, 9.01, 7.0, 11.84, 8.01, 3.0, 5.0, 5.0, 7.0, 9.01, 4.0, 5.0, 4.0, 5.0, // ' '..'/'
	7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 5.0, 5.0, 9.01, 9.01, 9.01, 6.0, // '0'..'?'
	11.0, 7.52, 7.54, 7.68, 8.48, 6.95, 6.32, 8.52, 8.27, 4.63, 5.0, 7.62, 6.15, 9.27, 8.23, 8.66, // '@'..'O'
	6.63, 8.66, 7.64, 7.52, 6.78, 8.05, 7.52, 10.87, 7.54, 6.78, 7.54, 5.0, 5.0, 5.0, 9.01, 7.0, // 'P'..'_'
	7.0, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.0, 3.78, 6.51, 3.0, 10.68, 6.96, 6.68, // '`'..'o'
	6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 9.0, 6.51, 6.51, 5.78, 6.98, 5.0, 6.98, 9.01, // 'p'..'~'
}

func textWidth(s string) float64 {
	var w float64
	for _, r := range s {
		if r >= ' ' && r <= '~' {
			w += verdana[r-' ']
		} else {
			w += 10.68
		}
	}
	return w
}
