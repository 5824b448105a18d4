package publish

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// order sets the Step of every upload so that a file goes up only after
// everything it needs: assets first; an HTML page after every new file it
// links to (a new report before the index and the neighbours that link
// it, a new incident before the status page); the home and status pages
// after the other pages; feeds, sitemaps and API documents last. Uploads of
// one step run in parallel, a step only after the previous one succeeded.
//
// Only links to new files (not yet in the bucket) make an order: a changed
// file is there in its previous version while it is sent. Pages that link
// each other's new files (a cycle) go up in one step, after everything else
// they need. A link to a new file of a later phase (a report page's link to
// a status page or feed that did not exist before) is the one exception:
// the phases decide, and that file goes up after the page.
func (p *Publisher) order(uploads []Upload) error {
	byKey := make(map[string]int, len(uploads))
	newPages := false
	for i, u := range uploads {
		byKey[u.Key] = i
		if u.Reason == ReasonNew && u.Phase != PhaseAssets {
			newPages = true
		}
	}
	deps := make([][]int, len(uploads))
	var pages, home []int
	for i, u := range uploads {
		switch u.Phase {
		case PhasePages:
			pages = append(pages, i)
		case PhaseHome:
			home = append(home, i)
		}
	}
	for i, u := range uploads {
		switch u.Phase {
		case PhaseAssets:
			continue
		case PhaseHome:
			deps[i] = append(deps[i], pages...)
		case PhaseFeeds:
			deps[i] = append(append(deps[i], pages...), home...)
		}
		if !newPages || !isHTML(u.Key) {
			continue
		}
		refs, err := pageLinks(u.path)
		if err != nil {
			return &localError{fmt.Errorf("read links of %s: %w", u.Key, err)}
		}
		for _, ref := range refs {
			for _, k := range p.linkKeys(u.Key, ref) {
				// A link to a file of a later phase (a page's link to
				// the status page or a feed) is left to the phases.
				if j, ok := byKey[k]; ok && j != i && uploads[j].Reason == ReasonNew && uploads[j].Phase <= u.Phase {
					deps[i] = append(deps[i], j)
				}
			}
		}
	}
	for i, step := range steps(deps) {
		uploads[i].Step = step
		if uploads[i].Phase != PhaseAssets {
			uploads[i].Step++ // after every asset
		}
	}
	return nil
}

// steps returns for each node of the graph deps (i needs deps[i]) the
// length of the longest chain of needs below it, counting the nodes of a
// cycle as one.
func steps(deps [][]int) []int {
	// Tarjan's algorithm emits each strongly connected component after
	// every component it needs.
	n := len(deps)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var compStep []int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range deps[v] {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		c := len(compStep)
		var members []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			comp[w] = c
			members = append(members, w)
			if w == v {
				break
			}
		}
		step := 0
		for _, m := range members {
			for _, d := range deps[m] {
				if comp[d] != c {
					step = max(step, compStep[comp[d]]+1)
				}
			}
		}
		compStep = append(compStep, step)
	}
	for v := range n {
		if index[v] < 0 {
			visit(v)
		}
	}
	out := make([]int, n)
	for v := range n {
		out[v] = compStep[comp[v]]
	}
	return out
}

func isHTML(key string) bool {
	ext := strings.ToLower(path.Ext(key))
	return ext == ".html" || ext == ".htm"
}

// pageLinks returns the href and src attributes of the HTML file at name.
func pageLinks(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var refs []string
	z := html.NewTokenizer(f)
	for {
		switch z.Next() {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return nil, err
			}
			return refs, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if a := string(k); a == "href" || a == "src" {
					refs = append(refs, string(v))
				}
				if !more {
					break
				}
			}
		}
	}
}

// linkKeys returns the keys that ref, a link in the page at key from,
// may name: none for a link to another site; for a directory, its
// index.html.
func (p *Publisher) linkKeys(from, ref string) []string {
	u, err := url.Parse(ref)
	if err != nil || u.Opaque != "" {
		return nil
	}
	base := p.base
	if u.Scheme != "" || u.Host != "" {
		if base == nil || !strings.EqualFold(u.Host, base.Host) {
			return nil
		}
	}
	var full string
	switch {
	case strings.HasPrefix(u.Path, "/"):
		root := "/"
		if base != nil && base.Path != "" {
			root = base.Path
		}
		if !strings.HasPrefix(u.Path, root) && u.Path+"/" != root {
			return nil
		}
		full = strings.TrimPrefix(u.Path, root)
	case u.Path == "":
		return nil // a fragment or query of the page itself
	default:
		full = path.Dir(from) + "/" + u.Path
	}
	dir := full == "" || strings.HasSuffix(full, "/")
	full = strings.TrimPrefix(path.Clean("/"+full), "/")
	switch {
	case full == "":
		return []string{"index.html"}
	case dir:
		return []string{full + "/index.html"}
	}
	return []string{full, full + "/index.html"}
}
