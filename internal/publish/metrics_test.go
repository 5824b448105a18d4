package publish

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// readMetrics parses the metrics file at path.
func readMetrics(tb testing.TB, path string) map[string]*dto.MetricFamily {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
	return families
}

func TestWriteMetrics(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bulletin.prom")
	if err := os.WriteFile(path, []byte("stale content"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 6, 0, 0, 500_000_000, time.UTC)
	sum := Summary{Uploaded: 3, Bytes: 4096, Unchanged: 40, Deleted: 1, Duration: 2500 * time.Millisecond}
	if err := WriteMetrics(path, "production", sum, at, nil); err != nil {
		t.Fatal(err)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 so node_exporter can read it", fi.Mode().Perm())
	}
	families := readMetrics(t, path)
	want := map[string]float64{
		"bulletin_publish_last_success_timestamp_seconds": 1793512800.5,
		"bulletin_publish_objects_uploaded":               3,
		"bulletin_publish_objects_unchanged":              40,
		"bulletin_publish_objects_deleted":                1,
		"bulletin_publish_bytes_uploaded":                 4096,
		"bulletin_publish_duration_seconds":               2.5,
	}
	if len(families) != len(want) {
		t.Errorf("got %d metric families, want %d", len(families), len(want))
	}
	for name, v := range want {
		mf, ok := families[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		if mf.GetHelp() == "" {
			t.Errorf("%s has no help text", name)
		}
		if len(mf.Metric) != 1 {
			t.Fatalf("%s: %d series", name, len(mf.Metric))
		}
		m := mf.Metric[0]
		if got := m.GetGauge().GetValue(); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
		if l := m.GetLabel(); len(l) != 1 || l[0].GetName() != "target" || l[0].GetValue() != "production" {
			t.Errorf("%s labels %v, want target=production", name, l)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the metrics file: %v", entries)
	}
}

func TestWriteMetricsMissingDir(t *testing.T) {
	err := WriteMetrics(filepath.Join(t.TempDir(), "nope", "x.prom"), "t", Summary{}, time.Now(), nil)
	if err == nil {
		t.Fatal("no error for a missing directory")
	}
}

func TestSummaryString(t *testing.T) {
	s := Summary{Uploaded: 12, Bytes: 1536, Unchanged: 300, Deleted: 2, Duration: 1234567 * time.Microsecond}
	if got, want := s.String(), "uploaded 12 (1.5 KiB), unchanged 300, deleted 2, in 1.235s"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 20: "5.0 MiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriteMetricsLive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulletin.prom")
	checked := time.Date(2026, 12, 2, 2, 10, 0, 0, time.UTC)
	last := checked.Add(3 * time.Minute)
	if err := WriteMetrics(path, "production", Summary{}, last, &LiveMetrics{LastCheck: last, CheckedAt: checked, Detected: 2}); err != nil {
		t.Fatal(err)
	}
	families := readMetrics(t, path)
	for name, want := range map[string]float64{
		"bulletin_live_last_check_timestamp_seconds": float64(last.Unix()),
		"bulletin_live_checked_timestamp_seconds":    float64(checked.Unix()),
		"bulletin_live_components_detected":          2,
	} {
		mf, ok := families[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if got := mf.GetMetric()[0].GetGauge().GetValue(); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

// TestWriteMetricsKeepsOtherTargets: a status site and the main site (or
// production and staging) publish to two targets into one metrics file;
// each publish replaces its own target's series and keeps the others', so
// an alert on either target's last success sees both.
func TestWriteMetricsKeepsOtherTargets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulletin.prom")
	at := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	live := &LiveMetrics{LastCheck: at, CheckedAt: at}
	for i, target := range []string{"status", "production", "status"} {
		if err := WriteMetrics(path, target, Summary{Uploaded: i + 1}, at.Add(time.Duration(i)*time.Minute), live); err != nil {
			t.Fatal(err)
		}
	}
	families := readMetrics(t, path)
	got := map[string]float64{}
	for _, m := range families["bulletin_publish_objects_uploaded"].GetMetric() {
		got[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
	}
	if len(got) != 2 || got["status"] != 3 || got["production"] != 2 {
		t.Errorf("objects uploaded by target: %v, want status 3 (its latest publish) and production 2", got)
	}
	if n := len(families["bulletin_live_last_check_timestamp_seconds"].GetMetric()); n != 2 {
		t.Errorf("%d live series, want one per target", n)
	}
}
