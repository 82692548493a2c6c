//go:build e2e

package e2e

// Reproducibility: two --no-cache builds of one commit give the same final
// binary, and the same final image.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func TestFinalBinaryIsReproducible(t *testing.T) {
	ctx := engine(t)
	// On the containerd store TestFinalImageIsReproducible proves more with
	// the same two full compiles: one image ID means one config, whose
	// layer digests cover the binary byte for byte.
	if containerd, err := containerdStore(ctx); err != nil {
		t.Fatal(err)
	} else if containerd {
		t.Skip("the containerd image store: TestFinalImageIsReproducible checks the whole image, binary included")
	}
	// Two folders: -trimpath keeps the path out of the binary. --no-cache
	// gives both builds empty cache mounts, so each compiles every package
	// (moby/buildkit#4250).
	first, firstRes := exportBinary(t, ctx, "repro-1", isolatedCopy(t), "", true)
	second, secondRes := exportBinary(t, ctx, "repro-2", isolatedCopy(t), "", true)
	for i, res := range []dockercli.BuildResult{firstRes, secondRes} {
		step, ok := res.Find("go build")
		if !ok || !slices.ContainsFunc(step.Output, func(l string) bool { return strings.HasPrefix(l, "github.com/gin-gonic/gin") }) {
			t.Errorf("build %d: want go build -v to list gin (a full compile, not a GOCACHE hit)", i+1)
		}
	}
	a, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(second)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("two --no-cache builds gave different binaries (%d and %d bytes)", len(a), len(b))
	}
}

func TestFinalImageIsReproducible(t *testing.T) {
	ctx := engine(t)
	containerd, err := containerdStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !containerd {
		t.Skip("checked on the containerd image store (Docker Desktop, Engine 29's default) only")
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
		// The Dockerfile dates the files itself: no export option that
		// rewrites and recompresses every layer on every build.
		if log := readFile(t, filepath.Join(dir, "out", "logs", "build-final.log")); strings.Contains(log, "rewriting layers") {
			t.Errorf("clone %d: the export rewrote the layers' timestamps; want the dates from the Dockerfile alone", i+1)
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
