//go:build e2e

package e2e

// A reader whose engine pulls the official images never runs the offline
// path: make simple builds in a copy of the repository with offline/
// deleted. Where no registry is reachable (as in CI), the engine is made to
// look like one that pulled them: the stand-ins are tagged with the
// official names for the length of the test, and only where the engine
// has no image of that name, so no reader's image is ever retagged.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/names"
)

func TestSimpleBuildsWithTheOfflinePathTakenAway(t *testing.T) {
	ctx := engine(t)
	for _, base := range []string{"golang:" + envOr("GO_VERSION", "1.26") + "-alpine", "alpine:" + envOr("ALPINE_VERSION", "3.23")} {
		officialBaseForTheTest(t, ctx, base)
	}
	dir := copyRepo(t)
	if err := os.RemoveAll(filepath.Join(dir, "offline")); err != nil {
		t.Fatal(err)
	}
	prefix := "go-docker-e2e-pulled-"
	removeImage(t, prefix+"simple")

	// What make would run: the command a reader types, nothing of offline/.
	plan := runMake(t, ctx, dir, "-n", "simple", "IMAGE_PREFIX="+prefix)
	if !strings.Contains(plan, "docker buildx build") || !strings.Contains(plan, "-f dockerfiles/simple.Dockerfile") {
		t.Errorf("make -n simple: want one docker buildx build of dockerfiles/simple.Dockerfile, got:\n%s", plan)
	}
	if strings.Contains(plan, "offline") || strings.Contains(plan, "--build-context") {
		t.Errorf("make -n simple, with no offline/: want no stand-in or offline/ in the plan, got:\n%s", plan)
	}

	out := runMake(t, ctx, dir, "simple", "IMAGE_PREFIX="+prefix)
	if !strings.Contains(out, prefix+"simple") || strings.Contains(out, "stand-in") {
		t.Errorf("make simple: want the image's line without [stand-in base images], got:\n%s", out)
	}
	c := start(t, ctx, prefix+"simple")
	if code, body, err := c.Get(ctx, "/"); err != nil || code != 200 || !strings.Contains(body, "Hello") {
		t.Errorf("GET / on the image built without offline/: got %d %q, %v", code, body, err)
	}
}

// officialBaseForTheTest makes sure the engine has base under its
// official name until the test ends: as it is when the engine has it
// (pulled by a reader), or else its stand-in tagged with that name, the
// tag removed at the end.
func officialBaseForTheTest(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	if _, err := docker.Output(ctx, "image", "inspect", base); err == nil {
		return
	}
	standIn := names.StandInPrefix + base
	if _, err := docker.Output(ctx, "image", "inspect", standIn); err != nil {
		t.Fatalf("neither %s nor its stand-in %s is here: run make setup", base, standIn)
	}
	if _, err := docker.Output(ctx, "tag", standIn, base); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docker.Output(context.Background(), "image", "rm", base) })
}
