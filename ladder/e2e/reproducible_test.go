//go:build e2e

package e2e

// Reproducibility: two --no-cache builds of one commit give the same final
// binary. The same image, and the same release, from two clones:
// release_test.go.

import (
	"context"
	"os"
	"strings"
	"testing"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
)

func TestFinalBinaryIsReproducible(t *testing.T) {
	ctx := engine(t)
	// On the containerd store TestReleaseIsVerifiableAndReproducible proves
	// more: one image ID means one config, whose layer digests cover the
	// binary byte for byte.
	if containerd, err := containerdStore(ctx); err != nil {
		t.Fatal(err)
	} else if containerd {
		t.Skip("the containerd image store: TestReleaseIsVerifiableAndReproducible checks the whole image, binary included")
	}
	// Two folders: -trimpath keeps the path out of the binary. --no-cache
	// gives both builds empty cache mounts, so each compiles every package
	// (moby/buildkit#4250).
	first, firstRes := exportBinary(t, ctx, "repro-1", isolatedCopy(t), "", true)
	second, secondRes := exportBinary(t, ctx, "repro-2", isolatedCopy(t), "", true)
	for i, res := range []dockercli.BuildResult{firstRes, secondRes} {
		step, ok := res.Find("go build")
		if !ok || !step.Lists("github.com/gin-gonic/gin") {
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
