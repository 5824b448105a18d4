package httpretry

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{" 0 ", 0, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"Thu, 03 Dec 2026 07:00:30 GMT", 30 * time.Second, true},
		{"Thu, 03 Dec 2026 06:59:00 GMT", 0, true}, // in the past: no wait
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Retry-After", tt.header)
		}
		got, ok := RetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		if got := Backoff(time.Second, attempt); got != want {
			t.Errorf("Backoff(1s, %d) = %v, want %v", attempt, got, want)
		}
	}
	if got := Backoff(time.Second, 50); got != 1024*time.Second {
		t.Errorf("Backoff(1s, 50) = %v, want the 2^10 cap", got)
	}
}

func TestSleepAndBodies(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep on a done context = %v", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	called := false
	body := CancelOnClose(io.NopCloser(strings.NewReader("x")), func() { called = true })
	if called {
		t.Fatal("cancelled before Close")
	}
	body.Close()
	if !called {
		t.Error("Close did not cancel")
	}
	Discard(nil)
	Discard(&http.Response{})
}
