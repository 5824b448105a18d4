// Package chart draws the report charts as inline SVG at build time: no
// JavaScript, no external requests. Colours come from CSS classes (s0, s1,
// hl, ...) so the theme can adapt them to light and dark mode, and every
// chart carries a <title>, a <desc> and a data table for readers who cannot
// see it.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one named row of values; NaN marks a missing value.
type Series struct {
	Name   string
	Values []float64
}

// Bars is a grouped vertical bar chart: one group per label, one bar per series.
type Bars struct {
	// ID makes the chart's element ids unique within the page.
	ID     string
	Title  string
	Desc   string
	Labels []string
	Series []Series
	// Format renders values in the table and tooltips; integers by default.
	Format func(float64) string
	// Missing, when set, is written (upright along the axis, and in the
	// table) where a series has no value for a label, so that a month
	// without data reads as such rather than as a gap or a zero.
	Missing string
}

const (
	width   = 640
	height  = 220
	padL    = 44
	padR    = 8
	padT    = 12
	padB    = 28
	plotW   = width - padL - padR
	plotH   = height - padT - padB
	maxTick = 5
)

func defaultFormat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// HTML renders the chart and its data table.
func (b Bars) HTML() template.HTML {
	format := b.Format
	if format == nil {
		format = defaultFormat
	}
	maxV := 0.0
	for _, s := range b.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > maxV {
				maxV = v
			}
		}
	}
	top, step := niceScale(maxV)
	var sb strings.Builder
	openSVG(&sb, b.ID, b.Title, b.Desc)
	// Grid and y axis labels.
	for v := 0.0; v <= top+step/2; v += step {
		y := padT + plotH - v/top*plotH
		fmt.Fprintf(&sb, `<line class="grid" stroke="`+colorLine+`" x1="%d" x2="%d" y1="%s" y2="%s"/>`, padL, width-padR, f1(y), f1(y))
		fmt.Fprintf(&sb, `<text class="tick" fill="`+colorMuted+`" x="%d" y="%s" text-anchor="end">%s</text>`, padL-6, f1(y+4), html.EscapeString(format(v)))
	}
	n := len(b.Labels)
	if n > 0 && len(b.Series) > 0 {
		groupW := float64(plotW) / float64(n)
		barW := groupW * 0.8 / float64(len(b.Series))
		for i, label := range b.Labels {
			x0 := padL + groupW*float64(i) + groupW*0.1
			for si, s := range b.Series {
				x := x0 + barW*float64(si)
				if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
					if b.Missing != "" {
						cx, cy := f1(x+barW/2+3), f1(padT+plotH-4)
						fmt.Fprintf(&sb, `<text class="tick nodata" fill="`+colorMuted+`" x="%s" y="%s" transform="rotate(-90 %s %s)">%s<title>%s, %s: %s</title></text>`,
							cx, cy, cx, cy, html.EscapeString(b.Missing), html.EscapeString(label), html.EscapeString(s.Name), html.EscapeString(b.Missing))
					}
					continue
				}
				v := s.Values[i]
				h := v / top * plotH
				fmt.Fprintf(&sb, `<rect class="s%d" fill="%s" x="%s" y="%s" width="%s" height="%s"><title>%s, %s: %s</title></rect>`,
					si, seriesColor(si), f1(x), f1(padT+plotH-h), f1(barW-1), f1(h), html.EscapeString(label), html.EscapeString(s.Name), html.EscapeString(format(v)))
			}
			fmt.Fprintf(&sb, `<text class="tick" fill="`+colorMuted+`" x="%s" y="%d" text-anchor="middle">%s</text>`, f1(x0+groupW*0.4), height-10, html.EscapeString(label))
		}
	}
	sb.WriteString(`<line class="axis" stroke="` + colorMuted + `" x1="44" x2="632" y1="192" y2="192"/>`)
	sb.WriteString("</svg></div>")
	legend(&sb, b.Series)
	// Data table fallback.
	sb.WriteString(`<details class="chart-data"><summary>Data table</summary><table><thead><tr><th scope="col"></th>`)
	for _, s := range b.Series {
		fmt.Fprintf(&sb, `<th scope="col">%s</th>`, html.EscapeString(s.Name))
	}
	sb.WriteString("</tr></thead><tbody>")
	for i, label := range b.Labels {
		fmt.Fprintf(&sb, `<tr><th scope="row">%s</th>`, html.EscapeString(label))
		for _, s := range b.Series {
			cell := "–"
			if b.Missing != "" {
				cell = b.Missing
			}
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
				cell = format(s.Values[i])
			}
			fmt.Fprintf(&sb, "<td>%s</td>", html.EscapeString(cell))
		}
		sb.WriteString("</tr>")
	}
	sb.WriteString("</tbody></table></details></figure>")
	return template.HTML(sb.String())
}

// HBar is one horizontal bar.
type HBar struct {
	Label string
	Value float64
	// Highlight marks the bar (e.g. an outlier).
	Highlight bool
}

// HBars is a horizontal bar chart, one bar per item (release durations).
type HBars struct {
	ID     string
	Title  string
	Desc   string
	Bars   []HBar
	Format func(float64) string
	// Marker draws a dashed reference line at this value (e.g. the median); 0 for none.
	Marker      float64
	MarkerLabel string
}

// HTML renders the chart and its data table.
func (h HBars) HTML() template.HTML {
	format := h.Format
	if format == nil {
		format = defaultFormat
	}
	const rowH, labelW, valueW = 18, 150, 70
	// The marker's label gets a line of its own above the bars, so that
	// it says what the dashed line is without a hover.
	top := padT
	if h.Marker > 0 {
		top += 14
	}
	hgt := top + rowH*len(h.Bars) + 8
	maxV := h.Marker
	for _, b := range h.Bars {
		maxV = math.Max(maxV, b.Value)
	}
	if maxV == 0 {
		maxV = 1
	}
	plot := float64(width - labelW - valueW)
	var sb strings.Builder
	openScroll(&sb, h.ID)
	fmt.Fprintf(&sb, `<svg viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, hgt, h.ID, h.ID)
	fmt.Fprintf(&sb, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, h.ID, html.EscapeString(h.Title), h.ID, html.EscapeString(h.Desc))
	if h.Marker > 0 {
		// Drawn first, under the bars and their values: the line never
		// runs through a value's text.
		x := float64(labelW) + h.Marker/maxV*plot
		anchor := "middle"
		if x > float64(width-valueW) {
			anchor = "end"
		}
		fmt.Fprintf(&sb, `<line class="marker" stroke="`+colorFG+`" stroke-dasharray="4 3" x1="%s" x2="%s" y1="%d" y2="%d"><title>%s</title></line>`, f1(x), f1(x), top-4, hgt-4, html.EscapeString(h.MarkerLabel))
		fmt.Fprintf(&sb, `<text class="tick marker-label" fill="`+colorFG+`" x="%s" y="%d" text-anchor="%s">%s</text>`, f1(x), top-7, anchor, html.EscapeString(h.MarkerLabel))
	}
	for i, b := range h.Bars {
		y := top + rowH*i
		w := b.Value / maxV * plot
		class := "s0"
		if b.Highlight {
			class = "hl"
		}
		fmt.Fprintf(&sb, `<text class="tick" fill="`+colorMuted+`" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+12, html.EscapeString(truncate(b.Label, 22)))
		fmt.Fprintf(&sb, `<rect class="%s" fill="%s" x="%d" y="%d" width="%s" height="%d"><title>%s: %s</title></rect>`, class, classColor(class), labelW, y+2, f1(math.Max(w, 1)), rowH-5, html.EscapeString(b.Label), html.EscapeString(format(b.Value)))
		// A halo in the page's colour keeps the value legible where the
		// marker crosses it.
		fmt.Fprintf(&sb, `<text class="tick value" fill="`+colorMuted+`" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke" x="%s" y="%d">%s</text>`, f1(float64(labelW)+w+4), y+12, html.EscapeString(format(b.Value)))
	}
	sb.WriteString("</svg></div>")
	sb.WriteString(`<details class="chart-data"><summary>Data table</summary><table><tbody>`)
	for _, b := range h.Bars {
		mark := ""
		if b.Highlight {
			mark = " (outlier)"
		}
		fmt.Fprintf(&sb, `<tr><th scope="row">%s</th><td>%s%s</td></tr>`, html.EscapeString(b.Label), html.EscapeString(format(b.Value)), mark)
	}
	sb.WriteString("</tbody></table></details></figure>")
	return template.HTML(sb.String())
}

// Colours a chart is drawn in where no stylesheet applies (a feed reader
// shows a report's charts without the site's CSS). They are presentation
// attributes, so the theme's CSS rules, light or dark, override them.
const (
	colorLine  = "#d9dee7"
	colorMuted = "#5b6475"
	colorFG    = "#1d2330"
)

// classColor is the colour of a bar of class s0, s1, s2 (series) or hl
// (highlighted).
func classColor(class string) string {
	switch class {
	case "s1":
		return "#e07b39"
	case "s2":
		return "#6a9f3a"
	case "hl":
		return "#c4302b"
	}
	return "#3b82c4"
}

func seriesColor(i int) string { return classColor("s" + strconv.Itoa(i%3)) }

// openScroll opens a chart's figure and the box its SVG scrolls sideways
// in where the page is narrower than the chart: the SVG scales with the
// page, and on a phone its labels would shrink to 6 px, so the theme gives
// it a minimum width at which they are 11 px. The box is a named region
// that takes focus, so that a keyboard can scroll it.
func openScroll(sb *strings.Builder, id string) {
	fmt.Fprintf(sb, `<figure class="chart"><div class="chart-scroll" tabindex="0" role="region" aria-labelledby="%s-t">`, id)
}

func openSVG(sb *strings.Builder, id, title, desc string) {
	openScroll(sb, id)
	fmt.Fprintf(sb, `<svg viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(sb, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(title), id, html.EscapeString(desc))
}

func legend(sb *strings.Builder, series []Series) {
	if len(series) < 2 {
		return
	}
	// A div, not a figcaption: the figure's data table follows, and a
	// figcaption must be a figure's first or last child.
	sb.WriteString(`<div class="legend">`)
	for i, s := range series {
		fmt.Fprintf(sb, `<span class="key"><svg width="10" height="10" aria-hidden="true"><rect class="s%d" fill="%s" width="10" height="10"/></svg> %s</span>`, i, seriesColor(i), html.EscapeString(s.Name))
	}
	sb.WriteString("</div>")
}

// niceScale returns an axis maximum ≥ maxV and a tick step, both on a 1-2-5 grid.
func niceScale(maxV float64) (top, step float64) {
	if maxV <= 0 {
		return 1, 1
	}
	raw := maxV / maxTick
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * mag
		if step >= raw {
			break
		}
	}
	if step < 1 && maxV >= 1 {
		step = 1
	}
	top = math.Ceil(maxV/step) * step
	return top, step
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
