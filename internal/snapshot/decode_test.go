package snapshot

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzDecode holds the fast decoder to encoding/json: whatever it accepts,
// the standard decoder accepts too, with the same value and the same rest.
// (What it rejects goes to the standard decoder anyway.)
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("../../data/*.json")
	more, _ := filepath.Glob("../site/testdata/*/data/*.json")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"schema": 1, "month": "2026-10", "availability": [{"component": "a", "ratio": null, "daily": [{"date": "2026-10-01", "ratio": 0.5}]}]}`))
	f.Add([]byte(`{"schema": 1, "month": "2026-10", "Issues": [], "issues": null}`))
	f.Add([]byte(`{"schema": 1, "month": "2026-10"} {}`))
	f.Add([]byte(`{"schema": 1.0, "month": "2026-10", "frozen": 1}`))
	f.Add([]byte("{\"schema\": 1, \"month\": \"2026-10\", \"x\\u0000\": 1}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, fastRest, err := decodeFast(b)
		if err != nil {
			return
		}
		std, stdRest, err := decodeStd("x.json", b)
		if err != nil {
			t.Fatalf("the fast decoder accepts what encoding/json rejects (%v):\n%q", err, b)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("decoders differ on %q:\nfast %+v\n std %+v", b, fast, std)
		}
		if string(fastRest) != string(stdRest) {
			t.Fatalf("decoders stop at different places on %q: %q vs %q", b, fastRest, stdRest)
		}
	})
}

// TestDecodeExamples decodes the example site's months both ways.
func TestDecodeExamples(t *testing.T) {
	paths, _ := filepath.Glob("../../data/*.json")
	if len(paths) == 0 {
		t.Fatal("no example snapshots")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fast, _, err := decodeFast(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		std, _, err := decodeStd(p, b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Errorf("%s: decoders differ", p)
		}
	}
}
