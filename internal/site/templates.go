package site

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/bulletin-dev/bulletin/internal/diag"
)

// layer is one source of theme files; earlier layers override later ones.
type layer struct {
	fsys fs.FS
	// name is how files of this layer are named in messages ("templates",
	// "themes/default (built in)").
	name string
}

// Theme resolves template and static files through the override layers.
type Theme struct {
	templates []layer
	static    []layer
}

// NewTheme builds the layers for theme name of the site in dir: the site's
// templates/ first, then the site's themes/<name>/, then the built-in theme
// of that name from builtin (a filesystem holding <name>/templates and
// <name>/static).
func NewTheme(dir, name string, builtin fs.FS) (*Theme, error) {
	t := &Theme{}
	addDir := func(list *[]layer, p, label string) {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			*list = append(*list, layer{fsys: os.DirFS(p), name: label})
		}
	}
	addDir(&t.templates, filepath.Join(dir, "templates"), "templates")
	addDir(&t.templates, filepath.Join(dir, "themes", name, "templates"), path.Join("themes", name, "templates"))
	addDir(&t.static, filepath.Join(dir, "static"), "static")
	addDir(&t.static, filepath.Join(dir, "themes", name, "static"), path.Join("themes", name, "static"))
	found := len(t.templates) > 1 || dirExists(filepath.Join(dir, "themes", name))
	if builtin != nil {
		if sub, err := fs.Sub(builtin, name); err == nil {
			if _, err := fs.Stat(sub, "templates"); err == nil {
				found = true
				tpl, _ := fs.Sub(sub, "templates")
				t.templates = append(t.templates, layer{fsys: tpl, name: path.Join("themes", name, "templates") + " (built in)"})
				if st, err := fs.Sub(sub, "static"); err == nil {
					t.static = append(t.static, layer{fsys: st, name: path.Join("themes", name, "static") + " (built in)"})
				}
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("theme %q: no themes/%s directory and no built-in theme of that name", name, name)
	}
	return t, nil
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// file is a resolved theme file.
type file struct {
	name  string // path inside the layer, e.g. "partials/nav.html"
	label string // path for messages, e.g. "templates/partials/nav.html"
	data  []byte
}

// files returns the union of files in layers, the first layer winning.
func files(layers []layer) ([]file, error) {
	seen := map[string]bool{}
	var out []file
	for _, l := range layers {
		err := fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || seen[p] || strings.HasPrefix(path.Base(p), ".") || p == "README.md" {
				return nil
			}
			b, err := fs.ReadFile(l.fsys, p)
			if err != nil {
				return err
			}
			seen[p] = true
			out = append(out, file{name: p, label: path.Join(l.name, p), data: b})
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read %s: %w", l.name, err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// Static returns the theme's static files (CSS, images), first layer winning.
func (t *Theme) Static() ([]file, error) { return files(t.static) }

// Templates holds one parsed template set per page kind.
type Templates struct {
	pages map[string]*template.Template
	// labels maps template file names to the paths shown in messages,
	// which say which layer the file came from.
	labels map[string]string
	// buffers are output buffers for reuse (see run).
	buffers sync.Pool
}

// pageKinds are the top-level templates a theme must provide.
var pageKinds = []string{"home", "report", "reports", "404"}

var tmplErrLine = regexp.MustCompile(`^template: ([^:]+):(\d+):(?:\d+:)? ?(.*)$`)

// Parse parses the theme's templates: every file under partials/ plus
// baseof.html is shared, and each other top-level file is a page kind.
func (t *Theme) Parse(funcs template.FuncMap) (*Templates, error) {
	all, err := files(t.templates)
	if err != nil {
		return nil, err
	}
	var shared, pages []file
	for _, f := range all {
		if !strings.HasSuffix(f.name, ".html") {
			continue
		}
		if f.name == "baseof.html" || strings.HasPrefix(f.name, "partials/") {
			shared = append(shared, f)
		} else if !strings.Contains(f.name, "/") {
			pages = append(pages, f)
		}
	}
	var problems diag.List
	base := template.New("").Funcs(funcs)
	for _, f := range shared {
		if _, err := base.New(f.name).Parse(string(f.data)); err != nil {
			problems.Add("", templateError(f, err))
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	out := &Templates{pages: map[string]*template.Template{}, labels: map[string]string{}}
	for _, f := range all {
		out.labels[f.name] = f.label
	}
	for _, f := range pages {
		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.New(f.name).Parse(string(f.data)); err != nil {
			problems.Add("", templateError(f, err))
			continue
		}
		out.pages[strings.TrimSuffix(f.name, ".html")] = set
	}
	for _, k := range pageKinds {
		if _, ok := out.pages[k]; !ok && problems.Len() == 0 {
			problems.Addf("", 0, "theme has no %s.html template", k)
		}
	}
	return out, problems.Err()
}

func templateError(f file, err error) *diag.Error {
	msg := err.Error()
	if g := tmplErrLine.FindStringSubmatch(msg); g != nil {
		line, _ := strconv.Atoi(g[2])
		return diag.Errorf(f.label, line, "%s", g[3])
	}
	return diag.Errorf(f.label, 0, "%s", strings.TrimPrefix(msg, "template: "))
}

// Has reports whether the theme provides page kind.
func (ts *Templates) Has(kind string) bool { _, ok := ts.pages[kind]; return ok }

// Execute renders page kind with data through the "base" template of baseof.html.
func (ts *Templates) Execute(kind string, data any) ([]byte, error) {
	set, ok := ts.pages[kind]
	if !ok {
		return nil, fmt.Errorf("theme has no %s.html template", kind)
	}
	return ts.run(set, "base", kind, data)
}

// ExecuteStandalone renders a page template that does not use baseof.html
// (error pages that must stay self-contained): the file's own content.
func (ts *Templates) ExecuteStandalone(kind string, data any) ([]byte, error) {
	set, ok := ts.pages[kind]
	if !ok {
		return nil, fmt.Errorf("theme has no %s.html template", kind)
	}
	return ts.run(set, kind+".html", kind, data)
}

// ExecuteFragment renders a named template (defined in a partial) on its own.
func (ts *Templates) ExecuteFragment(name string, data any) ([]byte, error) {
	// Every page set shares the partials; use a fixed one for determinism.
	if set, ok := ts.pages["report"]; ok {
		if set.Lookup(name) == nil {
			return nil, fmt.Errorf("theme has no %q template", name)
		}
		return ts.run(set, name, name, data)
	}
	return nil, fmt.Errorf("theme has no templates")
}

// run executes the template name of set into a pooled buffer and returns a
// copy of exactly the output's size: a page grown in a fresh buffer makes
// about twice its size in garbage, thousands of times a build.
func (ts *Templates) run(set *template.Template, name, what string, data any) ([]byte, error) {
	buf, _ := ts.buffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			ts.buffers.Put(buf)
		}
	}()
	if err := set.ExecuteTemplate(buf, name, data); err != nil {
		return nil, ts.execError(what, err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// maxPooledBuffer bounds the buffers kept for reuse, so that one huge page
// does not pin its buffer for the rest of the build.
const maxPooledBuffer = 1 << 20

// execError places an execution error at the template file and line it
// names ("templates/partials/footer.html:2: executing ..."), so the same
// mistake met by every page is reported once, where it can be fixed.
func (ts *Templates) execError(what string, err error) error {
	if g := tmplErrLine.FindStringSubmatch(err.Error()); g != nil {
		if label, ok := ts.labels[g[1]]; ok {
			line, _ := strconv.Atoi(g[2])
			return diag.Errorf(label, line, "%s", g[3])
		}
	}
	return fmt.Errorf("render %s: %w", what, err)
}
