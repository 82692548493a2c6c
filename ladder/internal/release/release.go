// Package release builds the final rung as a release other people can
// check (make release), and checks one (make verify-release): one image
// index pushed to a registry, an image per platform, and for each an SBOM
// and a provenance attestation that BuildKit made and stored beside it.
// See docs/release.md.
package release

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// DefaultPlatforms are the platforms of make release.
const DefaultPlatforms = "linux/amd64,linux/arm64"

// VersionLabel is the label final.Dockerfile sets from VERSION.
const VersionLabel = "org.opencontainers.image.version"

// versionRE is what a release VERSION may be: a tag (letters, digits, '_',
// '.', '-', at most 128), starting with a letter or digit, and not "dev",
// the default of an unreleased build.
var versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// CheckVersion tells whether v can be a release's version and tag.
func CheckVersion(v string) error {
	switch {
	case v == "" || v == "dev":
		return fmt.Errorf("a release needs a VERSION of its own, not %q: make release VERSION=v1.0.0", v)
	case !versionRE.MatchString(v):
		return fmt.Errorf("invalid VERSION %q: use letters, digits, '_', '.' and '-', starting with a letter or digit (make release VERSION=v1.0.0)", v)
	}
	return nil
}

// platformRE is os/arch or os/arch/variant.
var platformRE = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$`)

// ParsePlatforms splits a comma-separated list such as DefaultPlatforms.
func ParsePlatforms(list string) ([]string, error) {
	var ps []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if !platformRE.MatchString(p) {
			return nil, fmt.Errorf("invalid platform %q in PLATFORMS: use os/arch, comma-separated (make release PLATFORMS=%s)", p, DefaultPlatforms)
		}
		if !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// BuildOptions describe one release build.
type BuildOptions struct {
	Root       string // the build context: the repository's root
	Dockerfile string // relative to Root
	Ref        string // where the index is pushed: registry/name:version
	Version    string
	Platforms  []string
	// SourceDateEpoch dates every file and the image config (the last
	// commit's time), so the platform images are the same from any clone.
	SourceDateEpoch int64
	BuildArgs       map[string]string // more build args (GO_VERSION, ...)
	// Generator is the SBOM generator image; empty: BuildKit's default
	// (docker/buildkit-syft-scanner).
	Generator string
	// NoAttestations leaves the SBOM and provenance out: what a release
	// made without them looks like, for the tests of Verify.
	NoAttestations bool
	ExtraFlags     []string // BUILD_FLAGS, such as --no-cache
	// Dirty: the tree has uncommitted changes (Dirty), and the caller
	// releases it anyway (make release ALLOW_DIRTY=1). The provenance
	// then names the commit with "-dirty".
	Dirty bool
}

// Args is the docker command line of a release build: what make release
// runs, and docs/release.md shows.
func Args(o BuildOptions, baseFlags []string) []string {
	args := []string{"buildx", "build", "--progress=plain", "-f", filepath.Join(o.Root, o.Dockerfile),
		"--platform", strings.Join(o.Platforms, ",")}
	args = append(args, baseFlags...)
	buildArgs := map[string]string{"VERSION": o.Version, "SOURCE_DATE_EPOCH": fmt.Sprint(o.SourceDateEpoch)}
	for k, v := range o.BuildArgs {
		buildArgs[k] = v
	}
	keys := make([]string, 0, len(buildArgs))
	for k := range buildArgs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		args = append(args, "--build-arg", k+"="+buildArgs[k])
	}
	switch {
	case o.NoAttestations:
		args = append(args, "--sbom=false", "--provenance=false")
	case o.Generator != "":
		args = append(args, "--sbom=generator="+o.Generator, "--provenance=mode=max")
	default:
		args = append(args, "--sbom=true", "--provenance=mode=max")
	}
	// gzip, forced: a layer the engine already holds uncompressed (make
	// final stores them so) would otherwise be pushed as it is, and the
	// release would depend on what was built before it.
	args = append(args, "--output", "type=image,name="+o.Ref+",push=true,compression=gzip,force-compression=true")
	args = append(args, o.ExtraFlags...)
	return append(args, o.Root)
}

// Build runs the release build and writes its whole log to logFile. The
// provenance names the commit only where buildx reads the git repository
// (BUILDX_GIT_INFO, on unless set to 0): it is set on for this build.
// BUILDX_GIT_CHECK_DIRTY, which adds "-dirty" to the commit, is set only
// for a tree Dirty found changed: buildx counts ignored files (out/, which
// make writes) as changes too, so with it every build would be "-dirty".
func Build(ctx context.Context, d docker.Docker, o BuildOptions, logFile string) error {
	d.Env = append(slices.Clone(d.Env), "BUILDX_GIT_INFO=1")
	if o.Dirty {
		d.Env = append(d.Env, "BUILDX_GIT_CHECK_DIRTY=1")
	}
	cmd := d.Command(ctx, Args(o, d.BaseFlags)...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	runErr := cmd.Run()
	if err := os.MkdirAll(filepath.Dir(logFile), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(logFile, log.Bytes(), 0o644); err != nil {
		return err
	}
	if runErr != nil {
		return fmt.Errorf("the release build failed (%v); full log: %s: %s", runErr, logFile, docker.LastLine(log.String()))
	}
	return nil
}

// Dirty tells whether `git status --porcelain` shows anything in dir:
// changes the commit a provenance names does not hold (ignored files, such
// as out/, do not count).
func Dirty(ctx context.Context, dir string) (bool, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain").Output()
	if err != nil {
		return false, fmt.Errorf("git status in %s: %w", dir, err)
	}
	return strings.TrimSpace(string(out)) != "", nil
}
