package content

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/markdown"
)

// The fuzz targets below parse a content file as check and build do and,
// when it is accepted, render its markdown as the site does. Their seed
// corpora in testdata/fuzz are the example site's real files. Each checks:
// no panic; a refusal is a list of "path:line: message" problems for the
// file parsed, at a line the file has; the same bytes parse the same way
// twice; and an accepted file's markdown renders without problems other
// than figures, to valid UTF-8 when the file is, with no live script.

// fuzzConfig is the example site's config, which the incident and
// maintenance parsers check components against.
func fuzzConfig(tb testing.TB) *config.Config {
	tb.Helper()
	cfg, err := config.Load(filepath.Join("..", "..", "config.toml"), "production")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// checkRefusal fails unless err is made of problems at path, each at a
// line of src (or of the whole file, line 0).
func checkRefusal(t *testing.T, path string, src []byte, err error) {
	t.Helper()
	list := diag.Problems(err)
	if len(list) == 0 {
		t.Fatalf("error %T %q is not a path:line problem", err, err)
	}
	lines := bytes.Count(src, []byte("\n")) + 1
	for _, e := range list {
		if e.Path != path || e.Line < 0 || e.Line > lines || e.Msg == "" {
			t.Errorf("problem %q: want it at %s, line 0..%d, with a message", e.Error(), path, lines)
		}
		if !strings.HasPrefix(e.Error(), path+":") {
			t.Errorf("problem %q does not start with %s:", e.Error(), path)
		}
	}
}

// parseTwice parses with parse twice and fails unless both agree: the
// same error, or equal values.
func parseTwice[T any](t *testing.T, parse func() (T, error)) (T, error) {
	t.Helper()
	v, err := parse()
	again, err2 := parse()
	if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) || (err == nil && !reflect.DeepEqual(v, again)) {
		t.Fatalf("two parses differ: %v / %v", err, err2)
	}
	return v, err
}

// checkRender renders body as the site does and checks what comes out.
func checkRender(t *testing.T, md *markdown.Renderer, src []byte, body string) {
	t.Helper()
	figures := func(key string) (string, error) { return "99.9%", nil }
	out, problems := md.Render([]byte(body), figures)
	lines := strings.Count(body, "\n") + 1
	for _, p := range problems {
		if p.Line < 1 || p.Line > lines {
			t.Errorf("render problem %q at line %d of a %d-line body", p.Msg, p.Line, lines)
		}
	}
	if utf8.Valid(src) && !utf8.Valid(out) {
		t.Errorf("valid UTF-8 renders to invalid UTF-8: %q", out)
	}
	if bytes.Contains(bytes.ToLower(out), []byte("<script")) {
		t.Errorf("markdown without unsafe HTML rendered a script: %q", out)
	}
}

func FuzzParseReport(f *testing.F) {
	cfg := fuzzConfig(f)
	md := markdown.New(markdown.Options{})
	const path = "content/reports/2026-10.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		r, err := parseTwice(t, func() (*Report, error) { return ParseReport(path, src, cfg.Location) })
		if err != nil {
			checkRefusal(t, path, src, err)
			return
		}
		for _, s := range r.Summary {
			if strings.ContainsAny(s, "\n") {
				t.Errorf("summary bullet %q spans lines", s)
			}
		}
		checkRender(t, md, src, string(r.Body))
	})
}

func FuzzParseIncident(f *testing.F) {
	cfg := fuzzConfig(f)
	md := markdown.New(markdown.Options{})
	const path = "content/incidents/2026-10-14-dns-resolution-failing.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		inc, err := parseTwice(t, func() (*Incident, error) { return ParseIncident(path, src, cfg) })
		if err != nil {
			checkRefusal(t, path, src, err)
			return
		}
		for _, id := range inc.Components {
			if _, ok := cfg.Component(id); !ok {
				t.Errorf("accepted unknown component %q", id)
			}
		}
		if !inc.Resolved.IsZero() && inc.Resolved.Before(inc.Started) {
			t.Errorf("accepted a resolution (%s) before the start (%s)", inc.Resolved, inc.Started)
		}
		checkRender(t, md, src, string(inc.Body))
		for _, u := range inc.Updates {
			checkRender(t, md, src, u.Body)
		}
	})
}

func FuzzParseMaintenance(f *testing.F) {
	cfg := fuzzConfig(f)
	md := markdown.New(markdown.Options{})
	const path = "content/maintenance/2026-09-12-postgresql-16-upgrade.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := parseTwice(t, func() (*Maintenance, error) { return ParseMaintenance(path, src, cfg) })
		if err != nil {
			checkRefusal(t, path, src, err)
			return
		}
		if m.ScheduledUntil.Before(m.ScheduledFor) {
			t.Errorf("accepted a window ending (%s) before it starts (%s)", m.ScheduledUntil, m.ScheduledFor)
		}
		checkRender(t, md, src, string(m.Body))
		for _, u := range m.Updates {
			checkRender(t, md, src, u.Body)
		}
	})
}
