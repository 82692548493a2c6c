//go:build e2e

package e2e

// End-to-end tests: they build every rung with the real Docker engine and
// BuildKit, run the images and talk to them over HTTP. They fail when no
// engine answers; only `go test -short` skips them. Run them with
// `make test`, which sets up an engine first where one is missing.
//
// This file holds what the tests share: TestMain, the engine and the
// repository, copies to edit, and cleanup; readers_test.go holds the check
// that the reader's image and cache mounts are left as they were.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

const (
	tutorialModule = "github.com/go-docker/go-docker"
	// stopGrace is the docker stop grace period. A graceful program exits 0
	// within it; one without a SIGTERM handler exits 2 at once (the Go
	// runtime's default), and one that hangs is killed and exits 137.
	stopGrace = 2 * time.Second
)

var (
	// docker is the engine's client, as project.Open gives it (with the
	// base flags); with -short, a plain client that builds nothing.
	docker = dockercli.Docker{Bin: os.Getenv("DOCKER")}
	// proj is the repository as the commands open it; nil with -short.
	proj *project.Project
	// The tests tag images of their own (make test-e2e passes
	// go-docker-e2e-), never the reader's go-docker-final, and remove
	// them at the end (removeTestImages).
	imagePrefix = envOr("IMAGE_PREFIX", "go-docker-e2e-")
	buildOnce   sync.Once
	buildErr    error
	// rungs is the catalogue, dockerfiles/rungs.txt.
	rungs []repo.Rung
)

// TestMain opens the repository as every command does, and reads the
// catalogue. After every test, and only when they all passed, it runs the
// distclean check if that was asked for (distclean_test.go): make
// distclean empties the engine the other tests build in, so it must come
// last, and here it does whatever the files are named.
func TestMain(m *testing.M) {
	flag.Parse()
	root, err := open(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	if testing.Short() {
		os.Exit(m.Run())
	}
	untagStandInsUnderOfficialNames(context.Background())
	kept, err := readersState(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	code := m.Run()
	removeTestImages(context.Background())
	if code == 0 {
		code = checkReadersState(context.Background(), kept)
	}
	os.Exit(distcleanLast(code, root))
}

// open opens the repository with project.Open, as the commands do: the
// engine must answer, and builds get the base flags offline/setup.sh
// wrote for GO_VERSION and ALPINE_VERSION, as the Makefile's do (make
// test-e2e sets up first). With -short, which skips every test that needs
// an engine, it only finds the root. Then it reads the catalogue.
func open(ctx context.Context) (root string, err error) {
	if testing.Short() {
		root, err = repo.Root(".")
	} else if proj, err = project.Open(ctx, project.Options{Repo: ".", Docker: os.Getenv("DOCKER"),
		GoVersion: os.Getenv("GO_VERSION"), AlpineVersion: os.Getenv("ALPINE_VERSION")}); err == nil {
		root, docker = proj.Root, proj.Docker
	}
	if err != nil {
		return "", err
	}
	rungs, err = repo.Load(root)
	return root, err
}

// removeTestImages removes every image the tests tagged: those named with
// imagePrefix, when it is not the reader's own go-docker-.
func removeTestImages(ctx context.Context) {
	if imagePrefix == "go-docker-" {
		return
	}
	out, _ := docker.Output(ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference="+imagePrefix+"*")
	if refs := strings.Fields(out); len(refs) > 0 {
		docker.Output(ctx, append([]string{"image", "rm", "-f"}, refs...)...)
	}
	untagStandInsUnderOfficialNames(ctx)
}

// untagStandInsUnderOfficialNames removes an official name (golang:...,
// alpine:...) that points at a stand-in: the offline test tags them for its
// length only, and a run stopped before its cleanup would leave make setup
// taking them for pulled official images. Only the tag goes; the stand-in
// stays under its own name.
func untagStandInsUnderOfficialNames(ctx context.Context) {
	for _, repo := range []string{"golang", "alpine"} {
		out, _ := docker.Output(ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference="+repo,
			"--filter", "label="+names.StandInLabel)
		for _, ref := range strings.Fields(out) {
			docker.Output(ctx, "image", "rm", ref)
		}
	}
}

// commitTime is SOURCE_DATE_EPOCH as make final computes it.
func commitTime(t *testing.T, dir string) int64 {
	t.Helper()
	n, err := repo.CommitTime(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// envOr reads a setting the Makefile passes down, with its default for a
// bare go test.
func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// engine skips in -short mode and fails when no engine answers.
func engine(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: needs a Docker engine; skipped with -short")
	}
	ctx := t.Context()
	if err := docker.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// repoRoot is the tutorial's repository, which holds this module.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := repo.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// logDir is where the tests keep their build logs, for a reader to open
// after a failure.
func logDir(t *testing.T) string {
	return filepath.Join(repoRoot(t), "out", "logs", "e2e")
}

// buildLadder builds every rung once from the repository, as go-docker-<rung>.
func buildLadder(t *testing.T) {
	t.Helper()
	root := repoRoot(t)
	buildOnce.Do(func() {
		for _, r := range rungs {
			// The final rung as make final builds it: reproducible.
			_, err := docker.Build(t.Context(), dockercli.BuildOptions{
				Dir: root, Dockerfile: r.Dockerfile, Tag: r.Image(imagePrefix),
				Reproducible: r.Reproducible(), SourceDateEpoch: commitTime(t, root),
				LogFile: filepath.Join(root, "out", "logs", "e2e", "ladder-"+r.Name+".log"),
			})
			if err != nil {
				buildErr = err
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// exportBinary builds the final rung's binary stage and returns its path.
func exportBinary(t *testing.T, ctx context.Context, label, dir, platform string, noCache bool) (string, dockercli.BuildResult) {
	t.Helper()
	out := t.TempDir()
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "final.Dockerfile", Target: "binary",
		Platform: platform, NoCache: noCache, Output: "type=local,dest=" + out,
		LogFile: filepath.Join(logDir(t), "binary-"+label+".log")})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(out, "server"), res
}

// copyRepo copies the repository into a temporary folder for edits.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "repo")
	if err := repo.Copy(repoRoot(t), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// isolatedCopy copies the repository and gives its Dockerfiles cache-mount
// ids of their own. A --no-cache build replaces the cache mount of its id
// with a fresh one, so on the reader's ids it would throw away their warm
// GOCACHE. The build cache it creates is removed after the test.
func isolatedCopy(t *testing.T) string {
	t.Helper()
	pruneCacheAfter(t)
	dir := copyRepo(t)
	scope := "go-docker-e2e" + repo.NewRunID() + "-"
	for _, r := range rungs {
		if err := repo.ScopeDockerfile(filepath.Join(dir, r.Dockerfile), scope); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pruneCacheAfter removes, when the test ends, the build-cache records
// created while it ran (its cache mounts above all), and no other.
func pruneCacheAfter(t *testing.T) {
	t.Helper()
	before, err := docker.CacheRecordIDs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docker.PruneCacheSince(context.Background(), before) })
}

// editGreeting changes one line of dependencies/main.go, with a new value
// every run, so no earlier build can have cached it.
func editGreeting(t *testing.T, dir string) string {
	t.Helper()
	tag := "edit " + repo.NewRunID()
	if err := repo.EditGreeting(filepath.Join(dir, "dependencies", "main.go"), tag); err != nil {
		t.Fatal(err)
	}
	return "Hello, " + tag + "!"
}

// replaceInFile breaks or changes a copy's file in one known place; it
// fails when old is not there exactly once, so an edit cannot miss.
func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), old) != 1 {
		t.Fatalf("%s: want exactly one %q to replace", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readFile reads a file the test needs, such as a build log.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// removeImage removes a tag the test builds when it ends, so no test leaves
// images behind in the reader's engine.
func removeImage(t *testing.T, ref string) {
	t.Cleanup(func() { docker.Output(context.Background(), "image", "rm", "-f", ref) })
}

// start runs an image and waits until it answers /healthz.
func start(t *testing.T, ctx context.Context, image string, flags ...string) *Container {
	t.Helper()
	c, err := runContainer(ctx, docker, image, flags...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Remove(context.Background()) })
	readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.WaitReady(readyCtx); err != nil {
		t.Fatal(err)
	}
	return c
}

// runMake runs make in dir and fails the test with its output on error.
func runMake(t *testing.T, ctx context.Context, dir string, args ...string) string {
	t.Helper()
	out, err := makeIn(ctx, dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// makeIn runs make in dir, as a reader does, and returns its output; its
// error carries that output. The distclean check, which has no *testing.T,
// uses it directly.
func makeIn(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "make", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("make %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out), nil
}

// dockerList runs a docker listing command and returns the words it printed.
func dockerList(t *testing.T, ctx context.Context, args ...string) map[string]bool {
	t.Helper()
	out, err := docker.Output(ctx, args...)
	if err != nil {
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	set := map[string]bool{}
	for _, f := range strings.Fields(out) {
		set[f] = true
	}
	return set
}

// added returns what after holds and before did not, sorted: what a test
// left behind, not what an earlier, killed run did.
func added(before, after map[string]bool) []string {
	var out []string
	for k := range after {
		if !before[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// buildLog parses the build log at path.
func buildLog(t *testing.T, path string) buildlog.Progress {
	t.Helper()
	p, err := buildlog.Parse(strings.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
