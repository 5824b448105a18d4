package site

// BannerView is the banner of a build for an environment other than
// production and development: which site this is, and where the real one
// is.
type BannerView struct {
	// Environment is the environment's name ("staging"); Text what the
	// banner says.
	Environment, Text string
	// URL is the page's counterpart on the production site.
	URL string
}

// banner returns the banner for the page at site path p ("/status/"),
// linking to the same path on production (its home for the 404 page, whose
// path has no counterpart); nil when the build shows none.
func (s *Site) banner(p string) *BannerView {
	if s.cfg.Banner == "" {
		return nil
	}
	if p == "/404.html" {
		p = "/"
	}
	if p == s.cfg.Status.Path+"404.html" {
		p = s.cfg.Status.Path
	}
	return &BannerView{
		Environment: s.cfg.Environment,
		Text:        s.cfg.Banner,
		URL:         s.cfg.ProductionURLOf(s.cfg.AbsURL(p)),
	}
}
