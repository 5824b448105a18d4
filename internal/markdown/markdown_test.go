package markdown

import (
	"errors"
	"strings"
	"testing"
)

func resolver(m map[string]string) Resolver {
	return func(key string) (string, error) {
		if v, ok := m[key]; ok {
			return v, nil
		}
		return "", errors.New(`unknown figure "` + key + `"`)
	}
}

func TestRender(t *testing.T) {
	r := New(Options{})
	src := "## Drew's updates\n\nUptime was {{< figure \"uptime.api\" >}} -- \"good\".\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\nSee https://example.org.[^1]\n\n[^1]: A note.\n\n`{{< figure \"uptime.api\" >}}` and {{</* figure \"x\" */>}}\n\n<script>alert(1)</script>\n"
	out, probs := r.Render([]byte(src), resolver(map[string]string{"uptime.api": "99.95%"}))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	for _, want := range []string{
		`<h2 id="drews-updates">Drew&rsquo;s updates</h2>`,
		`<span class="figure" title="uptime.api">99.95%</span> &ndash; &ldquo;good&rdquo;.`,
		`<table>`, `<del>2</del>`,
		`<a href="https://example.org">https://example.org</a>`,
		`class="footnote-ref"`,
		`<code>{{&lt; figure &quot;uptime.api&quot; &gt;}}</code>`,
		`and {{&lt; figure &#34;x&#34; &gt;}}`,
		`<!-- raw HTML omitted -->`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
	unsafe, _ := New(Options{UnsafeHTML: true}).Render([]byte("<b>x</b>\n"), nil)
	if !strings.Contains(string(unsafe), "<b>x</b>") {
		t.Errorf("unsafe HTML dropped: %s", unsafe)
	}
}

func TestRenderProblems(t *testing.T) {
	r := New(Options{})
	src := "Intro\n\n- item {{< figure \"uptime.dns2\" >}}\n- {{< chart \"x\" >}}\n\nText {{< figure >}}\n\nOpen {{< figure \"uptime.dns\"\nand on.\n"
	_, probs := r.Render([]byte(src), resolver(nil))
	want := []Problem{
		{3, `unknown figure "uptime.dns2"`},
		{4, `unknown shortcode "chart" (bulletin knows: figure)`},
		{6, `figure needs a key: {{< figure "uptime.api" >}}`},
		{8, `unclosed shortcode "{{< figure \"uptime.dns\"": end it with >}} on the same line`},
	}
	if len(probs) != len(want) {
		t.Fatalf("got %v, want %v", probs, want)
	}
	for i := range want {
		if probs[i] != want[i] {
			t.Errorf("problem %d = %+v, want %+v", i, probs[i], want[i])
		}
	}
	_, probs = r.Render([]byte("x {{< figure \"a\" >}}\n"), nil)
	if len(probs) != 1 || probs[0].Msg != `figure "a": this page has no month data to cite` {
		t.Errorf("nil resolver: %v", probs)
	}
}

func TestHeadingOffset(t *testing.T) {
	src := []byte("## Summary\n\nText.\n\n### Detail\n\n###### Deepest\n")
	plain, _ := New(Options{}).Render(src, nil)
	nested, _ := New(Options{HeadingOffset: 1}).Render(src, nil)
	for _, want := range []string{`<h2 id="summary">Summary</h2>`, `<h3 id="detail">Detail</h3>`, `<h6 id="deepest">Deepest</h6>`} {
		if !strings.Contains(string(plain), want) {
			t.Errorf("plain render lacks %s:\n%s", want, plain)
		}
	}
	for _, want := range []string{`<h3 id="summary">Summary</h3>`, `<h4 id="detail">Detail</h4>`, `<h6 id="deepest">Deepest</h6>`} {
		if !strings.Contains(string(nested), want) {
			t.Errorf("offset 1 lacks %s:\n%s", want, nested)
		}
	}
}

func TestRootLinks(t *testing.T) {
	src := []byte("See [the incident](/incidents/dns/), [a report](/reports/2026/10/#uptime), " +
		"[elsewhere](https://example.com/x), [relative](../x/), [here](#top), [proto](//cdn.example.com/a.png), " +
		"[by reference][ref] and ![chart](/img/chart.png).\n\n[ref]: /status/history/\n")
	r := New(Options{RootLinks: func(p string) string { return "https://host.example" + p }})
	got, problems := r.Render(src, nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, want := range []string{
		`href="https://host.example/incidents/dns/"`,
		`href="https://host.example/reports/2026/10/#uptime"`,
		`href="https://example.com/x"`,
		`href="../x/"`,
		`href="#top"`,
		`href="//cdn.example.com/a.png"`,
		`href="https://host.example/status/history/"`,
		`src="https://host.example/img/chart.png"`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("lacks %s:\n%s", want, got)
		}
	}
	plain, _ := New(Options{}).Render(src, nil)
	if !strings.Contains(string(plain), `href="/incidents/dns/"`) {
		t.Errorf("without RootLinks the link changed:\n%s", plain)
	}
}
