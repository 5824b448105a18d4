package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Live configures the automatic status checks: `bulletin collect --only
// live` asks Prometheus for each rule's signal at the time of the check and
// writes data/live.json, which the build reads.
type Live struct {
	// StaleAfter is how old data/live.json may be at build time before the
	// status page says the automatic checks are stale (default "15m").
	StaleAfter string `toml:"stale_after"`
	// Heartbeat is how often an unchanged data/live.json is rewritten with
	// a new check time (default "5m"): a check that finds every state as
	// it was changes nothing in between, so the minute cycle publishes
	// nothing. A change of state is always written at once.
	Heartbeat string `toml:"heartbeat"`
	// Rules are the signals, any number per component.
	Rules []LiveRule `toml:"rules"`

	// StaleAfterDuration and HeartbeatDuration are the parsed durations.
	StaleAfterDuration time.Duration `toml:"-"`
	HeartbeatDuration  time.Duration `toml:"-"`
}

// LiveRule is one automatic signal of a component: either the firing
// alerts that Alerts selects, or the value of Query against Thresholds.
type LiveRule struct {
	// Component is the id of the component the signal sets.
	Component string `toml:"component"`
	// Alerts are PromQL label matchers (`alertname="APIDown"`,
	// `component="api", severity=~"page|critical"`) selecting series of
	// ALERTS{alertstate="firing"}; while any fires, the component has
	// Status.
	Alerts string `toml:"alerts"`
	// Status is what a firing alert means: degraded_performance,
	// partial_outage or major_outage (the default).
	Status string `toml:"status"`
	// Query is an instant PromQL query returning one value, such as
	// avg_over_time(probe_success{component="api"}[5m]); the component
	// takes the worst status of the Thresholds the value is below. A query
	// that returns nothing gives no signal.
	Query      string          `toml:"query"`
	Thresholds []LiveThreshold `toml:"thresholds"`
	// Description says what was detected, in words for readers ("API
	// probes failing"); by default the alert names or the query's value.
	Description string `toml:"description"`

	// Matchers are Alerts parsed.
	Matchers []Matcher `toml:"-"`
}

// LiveThreshold maps an SLI value below Below to Status.
type LiveThreshold struct {
	Below  float64 `toml:"below"`
	Status string  `toml:"status"`
}

// Matcher is one PromQL label matcher.
type Matcher struct {
	Name string
	// Op is =, !=, =~ or !~.
	Op    string
	Value string
}

// String renders m in PromQL syntax.
func (m Matcher) String() string { return m.Name + m.Op + strconv.Quote(m.Value) }

// Default durations of [live].
const (
	DefaultLiveStaleAfter = 15 * time.Minute
	DefaultLiveHeartbeat  = 5 * time.Minute
)

// LiveOperational is the status of a component no live rule finds fault
// with.
const LiveOperational = "operational"

// LiveStatuses are the statuses a live rule may set, mildest first.
var LiveStatuses = []string{"degraded_performance", "partial_outage", "major_outage"}

// LiveRules returns the rules of component id, in config order.
func (c *Config) LiveRules(id string) []LiveRule {
	var out []LiveRule
	for _, r := range c.Live.Rules {
		if r.Component == id {
			out = append(out, r)
		}
	}
	return out
}

func (l *Live) defaults() {
	for i := range l.Rules {
		if l.Rules[i].Alerts != "" && l.Rules[i].Status == "" {
			l.Rules[i].Status = "major_outage"
		}
	}
}

func (l *Live) validate(c *Config, p diagAdder) {
	at := func(key string) int { return c.Lines.Line(key) }
	dur := func(key, v string, def time.Duration) time.Duration {
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			p.Addf(c.Path, at(key), "%s: %q is not a positive duration such as \"15m\"", key, v)
			return def
		}
		return d
	}
	l.StaleAfterDuration = dur("live.stale_after", l.StaleAfter, DefaultLiveStaleAfter)
	l.HeartbeatDuration = dur("live.heartbeat", l.Heartbeat, DefaultLiveHeartbeat)
	if l.HeartbeatDuration >= l.StaleAfterDuration {
		p.Addf(c.Path, at("live.heartbeat"), "live.heartbeat (%s) must be shorter than live.stale_after (%s), or a quiet page would read as stale", l.HeartbeatDuration, l.StaleAfterDuration)
	}
	comps := map[string]bool{}
	for _, comp := range c.Components {
		comps[comp.ID] = true
	}
	for i := range l.Rules {
		r := &l.Rules[i]
		key := fmt.Sprintf("live.rules.%d", i)
		switch {
		case r.Component == "":
			p.Addf(c.Path, at(key), "live rule: component is required")
		case !comps[r.Component]:
			p.Addf(c.Path, at(key+".component"), "live rule: unknown component %q (known: %s)", r.Component, strings.Join(c.ComponentIDs(), ", "))
		}
		switch {
		case r.Alerts != "" && r.Query != "":
			p.Addf(c.Path, at(key+".query"), "live rule for %q: set alerts or query, not both (make two rules)", r.Component)
		case r.Alerts == "" && r.Query == "":
			p.Addf(c.Path, at(key), "live rule for %q: needs alerts (label matchers of firing alerts) or query (an SLI with thresholds)", r.Component)
		case r.Alerts != "":
			ms, err := ParseMatchers(r.Alerts)
			if err != nil {
				p.Addf(c.Path, at(key+".alerts"), "live rule for %q: alerts: %v", r.Component, err)
			}
			r.Matchers = ms
			if !validLiveStatus(r.Status) {
				p.Addf(c.Path, at(key+".status"), "live rule for %q: status %q must be one of %s", r.Component, r.Status, strings.Join(LiveStatuses, ", "))
			}
			if len(r.Thresholds) > 0 {
				p.Addf(c.Path, at(key+".thresholds"), "live rule for %q: thresholds apply to query, not to alerts", r.Component)
			}
		default:
			if r.Status != "" {
				p.Addf(c.Path, at(key+".status"), "live rule for %q: a query rule sets its statuses in thresholds, not status", r.Component)
			}
			if len(r.Thresholds) == 0 {
				p.Addf(c.Path, at(key+".query"), "live rule for %q: query needs thresholds, e.g. [{ below = 0.99, status = \"partial_outage\" }]", r.Component)
			}
			if strings.Contains(r.Query, "$__range") {
				p.Addf(c.Path, at(key+".query"), "live rule for %q: query is an instant check; write its window (e.g. [5m]) instead of $__range", r.Component)
			}
			for _, t := range r.Thresholds {
				if !validLiveStatus(t.Status) {
					p.Addf(c.Path, at(key+".thresholds"), "live rule for %q: threshold status %q must be one of %s", r.Component, t.Status, strings.Join(LiveStatuses, ", "))
				}
			}
		}
	}
}

func validLiveStatus(s string) bool {
	for _, v := range LiveStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// diagAdder is the part of diag.List that validation uses.
type diagAdder interface {
	Addf(path string, line int, format string, args ...any)
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// ParseMatchers parses PromQL label matchers as written inside a selector's
// braces, with or without the braces: `alertname="APIDown", severity=~"page|critical"`.
// Values are quoted as in PromQL ("...", '...' or `...`); regular
// expressions must compile (Prometheus uses the same RE2 syntax, anchored).
func ParseMatchers(s string) ([]Matcher, error) {
	in := strings.TrimSpace(s)
	if strings.HasPrefix(in, "{") {
		if !strings.HasSuffix(in, "}") {
			return nil, fmt.Errorf("%q: unclosed {", s)
		}
		in = strings.TrimSpace(in[1 : len(in)-1])
	}
	var out []Matcher
	for in != "" {
		i := 0
		for i < len(in) && (in[i] == '_' || in[i] >= 'a' && in[i] <= 'z' || in[i] >= 'A' && in[i] <= 'Z' || i > 0 && in[i] >= '0' && in[i] <= '9') {
			i++
		}
		name := in[:i]
		if !labelName.MatchString(name) {
			return nil, fmt.Errorf("%q: expected a label name at %q", s, in)
		}
		in = strings.TrimLeft(in[i:], " \t")
		var op string
		for _, o := range []string{"=~", "!~", "!=", "="} {
			if strings.HasPrefix(in, o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, fmt.Errorf("%q: expected =, !=, =~ or !~ after label %s", s, name)
		}
		in = strings.TrimLeft(in[len(op):], " \t")
		value, rest, err := quoted(in)
		if err != nil {
			return nil, fmt.Errorf("%q: value of label %s: %w", s, name, err)
		}
		if op == "=~" || op == "!~" {
			if _, err := regexp.Compile("^(?:" + value + ")$"); err != nil {
				return nil, fmt.Errorf("%q: regular expression of label %s: %w", s, name, err)
			}
		}
		out = append(out, Matcher{Name: name, Op: op, Value: value})
		in = strings.TrimLeft(rest, " \t")
		if in == "" {
			break
		}
		if in[0] != ',' {
			return nil, fmt.Errorf("%q: expected , between matchers at %q", s, in)
		}
		in = strings.TrimLeft(in[1:], " \t")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: no label matchers", s)
	}
	return out, nil
}

// quoted reads a PromQL string literal at the start of s.
func quoted(s string) (value, rest string, err error) {
	if s == "" {
		return "", "", fmt.Errorf("missing quoted value")
	}
	q := s[0]
	if q != '"' && q != '\'' && q != '`' {
		return "", "", fmt.Errorf("expected a quoted value at %q", s)
	}
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q != '`':
			i++
		case s[i] == q:
			lit := s[:i+1]
			if q == '\'' { // strconv knows '…' only for runes
				lit = `"` + strings.ReplaceAll(strings.ReplaceAll(lit[1:i], `\'`, `'`), `"`, `\"`) + `"`
			}
			v, err := strconv.Unquote(lit)
			if err != nil {
				return "", "", fmt.Errorf("bad string %s", s[:i+1])
			}
			return v, s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("unterminated string %s", s)
}
