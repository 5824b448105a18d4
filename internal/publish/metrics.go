package publish

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// WriteMetrics writes the outcome of a successful publish to target as
// Prometheus text-format metrics at path, for node_exporter's textfile
// collector. The file is replaced atomically (written beside it, then
// renamed) and readable by all, as the collector usually runs as another
// user. An alert on time() - bulletin_publish_last_success_timestamp_seconds
// catches a cron job that stopped publishing.
//
// live, when not nil, adds the state of the automatic status checks that
// the published site was built from (data/live.json), so that one file
// tells whether the minute cycle still runs: alert on
// time() - bulletin_live_last_check_timestamp_seconds.
func WriteMetrics(path, target string, sum Summary, at time.Time, live *LiveMetrics) error {
	reg := prometheus.NewPedanticRegistry()
	labels := prometheus.Labels{"target": target}
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels})
		g.Set(v)
		reg.MustRegister(g)
	}
	gauge("bulletin_publish_last_success_timestamp_seconds", "Unix time of the last successful publish.", float64(at.UnixNano())/1e9)
	gauge("bulletin_publish_objects_uploaded", "Objects uploaded by the last successful publish.", float64(sum.Uploaded))
	gauge("bulletin_publish_objects_unchanged", "Objects already up to date in the last successful publish.", float64(sum.Unchanged))
	gauge("bulletin_publish_objects_deleted", "Objects deleted by the last successful publish.", float64(sum.Deleted))
	gauge("bulletin_publish_bytes_uploaded", "Bytes uploaded by the last successful publish.", float64(sum.Bytes))
	gauge("bulletin_publish_duration_seconds", "Duration of the last successful publish.", sum.Duration.Seconds())
	if live != nil {
		gauge("bulletin_live_last_check_timestamp_seconds", "Unix time of the last successful live status check (data/live.json).", float64(live.LastCheck.UnixNano())/1e9)
		gauge("bulletin_live_checked_timestamp_seconds", "Unix time of the check the published status page shows.", float64(live.CheckedAt.UnixNano())/1e9)
		gauge("bulletin_live_components_detected", "Components the live checks found not operational.", float64(live.Detected))
	}
	// Several targets publish into one file (a status site and the main
	// site, production and staging): keep the other targets' series.
	mine, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	g := prometheus.Gatherers{reg, otherTargets(path, target, mine)}
	if err := prometheus.WriteToTextfile(path, g); err != nil {
		return fmt.Errorf("write metrics %s: %w", path, err)
	}
	return nil
}

// otherTargets gathers the series of the metrics file at path that belong
// to targets other than target, with the help texts of mine (a file an
// older bulletin wrote may have others). A file that cannot be read or
// parsed gives none: it is replaced.
func otherTargets(path, target string, mine []*dto.MetricFamily) prometheus.Gatherer {
	help := map[string]*dto.MetricFamily{}
	for _, mf := range mine {
		help[mf.GetName()] = mf
	}
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil
		}
		defer f.Close()
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(f)
		if err != nil {
			return nil, nil
		}
		var out []*dto.MetricFamily
		for _, name := range slices.Sorted(maps.Keys(families)) {
			mf := families[name]
			if cur, ok := help[name]; ok {
				if cur.GetType() != mf.GetType() {
					continue
				}
				mf.Help = cur.Help
			}
			if !strings.HasPrefix(name, "bulletin_") {
				continue
			}
			kept := mf.Metric[:0]
			for _, m := range mf.Metric {
				if t := targetOf(m); t != "" && t != target {
					kept = append(kept, m)
				}
			}
			if len(kept) > 0 {
				mf.Metric = kept
				out = append(out, mf)
			}
		}
		return out, nil
	})
}

// targetOf is the target label of a series, "" without one.
func targetOf(m *dto.Metric) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == "target" {
			return l.GetValue()
		}
	}
	return ""
}

// LiveMetrics is the state of the live checks reported with a publish.
type LiveMetrics struct {
	LastCheck, CheckedAt time.Time
	// Detected counts the components found not operational.
	Detected int
}
