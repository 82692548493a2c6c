//go:build e2e

package e2e

// Reproducibility, as docs/final.md states it: make final gives the same
// image ID from any clone of one commit, on either image store. The image
// ID is the digest of the image's config (classic store) or manifest
// (containerd store), and both name every layer's digest: one ID means
// the same binary, byte for byte, and the same dates. The release's
// platform images, from two clones: release_test.go.

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func TestMakeFinalGivesOneImageIDFromAnyClone(t *testing.T) {
	ctx := engine(t)
	root := repoRoot(t)
	pruneCacheAfter(t)
	// Clone A: the last commit, with the reader's warm cache mounts (a
	// build with cache leaves their records as they are).
	a := gitClone(t, ctx, root)
	removeImage(t, "go-docker-e2e-ca-final")
	runMake(t, ctx, a, "final", "IMAGE_PREFIX=go-docker-e2e-ca-")
	// Clone B: cache mounts of its own, and --no-cache, so nothing of A's
	// builds nor of the reader's caches can be reused: B compiles every
	// package (cache-mount ids are not part of a step's cache key, so
	// without --no-cache B would get A's layers back).
	b := gitClone(t, ctx, root)
	if err := repo.ScopeDockerfile(filepath.Join(b, "final.Dockerfile"), "go-docker-e2e-cb"+repo.NewRunID()+"-"); err != nil {
		t.Fatal(err)
	}
	removeImage(t, "go-docker-e2e-cb-final")
	runMake(t, ctx, b, "final", "IMAGE_PREFIX=go-docker-e2e-cb-", "BUILD_FLAGS=--no-cache")
	p := buildLog(t, filepath.Join(b, "out", "logs", "build-final.log"))
	if step, ok := p.Find("go build"); !ok || step.FromCache() || !step.Lists("github.com/gin-gonic/gin") {
		t.Fatalf("clone B: want the go build step to run and compile gin (a build from nothing), got %+v", step)
	}
	ids := [2]string{}
	for i, image := range []string{"go-docker-e2e-ca-final", "go-docker-e2e-cb-final"} {
		id, err := docker.Output(ctx, "image", "inspect", "--format", "{{.Id}}", image)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = strings.TrimSpace(id)
	}
	if ids[0] != ids[1] || !strings.HasPrefix(ids[0], "sha256:") {
		t.Errorf("make final in clone A (warm caches) gave %s, in clone B (from nothing) %s: want one image ID from one commit", ids[0], ids[1])
	}
}
