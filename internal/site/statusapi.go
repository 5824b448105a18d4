package site

import (
	"github.com/bulletin-dev/bulletin/internal/status"
	"github.com/bulletin-dev/bulletin/internal/status/api"
)

// renderStatusAPI writes what status and status/api compute from the page
// besides HTML: the Statuspage-compatible JSON documents under
// status/api/v2/ and the SVG badges under status/badges/. Each problem goes
// to add.
func (s *Site) renderStatusAPI(out Output, p *status.Page, add func(error)) {
	docs, err := api.Documents(s.cfg, p)
	add(err)
	for name, b := range docs {
		add(out.WriteFile(s.statusDir()+name, b))
	}
	for name, b := range status.Badges(p) {
		add(out.WriteFile(s.statusDir()+name, b))
	}
}
