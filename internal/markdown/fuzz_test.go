package markdown

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzRender renders markdown as the site does for reports, incidents and
// maintenance bodies (raw HTML off), with a resolver that knows one
// figure. Its seed corpus in testdata/fuzz is the example site's content
// files. It checks: no panic; problems at lines the source has; valid
// UTF-8 in, valid UTF-8 out; no script element and no javascript: link,
// whatever the source says; and the same source renders the same bytes.
func FuzzRender(f *testing.F) {
	r := New(Options{})
	figures := func(key string) (string, error) {
		if key == "uptime.dns" {
			return "99.95%", nil
		}
		return "", errUnknownFigure
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, problems := r.Render(src, figures)
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, p := range problems {
			if p.Line < 1 || p.Line > lines || p.Msg == "" {
				t.Errorf("problem %q at line %d of %d", p.Msg, p.Line, lines)
			}
		}
		if utf8.Valid(src) && !utf8.Valid(out) {
			t.Errorf("valid UTF-8 renders to invalid UTF-8: %q", out)
		}
		lower := bytes.ToLower(out)
		if bytes.Contains(lower, []byte("<script")) || bytes.Contains(lower, []byte(`href="javascript:`)) {
			t.Errorf("live script in the output: %q", out)
		}
		again, _ := r.Render(src, figures)
		if !bytes.Equal(out, again) {
			t.Error("two renders differ")
		}
	})
}

type fuzzError string

func (e fuzzError) Error() string { return string(e) }

const errUnknownFigure = fuzzError("unknown figure")
