package feed

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkRender encodes a feed in RSS, Atom and JSON Feed: a report feed
// of 20 items with full HTML, and an incident feed of 2,000 items (the
// status feed of a site with years of incidents) capped at 50.
func BenchmarkRender(b *testing.B) {
	start := time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC)
	body := strings.Repeat("<p>The build fleet recovered after the weekly deploy, and the runbook held up. <a href=\"https://example.org/\">Details</a>.</p>\n", 60)
	for _, tt := range []struct {
		name         string
		items, limit int
		html         string
	}{
		{"reports=20", 20, 20, body},
		{"incidents=2000/limit=50", 2000, 50, "<p>We are investigating reports of errors.</p>"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			f := Feed{Title: "Bench", Description: "Bench feed", Link: "https://status.bench.example/", Limit: tt.limit}
			for i := 0; i < tt.items; i++ {
				at := start.Add(-time.Duration(i) * 9 * time.Hour)
				f.Items = append(f.Items, Item{
					Title: fmt.Sprintf("Item %d", i), Link: fmt.Sprintf("https://status.bench.example/incidents/%d/", i),
					ID: TagURI("status.bench.example", at, fmt.Sprintf("incidents/%d", i)), Published: at, Updated: at.Add(time.Hour),
					Authors: []string{"Drew Okafor"}, Summary: "Summary of the item.", ContentHTML: tt.html,
				})
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := Render(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
