// Package publish syncs a built site directory to object storage through
// gocloud.dev/blob: S3 and S3-compatible stores, Google Cloud Storage, Azure
// Blob Storage, or a local directory.
//
// A publish is incremental (objects carry the MD5 of their content and a
// hash of their headers in metadata, so only changed files are sent; a
// manifest object records what the last run verified, so that objects listed
// as untouched since cost no request of their own, and a local digest cache
// spares reading files that did not change), ordered (assets, then pages,
// each after the new pages it links to, then the home and status pages,
// then feeds and API documents, then deletions of pages before assets; each
// step only after the previous one succeeded), bounded (a cap on deletions guards against wiping a site by
// publishing the wrong directory) and exclusive (a lock object with an
// expiry keeps two publishes off the same target).
//
// Publisher syncs to any Bucket and knows nothing of sites; Site publishes
// one site as its config says: it chooses the target, opens its bucket by
// URL, applies the site's header rules and writes the metrics file.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"

	"github.com/bulletin-dev/bulletin/internal/pathglob"
)

// Bucket is the part of *blob.Bucket a publish uses. Keys are relative to
// the target's prefix. A run lists the bucket once (ListPage), reads the
// lock and the manifest (ReadAll), and reads Attributes only of objects the
// manifest does not vouch for. Errors are gocloud errors: gcerrors.Code
// tells a missing object (NotFound) or a failed conditional write
// (FailedPrecondition) from other failures.
type Bucket interface {
	ListPage(ctx context.Context, pageToken []byte, pageSize int, opts *blob.ListOptions) ([]*blob.ListObject, []byte, error)
	Attributes(ctx context.Context, key string) (*blob.Attributes, error)
	ReadAll(ctx context.Context, key string) ([]byte, error)
	Upload(ctx context.Context, key string, r io.Reader, opts *blob.WriterOptions) error
	Delete(ctx context.Context, key string) error
}

// Defaults for Options fields left at zero, and for the command line.
const (
	DefaultWorkers    = 8
	DefaultMaxDeletes = 256
	DefaultLockTTL    = 15 * time.Minute
)

// Options configure a Publisher. The zero value is usable: default header
// rules for a status page at /status/, 8 workers, no deletions allowed
// (MaxDeletes 0), a 15 minute lock, quiet.
type Options struct {
	// Rules decide each file's headers; nil means DefaultRules(StatusPath).
	Rules *Rules
	// BaseURL is the site's base_url: links to it count as links within
	// the site when ordering uploads (root-relative links are taken
	// relative to its path). Empty: only links without a host do.
	BaseURL string
	// StatusPath is the site path of the status page ("/status/"); its
	// pages are uploaded in the last phase together with the home page.
	StatusPath string
	// Exclude lists glob patterns of paths that are neither uploaded nor
	// deleted, such as files other tools keep in the same bucket.
	Exclude []string
	// Nested lists key prefixes ("staging/") that belong to other targets
	// in the same bucket: their objects are neither uploaded nor deleted.
	Nested []string

	// Workers bounds the uploads (and the remote reads) in flight.
	Workers int
	// MaxDeletes caps the remote objects a run may delete; a run that
	// would delete more fails with a *DeleteCapError before changing
	// anything, unless Force is set.
	MaxDeletes int
	Force      bool

	// LockTTL is how long the lock is valid without renewal; a running
	// publish renews it every third of that. Locks past their expiry are
	// taken over.
	LockTTL time.Duration
	// ForceUnlock takes the lock even when another publish holds it.
	ForceUnlock bool
	// Owner, Host and PID identify this publish in the lock object.
	Owner string
	Host  string
	PID   int

	// Retry bounds the retries of transient storage errors.
	Retry Retry
	// RequestTimeout limits each request to the store (an upload
	// included); 0 means DefaultRequestTimeout. A request that gets no
	// answer in time fails as a transient error.
	RequestTimeout time.Duration

	// DigestCache is the file in which the MD5 of every local file is
	// kept between runs, by the file's size, times and inode, so that
	// files unchanged since the last run are not read again. A missing or
	// unreadable cache is an empty one. Empty: no cache, every file is
	// read.
	DigestCache string
	// NoManifest leaves the target's manifest alone: every object whose
	// size matches has its attributes read, and no manifest is written.
	NoManifest bool

	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Log receives notices (a stale lock taken over) and, with Verbose,
	// one line per uploaded or deleted file. Nil discards them.
	Log     io.Writer
	Verbose bool
}

// Summary counts what a run did.
type Summary struct {
	// Uploaded objects and their Bytes as sent (compressed when gzipped).
	Uploaded int
	Bytes    int64
	// Unchanged files were already in the bucket with the same content
	// and headers.
	Unchanged int
	Deleted   int
	Duration  time.Duration
}

func (s Summary) String() string {
	return fmt.Sprintf("uploaded %d (%s), unchanged %d, deleted %d, in %s",
		s.Uploaded, FormatBytes(s.Bytes), s.Unchanged, s.Deleted, s.Duration.Round(time.Millisecond))
}

// FormatBytes renders n in binary units: "512 B", "1.5 KiB", "3.0 MiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// DeleteCapError reports a run refused because it would delete more
// objects than allowed.
type DeleteCapError struct {
	Deletes, Max int
}

func (e *DeleteCapError) Error() string {
	return fmt.Sprintf("refusing to delete %d objects (more than the cap of %d): check that the right directory is published, then raise --max-deletes or use --force", e.Deletes, e.Max)
}

// ErrEmptySite is returned when the directory to publish holds no file:
// publishing it would delete the whole site.
var ErrEmptySite = errors.New("no files to publish")

// Publisher syncs directories to one bucket.
type Publisher struct {
	bucket  Bucket
	opts    Options
	rules   *Rules
	exclude []*pathglob.Glob
	base    *url.URL
	logMu   sync.Mutex
	// retries counts the retries of the current run, against
	// Retry.Budget.
	retries atomic.Int64
	// bufs holds *[]byte of readBufSize, for reading files.
	bufs sync.Pool
}

// readBufSize is the buffer a file is read through.
const readBufSize = 64 << 10

// New returns a Publisher for bucket. It fails only on a malformed Exclude
// pattern.
func New(bucket Bucket, opts Options) (*Publisher, error) {
	if opts.StatusPath == "" {
		opts.StatusPath = "/status/"
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.LockTTL <= 0 {
		opts.LockTTL = DefaultLockTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.PID == 0 {
		opts.PID = os.Getpid()
	}
	if opts.Host == "" {
		opts.Host, _ = os.Hostname()
	}
	opts.Retry = opts.Retry.withDefaults()
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	p := &Publisher{bucket: timeoutBucket{bucket, opts.RequestTimeout}, opts: opts, rules: opts.Rules}
	p.bufs.New = func() any {
		b := make([]byte, readBufSize)
		return &b
	}
	if p.rules == nil {
		r, err := NewRules(DefaultRules(opts.StatusPath))
		if err != nil {
			return nil, fmt.Errorf("default rules: %w", err)
		}
		p.rules = r
	}
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("base url: %w", err)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		p.base = u
	}
	for _, pat := range opts.Exclude {
		g, err := pathglob.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("exclude: %w", err)
		}
		p.exclude = append(p.exclude, g)
	}
	return p, nil
}

func (p *Publisher) excluded(key string) bool {
	if key == LockKey || key == ManifestKey {
		return true
	}
	for _, prefix := range p.opts.Nested {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	for _, g := range p.exclude {
		if g.Match(key) {
			return true
		}
	}
	return false
}

func (p *Publisher) logf(format string, args ...any) {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	fmt.Fprintf(p.opts.Log, format+"\n", args...)
}

func (p *Publisher) verbosef(format string, args ...any) {
	if p.opts.Verbose {
		p.logf(format, args...)
	}
}
