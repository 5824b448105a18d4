package config

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/diag"
)

// FuzzParse parses config.toml as every command does. Its seed corpus in
// testdata/fuzz is the example site's config and this package's testdata
// files. It checks: no panic; a refusal is a list of "config.toml:line:
// message" problems at lines the file has (0 for the file as a whole); the
// same bytes parse the same way twice; and an accepted config keeps the
// promises the rest of the build relies on: a loaded time zone and
// unique, well-formed component ids in known groups.
func FuzzParse(f *testing.F) {
	validID := regexp.MustCompile(`^[a-z0-9_-]+$`)
	const path = "config.toml"
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := Parse(path, src, "production")
		again, err2 := Parse(path, src, "production")
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) || (err == nil && !reflect.DeepEqual(c, again)) {
			t.Fatalf("two parses differ: %v / %v", err, err2)
		}
		if err != nil {
			list := diag.Problems(err)
			if len(list) == 0 {
				t.Fatalf("error %T %q is not a path:line problem", err, err)
			}
			lines := bytes.Count(src, []byte("\n")) + 1
			for _, e := range list {
				if e.Path != path || e.Line < 0 || e.Line > lines || e.Msg == "" || !strings.HasPrefix(e.Error(), path+":") {
					t.Errorf("problem %q: want it at %s, line 0..%d", e.Error(), path, lines)
				}
			}
			return
		}
		if c.Location == nil {
			t.Error("accepted without a time zone")
		}
		groups := map[string]bool{}
		for _, g := range c.Groups {
			groups[g.ID] = true
		}
		seen := map[string]bool{}
		for _, comp := range c.Components {
			if !validID.MatchString(comp.ID) || seen[comp.ID] {
				t.Errorf("accepted component id %q (duplicate: %v)", comp.ID, seen[comp.ID])
			}
			seen[comp.ID] = true
			if comp.Group != "" && !groups[comp.Group] {
				t.Errorf("component %s in unknown group %q", comp.ID, comp.Group)
			}
		}
	})
}
