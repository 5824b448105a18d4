package github

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/treetest"
)

// operations are the collector's calls, each as a function of a client.
func operations(tb testing.TB) map[string]func(*Client) (any, error) {
	start, end := month(tb, "2026-10")
	ctx := context.Background()
	return map[string]func(*Client) (any, error){
		"issues": func(c *Client) (any, error) {
			return c.Issues(ctx, config.Repository{Name: fakeRepo, Labels: []string{"bug"}}, start, end)
		},
		"deployments": func(c *Client) (any, error) {
			return c.Releases(ctx, config.Track{ID: "backend", Repository: fakeRepo, Source: config.SourceDeployments, Environment: "production", OutlierFactor: 3}, start, end)
		},
		"workflow runs": func(c *Client) (any, error) {
			return c.Releases(ctx, config.Track{ID: "frontend", Repository: fakeRepo, Source: config.SourceWorkflowRuns, Workflow: "deploy.yml", Branch: "main", OutlierFactor: 3}, start, end)
		},
		"releases": func(c *Client) (any, error) {
			return c.Releases(ctx, config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases, OutlierFactor: 3}, start, end)
		},
		"goals": func(c *Client) (any, error) {
			m, err := c.Goal(ctx, "milestone: acme/app#3")
			if err != nil {
				return nil, err
			}
			i, err := c.Goal(ctx, "issue: acme/app#102")
			return []any{m, i}, err
		},
	}
}

// TestConditionalRequests runs each operation twice with one cache
// directory, as two cron runs would: the second run sends the same requests,
// each with If-None-Match, gets 304 for all of them, spends no rate limit,
// and returns exactly what the first returned.
func TestConditionalRequests(t *testing.T) {
	for name, op := range operations(t) {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			dir := t.TempDir()
			withCache := func(o *Options) { o.CacheDir = dir }

			first, err := op(f.client(t, withCache))
			if err != nil {
				t.Fatal(err)
			}
			run1 := f.requests()
			for _, r := range run1 {
				if r.Status != http.StatusOK || r.IfNoneMatch != "" {
					t.Fatalf("first run: %s answered %d with If-None-Match %q", r.Path, r.Status, r.IfNoneMatch)
				}
			}
			used := map[string]int{"core": f.used["core"], "search": f.used["search"]}

			c2 := f.client(t, withCache)
			second, err := op(c2)
			if err != nil {
				t.Fatal(err)
			}
			run2 := f.requests()[len(run1):]
			if len(run2) != len(run1) {
				t.Fatalf("second run sent %d requests, first %d", len(run2), len(run1))
			}
			for i, r := range run2 {
				if r.Path != run1[i].Path || r.IfNoneMatch == "" || r.Status != http.StatusNotModified {
					t.Errorf("second run: %s answered %d with If-None-Match %q, want a 304 revalidation of %s", r.Path, r.Status, r.IfNoneMatch, run1[i].Path)
				}
			}
			if st := c2.Stats(); st.NotModified != int64(len(run1)) || st.Requests != int64(len(run1)) {
				t.Errorf("stats %+v, want %d requests, all not modified", st, len(run1))
			}
			if f.used["core"] != used["core"] || f.used["search"] != used["search"] {
				t.Errorf("second run used rate limit: %v, then %v", used, f.used)
			}
			if !equalJSON(t, second, first) {
				t.Error("cached run differs from the first")
			}
		})
	}
}

// TestCacheSeesChanges: a changed resource is fetched anew, not served
// stale from the cache.
func TestCacheSeesChanges(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	c := f.client(t, func(o *Options) { o.CacheDir = dir })
	ctx := context.Background()
	g, err := c.Goal(ctx, "milestone: acme/app#3")
	if err != nil || g.Closed != 8 {
		t.Fatalf("goal = %+v, %v", g, err)
	}
	var m map[string]any
	json.Unmarshal(f.milestone, &m)
	m["closed_issues"], m["open_issues"] = 11, 1
	f.mu.Lock()
	f.milestone = mustJSON(m)
	f.mu.Unlock()
	g, err = c.Goal(ctx, "milestone: acme/app#3")
	if err != nil {
		t.Fatal(err)
	}
	if g.Closed != 11 || g.Total != 12 {
		t.Errorf("after a change: closed %d of %d, want 11 of 12", g.Closed, g.Total)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[1].IfNoneMatch == "" || reqs[1].Status != http.StatusOK {
		t.Errorf("want a revalidation answered 200, got %+v", reqs)
	}
}

// TestTokenStaysOutOfTheCache: the token goes to GitHub as the
// Authorization header and nowhere else; another token does not share the
// cached answers; no token sends no Authorization.
func TestTokenStaysOutOfTheCache(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	op := operations(t)["deployments"]
	if _, err := op(f.client(t, func(o *Options) { o.CacheDir = dir })); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests() {
		if r.Auth != "Bearer "+testToken {
			t.Fatalf("%s sent Authorization %q", r.Path, r.Auth)
		}
	}

	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// An RFC 9111 cache keeps the request's value of each Vary header
		// (GitHub varies on Authorization; httpcache stored it as
		// X-Varied-*): the way a token would leak.
		for _, secret := range []string{testToken, "Bearer", "X-Varied-Authorization"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %q", path, secret)
			}
		}
		if info, _ := d.Info(); info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others: %v", path, info.Mode())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); files != n {
		t.Errorf("cache holds %d files for %d answers", files, n)
	}

	seen := len(f.requests())
	if _, err := op(f.client(t, func(o *Options) { o.CacheDir = dir; o.Token = "ghp_another" })); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests()[seen:] {
		if r.IfNoneMatch != "" || r.Auth != "Bearer ghp_another" {
			t.Errorf("another token: %s sent If-None-Match %q, Authorization %q", r.Path, r.IfNoneMatch, r.Auth)
		}
	}

	seen = len(f.requests())
	if _, err := op(f.client(t, func(o *Options) { o.Token = "" })); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests()[seen:] {
		if r.Auth != "" {
			t.Errorf("anonymous client sent Authorization %q", r.Auth)
		}
	}
}

// TestTokenNotSentElsewhere: a request leaving the API host (a redirect to
// a download host, say) carries no token.
func TestTokenNotSentElsewhere(t *testing.T) {
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
	}))
	defer other.Close()
	f := newFake(t)
	f.fail("/milestones/3", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	c := f.client(t, nil)
	c.Goal(context.Background(), "milestone: acme/app#3")
	if len(got) != 1 || got[0] != "" {
		t.Errorf("redirect target saw Authorization %q", got)
	}
}

// TestErrorAnswersNotCached: a 422 whose body echoes the request's
// Authorization header (as a proxy or a debugging endpoint might), sent
// with the ETag and Cache-Control of a cacheable answer, leaves nothing
// under the cache directory that holds the token; the successful answers
// of the next run are still stored and revalidated with If-None-Match.
func TestErrorAnswersNotCached(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	withCache := func(o *Options) { o.CacheDir = dir }
	op := operations(t)["goals"]
	f.fail("/milestones/3", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("ETag", `W/"echo"`)
		w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnprocessableEntity)
		b, _ := json.Marshal(map[string]string{"message": "Validation Failed: you sent " + r.Header.Get("Authorization")})
		w.Write(b)
	})
	if _, err := op(f.client(t, withCache)); err == nil {
		t.Fatal("a 422 answer gave no error")
	}
	if got := f.countStatus(http.StatusUnprocessableEntity); got != 1 {
		t.Fatalf("%d answers 422, want 1", got)
	}
	assertNotInDir(t, dir, testToken)

	if _, err := op(f.client(t, withCache)); err != nil {
		t.Fatal(err)
	}
	seen := len(f.requests())
	if _, err := op(f.client(t, withCache)); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests()[seen:] {
		if r.IfNoneMatch == "" || r.Status != http.StatusNotModified {
			t.Errorf("%s answered %d with If-None-Match %q: a success was not stored", r.Path, r.Status, r.IfNoneMatch)
		}
	}
	assertNotInDir(t, dir, testToken)
}

// assertNotInDir fails when any file under dir contains secret.
func assertNotInDir(tb testing.TB, dir, secret string) {
	tb.Helper()
	for name, b := range treetest.Read(tb, dir) {
		if bytes.Contains(b, []byte(secret)) {
			tb.Errorf("%s in the cache contains the token", name)
		}
	}
}
