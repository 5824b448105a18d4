package publish

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// WriteMetrics writes the outcome of a successful publish to target as
// Prometheus text-format metrics at path, for node_exporter's textfile
// collector. The file is replaced atomically (written beside it, then
// renamed) and readable by all, as the collector usually runs as another
// user. An alert on time() - bulletin_publish_last_success_timestamp_seconds
// catches a cron job that stopped publishing.
func WriteMetrics(path, target string, sum Summary, at time.Time) error {
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
	if err := prometheus.WriteToTextfile(path, reg); err != nil {
		return fmt.Errorf("write metrics %s: %w", path, err)
	}
	return nil
}
