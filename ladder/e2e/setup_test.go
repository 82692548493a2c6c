//go:build e2e

package e2e

// The reader's engine keeps its official names: no image this project
// makes (a rung, a stand-in base, the registry) is ever tagged golang,
// alpine, docker/dockerfile or registry.

import (
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/names"
)

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
		for _, label := range []string{names.StandInLabel, names.ProjectLabel, "io.github.go-docker.built-locally"} {
			if v, ok := img.Config.Labels[label]; ok {
				t.Errorf("%s carries %s=%s: this project made it, under an official name", ref, label, v)
			}
		}
	}
}
