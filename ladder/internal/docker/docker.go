// Package docker drives the docker CLI for the ladder: builds with plain
// progress, image metadata and sizes, and the build-cache records a
// measurement leaves. It is a plain wrapper: what the repository decides
// (the base flags, the images the demos run) package project reads.
package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/names"
)

// Docker runs the docker CLI.
type Docker struct {
	Bin string // the docker CLI, default "docker"
	// BaseFlags go into every build: the --build-context flags that point
	// builds at stand-in base images where offline/setup.sh made them
	// (package project reads them); empty with the official ones.
	BaseFlags []string
	// Env is added to the environment of every docker command: a client
	// of its own (DOCKER_CONFIG=...), as the shared builder's clients are.
	Env []string
}

// Command is docker with args, in this client's environment, for callers
// that need the process itself (to stream its output, say).
func (d Docker) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, d.bin(), args...)
	if len(d.Env) > 0 {
		cmd.Env = append(os.Environ(), d.Env...)
	}
	return cmd
}

// StandInBases reports whether builds use stand-in base images.
func (d Docker) StandInBases() bool { return len(d.BaseFlags) > 0 }

// Host returns the engine endpoint the CLI talks to (DOCKER_HOST, or the
// current context's, such as Docker Desktop's socket), for tools that
// reach the engine without the CLI.
func (d Docker) Host(ctx context.Context) (string, error) {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h, nil
	}
	out, err := d.Output(ctx, "context", "inspect", "--format", "{{.Endpoints.docker.Host}}")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

func (d Docker) bin() string {
	if d.Bin == "" {
		return "docker"
	}
	return d.Bin
}

// errNoEngine is returned when no Docker engine answers.
var errNoEngine = errors.New("no Docker engine answers: start Docker and retry (make setup says what is missing)")

// Output runs docker with args and returns its stdout. A failure carries
// the command and its stderr.
func (d Docker) Output(ctx context.Context, args ...string) (string, error) {
	cmd := d.Command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// Ping checks that an engine answers, within 20 s.
func (d Docker) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := d.Output(ctx, "version", "--format", "{{.Server.Version}}"); err != nil {
		return errNoEngine
	}
	return nil
}

// BuildOptions describe one docker build.
type BuildOptions struct {
	Dir        string // build context (and where the Dockerfile path is relative to)
	Dockerfile string
	Tag        string // empty: no tag
	Target     string
	Platform   string
	NoCache    bool
	BuildArgs  map[string]string
	Output     string // --output value; empty: load into the engine
	CacheFrom  string // --cache-from value
	CacheTo    string // --cache-to value
	// Reproducible builds as make final does (ReproducibleFlags):
	// SOURCE_DATE_EPOCH for the image
	// config, no provenance attestation, uncompressed layers unpacked at
	// once. Needs Tag.
	Reproducible    bool
	SourceDateEpoch int64
	LogFile         string   // where the full progress log goes; empty: nowhere
	ExtraFlags      []string // more flags, before the context
}

// ReproducibleFlags are the flags make final adds for a reproducible image
// named tag (see the Makefile's final target; a unit test keeps both equal).
func ReproducibleFlags(tag string, epoch int64) []string {
	return []string{"--build-arg", fmt.Sprintf("SOURCE_DATE_EPOCH=%d", epoch), "--provenance=false",
		"--output", "type=image,name=" + tag + ",unpack=true,compression=uncompressed"}
}

// BuildResult is what a build did.
type BuildResult struct {
	buildlog.Progress
	Log      string
	Duration time.Duration // wall time of the docker build command
}

// Build runs `docker buildx build --progress=plain` and parses its progress.
// A failed build returns its result too (with its log) and an error that
// names the log file.
func (d Docker) Build(ctx context.Context, o BuildOptions) (BuildResult, error) {
	args := []string{"buildx", "build", "--progress=plain", "-f", filepath.Join(o.Dir, o.Dockerfile),
		"--label", names.ProjectLabel + "=true"}
	args = append(args, d.BaseFlags...)
	if o.Tag != "" && !o.Reproducible {
		args = append(args, "-t", o.Tag)
	}
	if o.Target != "" {
		args = append(args, "--target", o.Target)
	}
	if o.Platform != "" {
		args = append(args, "--platform", o.Platform)
	}
	if o.NoCache {
		args = append(args, "--no-cache")
	}
	for _, k := range sortedKeys(o.BuildArgs) {
		args = append(args, "--build-arg", k+"="+o.BuildArgs[k])
	}
	if o.CacheFrom != "" {
		args = append(args, "--cache-from", o.CacheFrom)
	}
	if o.CacheTo != "" {
		args = append(args, "--cache-to", o.CacheTo)
	}
	switch {
	case o.Reproducible:
		if o.Tag == "" || o.Output != "" {
			return BuildResult{}, errors.New("a reproducible build needs a tag and no other output")
		}
		args = append(args, ReproducibleFlags(o.Tag, o.SourceDateEpoch)...)
	case o.Output != "":
		args = append(args, "--output", o.Output)
	default:
		args = append(args, "--load")
	}
	args = append(args, o.ExtraFlags...)
	args = append(args, o.Dir)

	cmd := d.Command(ctx, args...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	start := time.Now()
	runErr := cmd.Run()
	res := BuildResult{Log: log.String(), Duration: time.Since(start)}
	if o.LogFile != "" {
		if err := os.MkdirAll(filepath.Dir(o.LogFile), 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(o.LogFile, log.Bytes(), 0o644); err != nil {
			return res, err
		}
	}
	p, err := buildlog.Parse(bytes.NewReader(log.Bytes()))
	if err != nil {
		return res, err
	}
	res.Progress = p
	if runErr != nil {
		where := "its output"
		if o.LogFile != "" {
			where = o.LogFile
		}
		return res, fmt.Errorf("docker build -f %s failed (%v); see %s: %s", o.Dockerfile, runErr, where, LastLine(log.String()))
	}
	return res, nil
}

// LastLine returns the last non-empty line of a command's output: what
// an error message quotes.
func LastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// Image is what `docker image inspect` says about an image.
type Image struct {
	ID           string
	Architecture string
	Layers       int
	Config       ImageConfig
}

// ImageConfig is the part of an image's config the tests read.
type ImageConfig struct {
	User        string
	Env         []string
	Entrypoint  []string
	Labels      map[string]string
	Healthcheck *struct {
		Test     []string
		Interval time.Duration
	}
}

// ParseInspect parses the JSON array `docker image inspect` prints.
func ParseInspect(data []byte) ([]Image, error) {
	var raw []struct {
		ID           string `json:"Id"`
		Architecture string
		Config       ImageConfig
		RootFS       struct{ Layers []string }
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parsing docker image inspect: %w", err)
	}
	out := make([]Image, len(raw))
	for i, r := range raw {
		out[i] = Image{ID: r.ID, Architecture: r.Architecture, Layers: len(r.RootFS.Layers), Config: r.Config}
	}
	return out, nil
}

// Inspect returns one image's metadata.
func (d Docker) Inspect(ctx context.Context, ref string) (Image, error) {
	out, err := d.Output(ctx, "image", "inspect", ref)
	if err != nil {
		return Image{}, err
	}
	imgs, err := ParseInspect([]byte(out))
	if err != nil {
		return Image{}, err
	}
	if len(imgs) != 1 {
		return Image{}, fmt.Errorf("docker image inspect %s: got %d images, want 1", ref, len(imgs))
	}
	return imgs[0], nil
}

// Sizes returns an image's unpacked size (the sum of its layers) and its
// largest layer, in bytes, from `docker history`. This is the size the
// ladder teaches: the same on the classic and the containerd image store.
// (On the containerd store `docker images` shows the compressed content
// instead, and `docker image inspect`'s Size counts both.)
func (d Docker) Sizes(ctx context.Context, ref string) (total, largest int64, err error) {
	// An image exported without unpacking (make final) has no layers on
	// disk yet, and docker history says 0 for each: creating a container
	// unpacks it, as its first docker run would.
	if id, err := d.Output(ctx, "create", ref); err == nil {
		d.Output(ctx, "rm", strings.TrimSpace(id))
	}
	out, err := d.Output(ctx, "history", "--no-trunc", "--human=false", "--format", "{{.Size}}", ref)
	if err != nil {
		return 0, 0, err
	}
	return ParseHistorySizes(out)
}

// ParseHistorySizes reads `docker history --human=false --format {{.Size}}`.
func ParseHistorySizes(out string) (total, largest int64, err error) {
	for _, f := range strings.Fields(out) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parsing docker history size %q: %w", f, err)
		}
		total += n
		largest = max(largest, n)
	}
	return total, largest, nil
}

// HumanSize formats bytes the way `docker images` does: SI units, three
// significant digits.
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return strconv.FormatFloat(f, 'g', 3, 64) + units[i]
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// CombinedOutput runs docker with args and returns stdout and stderr
// together.
func (d Docker) CombinedOutput(ctx context.Context, args ...string) (string, error) {
	out, err := d.Command(ctx, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
