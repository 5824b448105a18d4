package site

import (
	"strings"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

// memoKinds are the page kinds worth memoizing: each cheaper to digest
// than to render. The status page, which changes with the clock, is
// rendered every time.
var memoKinds = map[string]bool{"report": true, "home": true, "reports": true, kindIncident: true, kindHistory: true, kindAnnouncement: true, kindAnnouncements: true}

// pager renders pages through the theme into an output, keeping those the
// output can reuse from the previous build.
type pager struct {
	s    *Site
	out  Output
	memo PageMemo // nil when the output keeps nothing
	site *SiteData
	add  func(path string, err error)
}

// page renders the page of kind at urlPath with the data p; pages of
// memoKinds are keyed by a digest of p.
func (pg *pager) page(kind, urlPath string, p *Page) {
	pg.lazy(kind, urlPath, digest.Key{}, func() (*Page, error) { return p, nil })
}

// lazy renders the page of kind at urlPath from the data build makes. With
// a key (see sourceKey), the page is kept from the previous build when it
// was made under the same key, and build is not called at all; without,
// pages of memoKinds are keyed by a digest of their data.
func (pg *pager) lazy(kind, urlPath string, key digest.Key, build func() (*Page, error)) {
	s := pg.s
	name := strings.TrimPrefix(urlPath, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if pg.memo == nil || s.renderID.IsZero() {
		key = digest.Key{}
	}
	if !key.IsZero() && pg.memo.Reuse(name, key) {
		return
	}
	p, err := build()
	if err != nil {
		pg.add("", err)
		return
	}
	p.Site = pg.site
	p.Kind = kind
	p.Path = urlPath
	p.Banner = s.banner(urlPath)
	p.Canonical = s.cfg.AbsURL(urlPath)
	p.LiveReload = s.opts.LiveReload
	if key.IsZero() && pg.memo != nil && memoKinds[kind] && !s.renderID.IsZero() {
		// A page whose data cannot be digested is just rendered.
		if k, err := s.pageKey(kind, p); err == nil {
			if pg.memo.Reuse(name, k) {
				return
			}
			key = k
		}
	}
	b, err := s.tmpl.Execute(kind, p)
	if err != nil {
		pg.add("", err)
		return
	}
	if !key.IsZero() {
		pg.add("", pg.memo.WritePage(name, key, b))
		return
	}
	pg.add("", pg.out.WriteFile(name, b))
}

// pageKey digests a page's data under the render digest.
func (s *Site) pageKey(kind string, p *Page) (digest.Key, error) {
	d, _ := s.hashers.Get().(*digest.Hasher)
	if d == nil {
		d = digest.New()
	}
	defer s.hashers.Put(d)
	d.Reset()
	d.Key(s.renderID)
	d.String(kind)
	if err := d.Value(p); err != nil {
		return digest.Key{}, err
	}
	return d.Sum(), nil
}

// fileMemo is what memoFiles found for a set of files made together.
type fileMemo struct {
	out    Output
	memo   PageMemo
	key    digest.Key
	reused map[string]bool
}

// memoFiles lets files that are made together from data (all of what
// they show) be kept from the previous build when data digests to the key
// recorded then, like pages (see memoKinds). Without a memo, or when data
// cannot be digested, nothing is reused.
func (s *Site) memoFiles(out Output, what string, data any, names ...string) *fileMemo {
	m := &fileMemo{out: out, reused: map[string]bool{}}
	memo, ok := out.(PageMemo)
	if !ok || s.renderID.IsZero() {
		return m
	}
	d := digest.New()
	d.Key(s.renderID)
	d.String(what)
	if d.Value(data) != nil {
		return m
	}
	m.memo, m.key = memo, d.Sum()
	for _, name := range names {
		m.reused[name] = memo.Reuse(name, m.key)
	}
	return m
}

// all reports whether every file was reused.
func (m *fileMemo) all() bool {
	if m.memo == nil {
		return false
	}
	for _, ok := range m.reused {
		if !ok {
			return false
		}
	}
	return true
}

// write writes name unless it was reused.
func (m *fileMemo) write(name string, data []byte) error {
	switch {
	case m.reused[name]:
		return nil
	case m.memo != nil:
		return m.memo.WritePage(name, m.key, data)
	}
	return m.out.WriteFile(name, data)
}

// sourceKey keys a page that shows one content file as the config and
// theme have it (renderID), whatever else the site holds.
func (s *Site) sourceKey(kind, urlPath string, source digest.Key) digest.Key {
	if s.renderID.IsZero() {
		return digest.Key{}
	}
	d := digest.New()
	d.String("page from its source")
	d.Key(s.renderID)
	d.String(kind)
	d.String(urlPath)
	d.Key(source)
	if s.opts.LiveReload {
		d.String("live reload")
	}
	return d.Sum()
}
