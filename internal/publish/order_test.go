package publish

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// linkRE finds the links of a page or feed, independently of the HTML
// parser order uses: attributes and RSS <link> elements.
var linkRE = regexp.MustCompile(`(?:href|src)="([^"]*)"|<link>([^<]*)</link>`)

// assertNoBrokenLinks checks that every link of every object in the
// bucket to a file of the site names an object in the bucket.
func (e *env) assertNoBrokenLinks(after string) {
	e.tb.Helper()
	stored := map[string]bool{}
	for _, k := range e.keys() {
		stored[k] = true
	}
	local := e.files()
	p := e.publisher(func(o *Options) { o.BaseURL = "https://ops.example.org/" })
	for _, key := range slices.Sorted(maps.Keys(stored)) {
		if key == ManifestKey || key == LockKey {
			continue
		}
		for _, m := range linkRE.FindAllStringSubmatch(e.read(key), -1) {
			ref := m[1] + m[2]
			cands := p.linkKeys(key, ref)
			known, found := false, false
			for _, k := range cands {
				_, ok := local[k]
				known = known || ok
				found = found || stored[k]
			}
			if known && !found {
				e.tb.Errorf("after %s: %s links to %s, which is not in the bucket", after, key, ref)
			}
		}
	}
}

// TestNoPageLinksToMissingFile publishes a month's change (a new report
// linked by the previous one and by the index, a new incident linked by
// the status page and the feed) and fails each upload in turn: after every
// failure, no object in the bucket may link to one that is missing.
func TestNoPageLinksToMissingFile(t *testing.T) {
	change := map[string]string{
		"reports/2026/11/index.html":       `<!doctype html><title>November</title><link rel="stylesheet" href="/css/style.3f2a9c1b.css"><img src="chart.svg"><a href="../10/">October</a>`,
		"reports/2026/11/chart.svg":        `<svg xmlns="http://www.w3.org/2000/svg"><title>November</title></svg>`,
		"reports/2026/10/index.html":       `<!doctype html><title>October 2026</title><a href="/reports/2026/11/">next</a><a href="https://ops.example.org/reports/2026/09/">previous</a>`,
		"reports/index.html":               `<!doctype html><a href="/reports/2026/11/">November</a><a href="2026/10/">October</a>`,
		"incidents/dns-failing/index.html": `<!doctype html><title>DNS failing</title><a href="/status/">status</a>`,
		"status/index.html":                `<!doctype html><title>Status</title><a href="/incidents/dns-failing/">DNS failing</a><link rel="alternate" href="/status/feed.xml">`,
		"status/feed.xml":                  `<?xml version="1.0"?><rss version="2.0"><channel><item><link>https://ops.example.org/incidents/dns-failing/</link></item></channel></rss>`,
		"index.html":                       `<!doctype html><title>Ops</title><a href="/reports/2026/11/">November</a><a href="reports/">all</a>`,
		"index.xml":                        `<?xml version="1.0"?><rss version="2.0"><channel><item><link>https://ops.example.org/reports/2026/11/</link></item></channel></rss>`,
		"incidents/dns-failing/extra.html": `<!doctype html><a href="index.html">back</a>`,
	}
	setup := func(t *testing.T) *env {
		e := newEnv(t, memBackend(), "")
		e.write("reports/index.html", `<!doctype html><a href="2026/10/">October</a>`)
		e.write("status/feed.xml", `<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`)
		if _, err := e.publish(); err != nil {
			t.Fatal(err)
		}
		for k, v := range change {
			e.write(k, v)
		}
		return e
	}
	opts := func(o *Options) { o.BaseURL = "https://ops.example.org/"; o.Workers = 3 }
	plan, err := setup(t).publisher(opts).Plan(context.Background(), setup(t).dir)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, u := range plan.Uploads {
		keys = append(keys, u.Key)
	}
	if len(keys) != len(change) {
		t.Fatalf("plan uploads %v, want the %d changed files", keys, len(change))
	}
	for _, failing := range keys {
		t.Run(failing, func(t *testing.T) {
			e := setup(t)
			e.rec.setHook(func(key string) error {
				if key == failing {
					return fmt.Errorf("%w: %s", errInjected, key)
				}
				return nil
			})
			if _, err := e.publish(opts); err == nil || !strings.Contains(err.Error(), failing) {
				t.Fatalf("err = %v, want the failure of %s", err, failing)
			}
			e.assertNoBrokenLinks("failing " + failing)
			e.rec.setHook(nil)
			if _, err := e.publish(opts); err != nil {
				t.Fatal(err)
			}
			e.assertMirror(e.publisher().rules)
		})
	}
}

// TestSteps orders a graph with a chain, a cycle and a node needing the
// cycle: the cycle's nodes share a step, after what they need.
func TestSteps(t *testing.T) {
	deps := [][]int{
		0: nil,
		1: {0},
		2: {1, 3}, // 2 and 3 need each other
		3: {2},
		4: {3},
		5: {0, 4},
	}
	if got, want := steps(deps), []int{0, 1, 2, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
}
