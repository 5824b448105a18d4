package feedtest

import (
	"strings"
	"testing"
)

// TestCheckFindsEachProblem: each rule of the table fires on a document
// that breaks it, so a feed that passes Check passes for a reason.
func TestCheckFindsEachProblem(t *testing.T) {
	want := Want{Self: "https://ops.example.org/feed.xml", Language: "en"}
	for _, tt := range []struct {
		name, doc string
		rules     []string // prefixes of the rules broken
	}{
		{"rss of gorilla/feeds 1.2", `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://ops.example.org/</link><description>d</description>
<item><title>i</title><link>https://ops.example.org/i/</link><description>d</description><author>Drew, Sam</author><guid>tag:x</guid></item></channel></rss>`,
			[]string{"self link", "language", "RSS 2.0", "each author"}},
		{"atom without author or date", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>t</title><id>x</id><updated></updated>
<link href="https://ops.example.org/feed.xml" rel="self"></link><entry><title>i</title><id>tag:x</id><updated>2026-11-03T09:00:00Z</updated></entry></feed>`,
			[]string{"RFC 4287 4.1.1", "RFC 4287 3.3"}},
		{"json feed with its self link and language", `{"version":"https://jsonfeed.org/version/1.1","title":"t","language":"en","feed_url":"https://ops.example.org/feed.xml",
"items":[{"id":"tag:x","authors":[{"name":"Drew"},{"name":"Sam"}]}]}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Check([]byte(tt.doc), want)
			if len(got) != len(tt.rules) {
				t.Fatalf("problems %q, want one each of %q", got, tt.rules)
			}
			for i, r := range tt.rules {
				if !strings.HasPrefix(got[i], r) {
					t.Errorf("problem %d %q, want rule %q", i, got[i], r)
				}
			}
		})
	}
}
