package desk

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/bulletin-dev/bulletin/internal/content"
)

// newSlug returns "<date>-<title words>" for a new incident or window,
// unused by both kinds (they share /incidents/<slug>/), adding -2, -3, … on
// collision. A given slug must be valid and unused.
func (d *Desk) newSlug(given, title string, at time.Time) (string, error) {
	if given != "" {
		if !content.ValidSlug(given) {
			return "", requestErrorf("--slug %q is not URL-safe: use lowercase letters, digits and -", given)
		}
		if p, ok := d.slugTaken(given); ok {
			return "", requestErrorf("--slug %q is already used by %s", given, p)
		}
		return given, nil
	}
	base := at.In(d.cfg.Location).Format("2006-01-02")
	if w := slugify(title); w != "" {
		base += "-" + w
	}
	slug := base
	for n := 2; ; n++ {
		if _, ok := d.slugTaken(slug); !ok {
			return slug, nil
		}
		slug = fmt.Sprintf("%s-%d", base, n)
	}
}

func (d *Desk) slugTaken(slug string) (string, bool) {
	for _, dir := range []string{d.incidentsDir, d.maintenanceDir} {
		p := filepath.Join(dir, slug+".md")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// letterFolds spells letters that Unicode does not decompose.
func letterFolds() *strings.Replacer {
	return strings.NewReplacer("ß", "ss", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE", "ø", "o", "Ø", "O", "ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "þ", "th")
}

// slugify keeps the letters and digits of s, lowercased and without accents,
// joined by "-", at most 60 characters cut at a word boundary.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(letterFolds().Replace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	out := b.String()
	for len(out) > 60 {
		i := strings.LastIndexByte(out[:60], '-')
		if i <= 0 {
			out = out[:60]
			break
		}
		out = out[:i]
	}
	return out
}
