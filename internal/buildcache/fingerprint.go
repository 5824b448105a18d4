package buildcache

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/digest"
)

// Inputs are what, besides the markdown, a site's rendered output depends on.
type Inputs struct {
	// Binary identifies the program (renderer, built-in themes); see
	// BinaryID.
	Binary string
	// ConfigFile is the config file's path; its bytes are hashed.
	ConfigFile string
	// Environment is the config environment the build applies.
	Environment string
	// Dirs are the directories of theme files that override the built-in
	// theme: the site's templates/ and themes/<name>/. Every file below
	// them is hashed (paths and bytes); missing directories are fine.
	Dirs []string
}

// Fingerprint hashes the inputs. Any change of the binary, a byte of the
// config file, the environment, or any file (added, removed, edited) in
// the theme directories gives another fingerprint.
func Fingerprint(in Inputs) ([32]byte, error) {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
	}
	field("binary")
	field(in.Binary)
	field("env")
	field(in.Environment)
	cfg, err := os.ReadFile(in.ConfigFile)
	if err != nil {
		return [32]byte{}, fmt.Errorf("fingerprint: %w", err)
	}
	field("config")
	field(string(cfg))
	for _, d := range in.Dirs {
		field("dir")
		field(d)
		if err := hashTree(h, field, d); err != nil {
			return [32]byte{}, fmt.Errorf("fingerprint: %w", err)
		}
	}
	var fp [32]byte
	h.Sum(fp[:0])
	return fp, nil
}

// hashTree hashes the names and contents of the files below dir in a fixed
// order; a missing dir hashes as empty.
func hashTree(h hash.Hash, field func(string), dir string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		field(filepath.ToSlash(rel))
		field(string(b))
	}
	return nil
}

// BinaryID identifies the running program cheaply: its path, size and
// modification time, which change whenever it is rebuilt or replaced, and
// the module version and VCS state it was built from. Hashing the whole
// executable would cost more than a warm build saves on a small site.
func BinaryID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("binary id: %w", err)
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", fmt.Errorf("binary id: %w", err)
	}
	id := fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
	if bi, ok := debug.ReadBuildInfo(); ok {
		id += " " + bi.GoVersion + " " + bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" || s.Key == "-ldflags" {
				id += " " + s.Key + "=" + s.Value
			}
		}
	}
	return id, nil
}

// Dir returns the cache directory of the site in siteDir: .cache/bulletin,
// next to the GitHub collector's .cache/github.
func Dir(siteDir string) string { return filepath.Join(siteDir, ".cache", "bulletin") }

// writeCacheFile replaces a cache file; a cache cut short by a crash fails
// its checksum and reads as empty, so it is not synced.
func writeCacheFile(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o644, atomicfile.Cache)
}

// OutputManifest returns the file in which bulletin build records what it
// left in the output directory out of the site in siteDir (see
// internal/outdir): one per output directory, named by its absolute path.
func OutputManifest(siteDir, out string) string {
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	return filepath.Join(Dir(siteDir), "output-"+digest.Bytes([]byte(out)).String()[:16]+".manifest")
}

// ForSite opens the markdown cache of the site in siteDir built with cfg by
// the running binary. Its fingerprint covers the binary, the config file and
// environment, and the site's templates/, static/ and themes/<theme>/.
func ForSite(siteDir string, cfg *config.Config) (*Cache, error) {
	bin, err := BinaryID()
	if err != nil {
		return nil, err
	}
	fp, err := Fingerprint(Inputs{
		Binary:      bin,
		ConfigFile:  cfg.Path,
		Environment: cfg.Environment,
		Dirs: []string{
			filepath.Join(siteDir, "templates"),
			filepath.Join(siteDir, "static"),
			filepath.Join(siteDir, "themes", cfg.Theme),
		},
	})
	if err != nil {
		return nil, err
	}
	return Open(Dir(siteDir), fp), nil
}
