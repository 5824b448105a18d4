package prometheus

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"strings"

	promconfig "github.com/prometheus/common/config"
)

// redacted replaces a secret in an answer, as the collect command
// replaces the GitHub token in what it prints.
const redacted = "[REDACTED]"

// maxErrorBody bounds the error answer read to be scrubbed; client_golang
// reads the whole body into its error message.
const maxErrorBody = 1 << 20

// redactTransport removes the HTTP config's secrets from error answers
// before client_golang puts their body into an error message: a server or
// proxy that echoes the request (a 401 saying "invalid token Bearer ...")
// would otherwise have collect print the credential. Successful answers
// are passed on untouched, since a short secret could match their JSON;
// client_golang reports none of their body.
type redactTransport struct {
	secrets func() []string
	next    http.RoundTripper
}

func (t *redactTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 == 2 {
		return resp, err
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	for _, s := range t.secrets() {
		b = bytes.ReplaceAll(b, []byte(s), []byte(redacted))
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, rerr
}

// secretsOf returns a function listing the credentials cfg sends: inline
// secrets, the contents of the files it names (read on each call, since
// Prometheus' client re-reads them on each request), and the Basic
// authorization value of basic_auth. An OAuth2 access token is fetched at
// run time and not among them.
func secretsOf(cfg promconfig.HTTPClientConfig) func() []string {
	return func() []string {
		var out []string
		add := func(s string) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		file := func(path string) string {
			if path == "" {
				return ""
			}
			b, _ := os.ReadFile(path)
			return string(b)
		}
		if a := cfg.Authorization; a != nil {
			add(string(a.Credentials))
			add(file(a.CredentialsFile))
		}
		add(string(cfg.BearerToken))
		add(file(cfg.BearerTokenFile))
		if b := cfg.BasicAuth; b != nil {
			user, pass := b.Username, string(b.Password)
			if b.UsernameFile != "" {
				user = strings.TrimSpace(file(b.UsernameFile))
			}
			if b.PasswordFile != "" {
				pass = strings.TrimSpace(file(b.PasswordFile))
			}
			add(pass)
			if pass != "" {
				add(base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)))
			}
		}
		if o := cfg.OAuth2; o != nil {
			add(string(o.ClientSecret))
			add(file(o.ClientSecretFile))
		}
		if h := cfg.HTTPHeaders; h != nil {
			for _, v := range h.Headers {
				for _, s := range v.Secrets {
					add(string(s))
				}
				for _, f := range v.Files {
					add(file(f))
				}
			}
		}
		return out
	}
}
