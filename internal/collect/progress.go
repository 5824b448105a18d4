package collect

import (
	"fmt"
	"io"
	"sync"
)

// EventKind says which step of a run an Event reports.
type EventKind int

// Event kinds, in the order a source emits them.
const (
	// SourceStart: a source begins; Total is its number of items.
	SourceStart EventKind = iota
	// ItemStart: Item is being fetched; Done items are finished.
	ItemStart
	// ItemDone: Item finished, with Err when it failed.
	ItemDone
	// SourceDone: a source finished; Done items of Total succeeded.
	SourceDone
	// Note: Msg is something the user should know (a partial month).
	Note
)

// Event is one step of a run, for progress display.
type Event struct {
	Kind   EventKind
	Source string
	Item   string
	// Done of Total items of the source are finished.
	Done, Total int
	Err         error
	Msg         string
}

// Printer renders events for people. On a terminal it keeps one line
// updated in place ("github 3/7 issues acme/app") and prints only failures
// and summaries for good; elsewhere (cron, CI logs) it prints one plain
// line per finished item, because carriage returns garble log files.
type Printer struct {
	w        io.Writer
	terminal bool

	mu   sync.Mutex
	open bool // a progress line is on screen and must be cleared first
}

// NewPrinter returns a Printer writing to w; terminal selects the
// in-place display.
func NewPrinter(w io.Writer, terminal bool) *Printer {
	return &Printer{w: w, terminal: terminal}
}

// clearLine erases the in-place progress line: carriage return and the ANSI
// "erase to end of line".
const clearLine = "\r\x1b[K"

// Report prints e. It is safe for concurrent use.
func (p *Printer) Report(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		p.reportTerminal(e)
		return
	}
	switch e.Kind {
	case ItemDone:
		if e.Err != nil {
			fmt.Fprintf(p.w, "%s [%d/%d] %s: failed: %v\n", e.Source, e.Done, e.Total, e.Item, e.Err)
		} else {
			fmt.Fprintf(p.w, "%s [%d/%d] %s: ok\n", e.Source, e.Done, e.Total, e.Item)
		}
	case SourceDone:
		fmt.Fprintln(p.w, summary(e))
	case Note:
		fmt.Fprintln(p.w, e.Msg)
	}
}

func (p *Printer) reportTerminal(e Event) {
	if p.open {
		fmt.Fprint(p.w, clearLine)
		p.open = false
	}
	switch e.Kind {
	case SourceStart:
		fmt.Fprintf(p.w, "%s 0/%d", e.Source, e.Total)
		p.open = true
	case ItemStart:
		fmt.Fprintf(p.w, "%s %d/%d %s", e.Source, e.Done, e.Total, e.Item)
		p.open = true
	case ItemDone:
		if e.Err != nil {
			fmt.Fprintf(p.w, "%s: %s: failed: %v\n", e.Source, e.Item, e.Err)
		}
		fmt.Fprintf(p.w, "%s %d/%d", e.Source, e.Done, e.Total)
		p.open = true
	case SourceDone:
		fmt.Fprintln(p.w, summary(e))
	case Note:
		fmt.Fprintln(p.w, e.Msg)
	}
}

func summary(e Event) string {
	if failed := e.Total - e.Done; failed > 0 {
		return fmt.Sprintf("%s: %d of %d item%s collected, %d failed", e.Source, e.Done, e.Total, plural(e.Total), failed)
	}
	return fmt.Sprintf("%s: %d item%s collected", e.Source, e.Total, plural(e.Total))
}
