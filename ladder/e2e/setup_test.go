//go:build e2e

package e2e

// End-to-end tests of what the project does to the reader's engine: the
// final image reproduces, and no official image name is ever taken over.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
)

// runMake runs make in dir and fails the test with its output on error.
func runMake(t *testing.T, ctx context.Context, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "make", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func TestFinalImageIsReproducible(t *testing.T) {
	ctx := engine(t)
	containerd, err := containerdStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !containerd {
		t.Skip("needs the containerd image store: the classic store's exporter does not rewrite layer timestamps (moby/buildkit#4986)")
	}
	root := repoRoot(t)
	pruneCacheAfter(t)
	// Two clones of the last commit, each built with --no-cache and cache
	// mounts of its own, so the second cannot reuse anything of the first.
	var ids []string
	for i, scope := range []string{"go-docker-e2e-repro-a" + repo.NewRunID() + "-", "go-docker-e2e-repro-b" + repo.NewRunID() + "-"} {
		dir := filepath.Join(t.TempDir(), "clone")
		if out, err := exec.CommandContext(ctx, "git", "clone", "-q", root, dir).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v\n%s", err, out)
		}
		if err := repo.ScopeDockerfile(filepath.Join(dir, "final.Dockerfile"), scope); err != nil {
			t.Fatal(err)
		}
		prefix := scope
		removeImage(t, prefix+"final")
		runMake(t, ctx, dir, "final", "IMAGE_PREFIX="+prefix, "BUILD_FLAGS=--no-cache")
		p, err := buildlog.Parse(strings.NewReader(readFile(t, filepath.Join(dir, "out", "logs", "build-final.log"))))
		if err != nil {
			t.Fatal(err)
		}
		if b, ok := p.Find("go build"); !ok || b.FromCache() {
			t.Fatalf("clone %d: the go build step did not run; want a --no-cache build", i+1)
		}
		img, err := docker.Inspect(ctx, prefix+"final")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, img.ID)
	}
	if ids[0] != ids[1] {
		t.Errorf("two --no-cache builds of one commit: image IDs %s and %s, want the same", ids[0], ids[1])
	}
}

// officialRepos are names this project must never tag: the bases, the
// Dockerfile frontend, the registry.
var officialRepos = []string{"golang", "alpine", "docker/dockerfile", "registry"}

func TestNoOfficialNamePointsAtAProjectImage(t *testing.T) {
	ctx := engine(t)
	root := repoRoot(t)
	prefix := "go-docker-e2e-all-"
	for _, r := range rungs {
		removeImage(t, r.Image(prefix))
	}
	runMake(t, ctx, root, "all", "IMAGE_PREFIX="+prefix)
	runMake(t, ctx, root, "setup-registry")
	out, err := docker.Output(ctx, "images", "--format", "{{.Repository}}:{{.Tag}}")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range strings.Fields(out) {
		repo := strings.TrimPrefix(strings.TrimPrefix(ref[:strings.LastIndex(ref, ":")], "docker.io/"), "library/")
		official := false
		for _, o := range officialRepos {
			official = official || repo == o
		}
		if !official {
			continue
		}
		img, err := docker.Inspect(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, label := range []string{dockercli.StandInLabel, dockercli.ProjectLabel, "io.github.go-docker.built-locally"} {
			if v, ok := img.Config.Labels[label]; ok {
				t.Errorf("%s carries %s=%s: this project made it, under an official name", ref, label, v)
			}
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// containerdStore reports whether the engine keeps images in the containerd
// image store (Docker Desktop and fresh Engine 29 installs) rather than the
// classic one.
func containerdStore(ctx context.Context) (bool, error) {
	out, err := docker.Output(ctx, "info", "--format", "{{json .DriverStatus}}")
	if err != nil {
		return false, err
	}
	return strings.Contains(out, "io.containerd.snapshotter"), nil
}
