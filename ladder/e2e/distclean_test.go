//go:build e2e

package e2e

// make distclean removes everything this project made in the engine, and
// the next make setup sets up again what it needs.
//
// It empties the engine the other tests build in (project images,
// stand-ins, warm cache mounts), so it runs last, and only when asked:
//
//   - Last: TestMain calls distcleanLast after m.Run, and it runs the check
//     only when every test passed. Nothing depends on the order go test
//     runs the tests in, or on this file's name.
//   - Only when asked: GO_DOCKER_TEST_DISTCLEAN=1 (.ci/run and the
//     workflow set it; under CI=true the test fails without it), and the
//     test below selected (-run), so neither a reader's `make test` nor a
//     run of a few tests wipes their images and cache mounts.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/names"
)

// distcleanEnv turns the distclean check on when set to 1.
const distcleanEnv = "GO_DOCKER_TEST_DISTCLEAN"

// distcleanWanted is set by TestDistcleanRemovesEverythingAndMakeSetsUpAgain
// and read by TestMain once every test has returned.
var distcleanWanted bool

// TestDistcleanRemovesEverythingAndMakeSetsUpAgain shows in go test -v
// whether the distclean check will run; the check itself runs after every
// other test (distcleanLast).
func TestDistcleanRemovesEverythingAndMakeSetsUpAgain(t *testing.T) {
	if os.Getenv(distcleanEnv) != "1" {
		skipOrFailInCI(t, "set "+distcleanEnv+"=1 to run it (.ci/run and the workflow do): make distclean removes this project's images, stand-ins and cache mounts")
	}
	engine(t)
	distcleanWanted = true
	t.Skip("runs after every other test has passed, from TestMain: make distclean empties the engine they build in")
}

// distcleanLast runs the distclean check when it was asked for and code,
// the result of every other test, is a pass. It returns TestMain's exit
// code: non-zero when the check fails.
func distcleanLast(code int, root string) int {
	if !distcleanWanted {
		return code
	}
	if code != 0 {
		fmt.Fprintln(os.Stderr, "e2e: distclean check: not run, other tests failed")
		return code
	}
	began := time.Now()
	fmt.Println("e2e: distclean check: make distclean, then make final")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	failures := distcleanCheck(ctx, root)
	if len(failures) > 0 {
		fmt.Fprintln(os.Stderr, "e2e: distclean check: FAIL")
		for _, f := range failures {
			fmt.Fprintln(os.Stderr, "\t"+strings.ReplaceAll(f, "\n", "\n\t"))
		}
		return 1
	}
	fmt.Printf("e2e: distclean check: ok (%.1fs)\n", time.Since(began).Seconds())
	return 0
}

// distcleanCheck is the test's body. It runs after m.Run, with no
// *testing.T, so it returns its failures; a failure that makes the rest
// meaningless returns at once, as t.Fatal would.
func distcleanCheck(ctx context.Context, root string) (failures []string) {
	errorf := func(format string, args ...any) { failures = append(failures, fmt.Sprintf(format, args...)) }
	// A shared builder too: its daemon, state volume and buildx builder.
	port, err := devloop.FreePort()
	if err != nil {
		return []string{err.Error()}
	}
	if _, err := makeIn(ctx, root, "shared-builder", "SHARED_BUILDER_PORT="+port); err != nil {
		return []string{err.Error()}
	}
	if _, err := docker.Output(ctx, "buildx", "inspect", "--bootstrap", "go-docker-shared"); err != nil {
		errorf("make shared-builder: its builder does not answer: %v", err)
	}
	// The reader's prefix: distclean removes every go-docker-* image,
	// the tests' go-docker-e2e-* included.
	if _, err := makeIn(ctx, root, "distclean", "IMAGE_PREFIX=go-docker-"); err != nil {
		return []string{err.Error()}
	}

	for _, filter := range []string{"reference=go-docker-*", "reference=go-docker-stand-in/*",
		"label=" + names.ProjectLabel, "label=" + names.StandInLabel} {
		if out, _ := docker.Output(ctx, "images", "-aq", "--filter", filter); strings.TrimSpace(out) != "" {
			errorf("after make distclean, images with %s: %s", filter, out)
		}
	}
	for _, label := range []string{names.ProjectLabel, names.StandInLabel, names.RegistryLabel} {
		if out, _ := docker.Output(ctx, "ps", "-aq", "--filter", "label="+label); strings.TrimSpace(out) != "" {
			errorf("after make distclean, containers with %s: %s", label, out)
		}
	}
	for _, kind := range []string{"volume", "network"} {
		if out, _ := docker.Output(ctx, kind, "ls", "-q", "--filter", "label="+names.SharedBuilderLabel); strings.TrimSpace(out) != "" {
			errorf("after make distclean, %ss with %s: %s", kind, names.SharedBuilderLabel, out)
		}
	}
	if out, _ := docker.Output(ctx, "ps", "-aq", "--filter", "label="+names.SharedBuilderLabel); strings.TrimSpace(out) != "" {
		errorf("after make distclean, containers with %s: %s", names.SharedBuilderLabel, out)
	}
	if _, err := docker.Output(ctx, "buildx", "inspect", "go-docker-shared"); err == nil {
		errorf("after make distclean, the buildx builder go-docker-shared is still there")
	}
	out, err := docker.Output(ctx, "system", "df", "-v", "--format", "{{range .BuildCache}}{{println .CacheType .Description}}{{end}}")
	if err != nil {
		return append(failures, err.Error())
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "exec.cachemount") && strings.Contains(l, `id "/go-docker-`) {
			errorf("after make distclean, a cache mount of this project: %s", l)
		}
	}

	// The stand-ins are gone, and so is the file that pointed builds at them.
	for _, pattern := range []string{"build-flags-*.mk", "compose-*.yaml"} {
		if left, _ := filepath.Glob(filepath.Join(root, "offline", pattern)); len(left) > 0 {
			errorf("after make distclean, offline/ files for removed stand-ins: %v", left)
		}
	}
	// And make setup sets up again what it needs, and make final builds.
	if _, err := makeIn(ctx, root, "setup"); err != nil {
		return append(failures, err.Error())
	}
	if _, err := makeIn(ctx, root, "final", "IMAGE_PREFIX="+imagePrefix); err != nil {
		return append(failures, err.Error())
	}
	if _, err := docker.Inspect(ctx, imagePrefix+"final"); err != nil {
		errorf("make final after make distclean: %v", err)
	}
	removeTestImages(ctx)
	return failures
}
