package collect

import (
	"errors"
	"strings"
	"testing"
)

func TestPrinter(t *testing.T) {
	events := []Event{
		{Kind: Note, Msg: "note: partial"},
		{Kind: SourceStart, Source: "github", Total: 2},
		{Kind: ItemStart, Source: "github", Item: "issues acme/app", Done: 0, Total: 2},
		{Kind: ItemDone, Source: "github", Item: "issues acme/app", Done: 1, Total: 2},
		{Kind: ItemStart, Source: "github", Item: "issues acme/web", Done: 1, Total: 2},
		{Kind: ItemDone, Source: "github", Item: "issues acme/web", Done: 2, Total: 2, Err: errors.New("502 Bad Gateway")},
		{Kind: SourceDone, Source: "github", Done: 1, Total: 2},
		{Kind: SourceStart, Source: "prometheus", Total: 1},
		{Kind: ItemStart, Source: "prometheus", Item: "availability api", Done: 0, Total: 1},
		{Kind: ItemDone, Source: "prometheus", Item: "availability api", Done: 1, Total: 1},
		{Kind: SourceDone, Source: "prometheus", Done: 1, Total: 1},
	}
	tests := []struct {
		name     string
		terminal bool
		want     string
	}{
		{"log", false, "note: partial\n" +
			"github [1/2] issues acme/app: ok\n" +
			"github [2/2] issues acme/web: failed: 502 Bad Gateway\n" +
			"github: 1 of 2 items collected, 1 failed\n" +
			"prometheus [1/1] availability api: ok\n" +
			"prometheus: 1 item collected\n"},
		{"terminal", true, "note: partial\n" +
			"github 0/2" + clearLine +
			"github 0/2 issues acme/app" + clearLine +
			"github 1/2" + clearLine +
			"github 1/2 issues acme/web" + clearLine +
			"github: issues acme/web: failed: 502 Bad Gateway\n" +
			"github 2/2" + clearLine +
			"github: 1 of 2 items collected, 1 failed\n" +
			"prometheus 0/1" + clearLine +
			"prometheus 0/1 availability api" + clearLine +
			"prometheus 1/1" + clearLine +
			"prometheus: 1 item collected\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			p := NewPrinter(&b, tt.terminal)
			for _, e := range events {
				p.Report(e)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
			if !tt.terminal && strings.ContainsAny(b.String(), "\r\x1b") {
				t.Error("control characters in log output")
			}
		})
	}
}
