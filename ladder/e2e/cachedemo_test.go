//go:build e2e

package e2e

// Beyond one machine: make cache-demo shares the layer cache through a
// registry, and shows what does not travel with it.

import (
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
)

func TestCacheDemoReusesLayersFromTheRegistry(t *testing.T) {
	ctx := engine(t)
	registriesBefore := dockerList(t, ctx, "ps", "-aq", "--no-trunc", "--filter", "label="+cachedemo.RegistryLabel)
	demo, err := cachedemo.Run(ctx, docker, repoRoot(t), logDir(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(demo.Modes) != 2 || demo.Modes[0].Name != "inline" || demo.Modes[1].Name != "registry-max" {
		t.Fatalf("modes: got %+v, want inline and registry-max", demo.Modes)
	}
	for _, m := range demo.Modes {
		t.Run(m.Name, func(t *testing.T) {
			// On an empty builder, --cache-from the registry answered every
			// instruction: all steps CACHED, nothing ran.
			if !m.ImportedFromRegistry {
				t.Error("empty-builder build: no 'importing cache manifest from' the registry in its log")
			}
			if m.NoopSteps.Ran != 0 || m.NoopSteps.Cached == 0 {
				t.Errorf("empty-builder build: %d steps ran and %d were CACHED, want 0 ran and some CACHED", m.NoopSteps.Ran, m.NoopSteps.Cached)
			}
			if m.CacheBytes <= 0 {
				t.Errorf("cache bytes in the registry: got %d, want some", m.CacheBytes)
			}
			// What did not travel: the cache mounts. After an edit on an
			// empty builder, go build compiled gin and the rest again.
			if m.PackagesCompiledAfterEdit < 10 {
				t.Errorf("packages compiled after an edit on an empty builder: got %d, want all of them (the GOCACHE mount does not travel)", m.PackagesCompiledAfterEdit)
			}
		})
	}
	// mode=max carries the build stage's layers too: more steps come back
	// CACHED after an edit than with the inline cache, which holds only the
	// image's own.
	if in, max := demo.Modes[0], demo.Modes[1]; max.StepsCachedAfterEdit < in.StepsCachedAfterEdit {
		t.Errorf("steps CACHED after an edit: registry-max %d, inline %d; want max at least as many", max.StepsCachedAfterEdit, in.StepsCachedAfterEdit)
	}
	// The demo's registry container is gone (one an earlier, killed run
	// left behind is not this run's).
	if left := added(registriesBefore, dockerList(t, ctx, "ps", "-aq", "--no-trunc", "--filter", "label="+cachedemo.RegistryLabel)); len(left) > 0 {
		t.Errorf("registry containers left behind: %v", left)
	}
}
