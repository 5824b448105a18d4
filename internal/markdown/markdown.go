// Package markdown renders the markdown of reports and incidents to HTML with
// goldmark (GFM tables, strikethrough, autolinks, task lists, footnotes,
// typographer, heading ids), plus bulletin's figure shortcode:
//
//	{{< figure "uptime.api" >}}
//
// cites a figure of the month's snapshot in the narrative. The key syntax is
// defined by snapshot.Lookup. A figure that cannot be resolved is reported
// at its line; `{{</* figure "x" */>}}` writes the shortcode itself, as in Hugo.
package markdown

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a Renderer.
type Options struct {
	// UnsafeHTML passes raw HTML in markdown through; off by default.
	UnsafeHTML bool
	// HeadingOffset moves every heading this many levels down (at most to
	// h6): a document shown under a heading of the page's ("Post-mortem")
	// then nests under it instead of sitting beside it.
	HeadingOffset int
	// RootLinks, when set, rewrites the destination of every link and
	// image given as a root-relative path ("/incidents/dns/"), such as
	// to the absolute URL of a page that lives on another host. Other
	// destinations (absolute, relative, "#fragment", "//host") are kept.
	RootLinks func(path string) string
}

// Resolver returns the formatted text and the machine value of a figure.
type Resolver func(key string) (text string, err error)

// Problem is a figure that could not be resolved, at a 1-based line of the
// rendered source.
type Problem struct {
	Line int
	Msg  string
}

// Renderer converts markdown to HTML. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// New returns a Renderer.
func New(opts Options) *Renderer {
	rendererOpts := []renderer.Option{gmhtml.WithXHTML()}
	if opts.UnsafeHTML {
		rendererOpts = append(rendererOpts, gmhtml.WithUnsafe())
	}
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.Typographer,
			extension.DefinitionList,
			figureExtension{},
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	if opts.HeadingOffset > 0 {
		md.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(headingShift(opts.HeadingOffset), 100)))
	}
	if opts.RootLinks != nil {
		md.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(rootLinks(opts.RootLinks), 100)))
	}
	return &Renderer{md: md}
}

// headingShift moves every heading of a document down by its value.
type headingShift int

func (h headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if hd, ok := n.(*ast.Heading); ok && entering {
			hd.Level = min(hd.Level+int(h), 6)
		}
		return ast.WalkContinue, nil
	})
}

// rootLinks rewrites root-relative link and image destinations.
type rootLinks func(string) string

func (f rootLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	rewrite := func(dest []byte) []byte {
		if len(dest) > 0 && dest[0] == '/' && (len(dest) == 1 || dest[1] != '/') {
			return []byte(f(string(dest)))
		}
		return dest
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			l.Destination = rewrite(l.Destination)
		case *ast.Image:
			l.Destination = rewrite(l.Destination)
		}
		return ast.WalkContinue, nil
	})
}

var resolverKey = parser.NewContextKey()
var problemsKey = parser.NewContextKey()

type problems struct{ list []Problem }

// Render converts src to HTML. figures resolves figure shortcodes; nil means
// the document may not cite figures (each citation is a problem). Problems
// come back with lines relative to src (line 1 is its first line).
func (r *Renderer) Render(src []byte, figures Resolver) ([]byte, []Problem) {
	ctx := parser.NewContext()
	ps := &problems{}
	ctx.Set(resolverKey, figures)
	ctx.Set(problemsKey, ps)
	var buf bufferWriter
	buf.Grow(len(src) * 2)
	if err := r.md.Convert(src, &buf, parser.WithContext(ctx)); err != nil {
		// Goldmark only fails on writer errors; a bytes.Buffer has none.
		ps.list = append(ps.list, Problem{Line: 1, Msg: fmt.Sprintf("render markdown: %v", err)})
	}
	return buf.Bytes(), ps.list
}

// bufferWriter is a bytes.Buffer that goldmark takes for a buffered writer
// (util.BufWriter), so that it renders straight into it instead of through
// a bufio.Writer of its own for every document.
type bufferWriter struct{ bytes.Buffer }

// Buffered reports no bytes pending: they are all in the buffer already.
func (*bufferWriter) Buffered() int { return 0 }

// Flush has nothing to do.
func (*bufferWriter) Flush() error { return nil }

// Figure AST node and kind.
type figureNode struct {
	ast.BaseInline
	Key     string
	Value   string
	Literal string // set for an escaped shortcode
}

var kindFigure = ast.NewNodeKind("BulletinFigure")

func (n *figureNode) Kind() ast.NodeKind { return kindFigure }

func (n *figureNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Key": n.Key}, nil)
}

type figureParser struct{}

func (figureParser) Trigger() []byte { return []byte{'{'} }

// Parse recognises {{< name args >}} and {{</* ... */>}}.
func (figureParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("{{<")) {
		return nil
	}
	ps, _ := pc.Get(problemsKey).(*problems)
	lineNo := 1 + bytes.Count(block.Source()[:seg.Start], []byte("\n"))
	report := func(format string, args ...any) ast.Node {
		if ps != nil {
			ps.list = append(ps.list, Problem{Line: lineNo, Msg: fmt.Sprintf(format, args...)})
		}
		return &figureNode{Value: "?"}
	}
	end := bytes.Index(line, []byte(">}}"))
	if end < 0 {
		// Published as is, it would show the reader markup; a shortcode
		// is one line.
		open := strings.TrimRight(string(line), "\r\n")
		block.Advance(len(open))
		return report("unclosed shortcode %q: end it with >}} on the same line", open)
	}
	inner := strings.TrimSpace(string(line[3:end]))
	block.Advance(end + 3)
	if strings.HasPrefix(inner, "/*") && strings.HasSuffix(inner, "*/") {
		lit := "{{< " + strings.TrimSpace(inner[2:len(inner)-2]) + " >}}"
		return &figureNode{Literal: lit}
	}
	name, arg, _ := strings.Cut(inner, " ")
	if name != "figure" {
		return report("unknown shortcode %q (bulletin knows: figure)", name)
	}
	key := strings.Trim(strings.TrimSpace(arg), `"'`)
	if key == "" {
		return report(`figure needs a key: {{< figure "uptime.api" >}}`)
	}
	resolve, _ := pc.Get(resolverKey).(Resolver)
	if resolve == nil {
		return report("figure %q: this page has no month data to cite", key)
	}
	txt, err := resolve(key)
	if err != nil {
		return report("%v", err)
	}
	return &figureNode{Key: key, Value: txt}
}

type figureRenderer struct{}

func (figureRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		f := n.(*figureNode)
		if f.Literal != "" {
			_, _ = w.WriteString(html.EscapeString(f.Literal))
			return ast.WalkContinue, nil
		}
		fmt.Fprintf(w, `<span class="figure" title="%s">%s</span>`, html.EscapeString(f.Key), html.EscapeString(f.Value))
		return ast.WalkContinue, nil
	})
}

type figureExtension struct{}

func (figureExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(figureParser{}, 50)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(figureRenderer{}, 50)))
}
