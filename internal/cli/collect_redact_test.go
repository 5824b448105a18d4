package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCollectRedactsPrometheusCredentials: a Prometheus (or the proxy in
// front of it) that echoes the Authorization header in its error answer
// does not make collect print the credential of the site's
// [prometheus] http_config_file, neither for a month nor for a live check;
// the failure is still reported.
func TestCollectRedactsPrometheusCredentials(t *testing.T) {
	const secret = "prom_S3cretTokenNeverPrinted42"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "invalid credentials in header %q\n", r.Header.Get("Authorization"))
	}))
	t.Cleanup(echo.Close)
	tests := []struct {
		name, httpConfig string
		files            map[string]string
		leaks            []string // what must not be printed
		args             []string
	}{
		{name: "inline bearer token", httpConfig: "authorization:\n  credentials: " + secret + "\n",
			leaks: []string{secret}, args: []string{"--only", "prometheus"}},
		{name: "token file", httpConfig: "authorization:\n  credentials_file: token\n", files: map[string]string{"token": secret + "\n"},
			leaks: []string{secret}, args: []string{"--only", "prometheus"}},
		{name: "basic auth", httpConfig: "basic_auth:\n  username: bulletin\n  password: " + secret + "\n",
			// base64("bulletin:" + secret), as the Basic header carries it
			leaks: []string{secret, "YnVsbGV0aW46cHJvbV9TM2NyZXRUb2tlbk5ldmVyUHJpbnRlZDQy"}, args: []string{"--only", "prometheus"}},
		{name: "live check", httpConfig: "authorization:\n  credentials: " + secret + "\n",
			leaks: []string{secret}, args: []string{"--only", "live"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newCollectSite(t, "")
			cfg, err := os.ReadFile(filepath.Join(s.dir, "config.toml"))
			if err != nil {
				t.Fatal(err)
			}
			c := strings.Replace(string(cfg), "[prometheus]\nurl = "+fmt.Sprintf("%q", s.prom.srv.URL),
				"[prometheus]\nurl = "+fmt.Sprintf("%q", echo.URL)+"\nhttp_config_file = \"http.yml\"", 1)
			if c == string(cfg) {
				t.Fatal("the test site's config has no [prometheus] url to replace")
			}
			c += "\n[[live.rules]]\ncomponent = \"api\"\nalerts = 'alertname=\"APIDown\"'\n"
			s.write(t, "config.toml", c)
			s.write(t, "http.yml", tc.httpConfig)
			for name, body := range tc.files {
				s.write(t, name, body)
			}
			if code := s.run(t, false, tc.args...); code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			out := s.stdout.String() + s.stderr.String()
			if !strings.Contains(out, "401") || !strings.Contains(out, "[REDACTED]") {
				t.Errorf("the failure is not reported with the credential redacted:\n%s", out)
			}
			for _, leak := range tc.leaks {
				if strings.Contains(out, leak) {
					t.Errorf("collect printed the credential %q:\n%s", leak, out)
				}
			}
		})
	}
}
