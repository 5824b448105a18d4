package desk

import (
	"sort"
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"DNS resolution failing":    "dns-resolution-failing",
		"  API: 5xx errors (EU) ":   "api-5xx-errors-eu",
		"Überlastung – Straße":      "uberlastung-strasse",
		"日本語":                       "",
		strings.Repeat("word ", 20): strings.TrimSuffix(strings.Repeat("word-", 12), "-"),
	}
	keys := make([]string, 0, len(tests))
	for k := range tests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, in := range keys {
		if got := slugify(in); got != tests[in] {
			t.Errorf("slugify(%q) = %q, want %q", in, got, tests[in])
		}
	}
}
