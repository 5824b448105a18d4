package publish

import (
	"path"
	"strings"
)

// Phase is a step of a publish. Phases run in order and a phase starts only
// when the previous one has fully succeeded, so that a reader never gets a
// page linking to a file that is not uploaded yet, and a failed run leaves
// the entry points (home, status) on the previous, consistent version.
type Phase int

// The phases, in the order they run.
const (
	// PhaseAssets uploads what pages link to: CSS, scripts, images, fonts.
	PhaseAssets Phase = iota
	// PhasePages uploads HTML pages other than the home and status pages.
	PhasePages
	// PhaseHome uploads the home page and the status pages, after the
	// pages they link to.
	PhaseHome
	// PhaseFeeds uploads feeds, sitemaps and API documents last.
	PhaseFeeds
	// PhaseDelete removes what no longer exists locally.
	PhaseDelete
)

var phaseNames = [...]string{"assets", "pages", "home", "feeds", "delete"}

func (p Phase) String() string {
	if p < 0 || int(p) >= len(phaseNames) {
		return "phase?"
	}
	return phaseNames[p]
}

// classify returns the upload phase of key for a site whose status page is
// at statusDir ("status", without slashes; empty for none).
func classify(key, statusDir, contentType string) Phase {
	ext := strings.ToLower(path.Ext(key))
	html := ext == ".html" || ext == ".htm"
	if html && (key == "index.html" || statusDir != "" && strings.HasPrefix(key, statusDir+"/")) {
		return PhaseHome
	}
	if html {
		return PhasePages
	}
	if strings.HasPrefix(key, "api/") {
		return PhaseFeeds
	}
	switch ext {
	case ".xml", ".rss", ".atom", ".json":
		return PhaseFeeds
	case ".map", ".webmanifest":
		return PhaseAssets
	}
	mt, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(mt) {
	case "application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml", "application/json":
		return PhaseFeeds
	}
	return PhaseAssets
}
