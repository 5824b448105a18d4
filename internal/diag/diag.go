// Package diag carries problems found in a site's input files as
// "path:line: message" diagnostics, so that every stage reports bad input the
// same way and a run can collect all problems instead of stopping at the first.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one problem at a position in an input file. Line is 1-based; zero
// means the problem concerns the file as a whole.
type Error struct {
	Path string
	Line int
	Msg  string
}

// Errorf returns an *Error for path and line with a formatted message.
func Errorf(path string, line int, format string, args ...any) *Error {
	return &Error{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Error formats the problem as "path:line: message".
func (e *Error) Error() string {
	switch {
	case e.Path == "":
		return e.Msg
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
}

// List collects problems. The zero value is ready to use.
type List struct {
	errs []*Error
}

// Add records err. An *Error or a List is kept as is; any other error is
// attributed to path (if not empty) without a line.
func (l *List) Add(path string, err error) {
	if err == nil {
		return
	}
	if ps := Problems(err); ps != nil {
		l.errs = append(l.errs, ps...)
		return
	}
	l.errs = append(l.errs, &Error{Path: path, Msg: err.Error()})
}

// Problems returns the problems err is made of: a *ListError's, or an
// *Error alone; nil when err holds neither.
func Problems(err error) []*Error {
	var le *ListError
	if errors.As(err, &le) {
		return le.Errs
	}
	var de *Error
	if errors.As(err, &de) {
		return []*Error{de}
	}
	return nil
}

// Addf records a formatted problem at path and line.
func (l *List) Addf(path string, line int, format string, args ...any) {
	l.errs = append(l.errs, Errorf(path, line, format, args...))
}

// Len reports how many problems were recorded.
func (l *List) Len() int { return len(l.errs) }

// Err returns nil when no problem was recorded, else a *ListError holding
// every problem sorted by path and line.
func (l *List) Err() error {
	if len(l.errs) == 0 {
		return nil
	}
	errs := append([]*Error(nil), l.errs...)
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Path != errs[j].Path {
			return errs[i].Path < errs[j].Path
		}
		return errs[i].Line < errs[j].Line
	})
	// Drop exact duplicates: the same problem can be found by two passes.
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && *e == *errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return &ListError{Errs: out}
}

// ListError is the error returned by List.Err.
type ListError struct {
	Errs []*Error
}

// Error prints one problem per line.
func (e *ListError) Error() string {
	lines := make([]string, len(e.Errs))
	for i, d := range e.Errs {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}
