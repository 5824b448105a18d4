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

// newSlug returns "<date>-<title words>" for a new incident, window or
// announcement, unused by all three (one name is one event everywhere:
// links, feeds, the commands), adding -2, -3, … on collision. A given slug must be valid and unused.
func (d *Desk) newSlug(given, title string, at time.Time) (string, error) {
	if given != "" {
		if !content.ValidSlug(given) {
			return "", requestErrorf("--slug %q is not URL-safe: use lowercase letters, digits and -", given)
		}
		if p, ok := d.slugTaken(given); ok {
			return "", refusef("--slug %q is already used by %s", given, p)
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
	for _, dir := range []string{d.incidentsDir, d.maintenanceDir, d.announcementsDir} {
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

// didYouMean returns `; did you mean "x"?` naming the slug of dir closest
// to given, or "" when none is close: at most two edits or a third of its
// letters apart, or containing it whole (the slug without its date).
func didYouMean(dir, given string) string {
	entries, _ := os.ReadDir(dir)
	best, bestDist := "", max(2, len(given)/3)+1
	for _, e := range entries {
		slug, ok := strings.CutSuffix(e.Name(), ".md")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		dist := editDistance(given, slug)
		if len(given) >= 4 && strings.Contains(slug, given) {
			dist = min(dist, 1)
		}
		if dist < bestDist {
			best, bestDist = slug, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the edit distance of two ASCII slugs, counting a swap
// of two neighbouring letters as one edit (optimal string alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
