package diag

import (
	"errors"
	"testing"
)

func TestListSortsAndFormats(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list must give nil error")
	}
	l.Addf("b.md", 3, "second %s", "file")
	l.Addf("a.md", 9, "later line")
	l.Addf("a.md", 2, "earlier line")
	l.Add("c.md", errors.New("plain"))
	l.Addf("a.md", 2, "earlier line")
	l.Add("", Errorf("", 0, "no position"))
	want := "no position\na.md:2: earlier line\na.md:9: later line\nb.md:3: second file\nc.md: plain"
	if got := l.Err().Error(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	var nested List
	nested.Add("x", l.Err())
	if nested.Len() != 5 {
		t.Fatalf("nested list flattened to %d entries, want 5", nested.Len())
	}
}
