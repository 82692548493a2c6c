//go:build e2e

package e2e

// This file's name puts its test last in `go test` (files run in name
// order): make distclean removes every image the other tests build.

import (
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
)

func TestDistcleanRemovesEverythingAndMakeSetsUpAgain(t *testing.T) {
	ctx := engine(t)
	root := repoRoot(t)
	runMake(t, ctx, root, "distclean")

	for _, filter := range []string{"reference=go-docker-*", "reference=go-docker-stand-in/*",
		"label=" + dockercli.ProjectLabel, "label=" + dockercli.StandInLabel} {
		if out, _ := docker.Output(ctx, "images", "-aq", "--filter", filter); strings.TrimSpace(out) != "" {
			t.Errorf("after make distclean, images with %s: %s", filter, out)
		}
	}
	for _, label := range []string{dockercli.ProjectLabel, dockercli.StandInLabel, cachedemo.RegistryLabel} {
		if out, _ := docker.Output(ctx, "ps", "-aq", "--filter", "label="+label); strings.TrimSpace(out) != "" {
			t.Errorf("after make distclean, containers with %s: %s", label, out)
		}
	}
	out, err := docker.Output(ctx, "system", "df", "-v", "--format", "{{range .BuildCache}}{{println .CacheType .Description}}{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "exec.cachemount") && strings.Contains(l, `id "/go-docker-`) {
			t.Errorf("after make distclean, a cache mount of this project: %s", l)
		}
	}

	// And the next make sets up again what it needs, and builds.
	runMake(t, ctx, root, "final")
	if _, err := docker.Inspect(ctx, "go-docker-final"); err != nil {
		t.Errorf("make final after make distclean: %v", err)
	}
}
