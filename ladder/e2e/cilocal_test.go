//go:build e2e

package e2e

// The workflow readers copy, run for real: make ci-local runs its image
// job with act on this machine, and the job passes, exports BuildKit's
// layer cache to act's Actions cache server, and carries the cache mounts
// out of the builder into the Actions cache (scripts/cache-mounts.sh).
// An unknown job is one line that names the jobs.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cilocal"
)

func TestWorkflowImageJobPassesUnderALocalRunner(t *testing.T) {
	ctx := engine(t)
	root := gitClone(t, ctx, repoRoot(t))

	line := failsWithOneLine(t, ctx, root, "ci-local", `unknown JOB "deploy": use one of .github/workflows/ci.yml's jobs, image, test, release`,
		"ci-local", "JOB=deploy")
	if strings.Contains(line, "\n") {
		t.Errorf("an unknown job: want one line, got %q", line)
	}

	out := runMake(t, ctx, root, "ci-local", "JOB=image")
	if !strings.Contains(out, "ci-local: job image passed") {
		t.Fatalf("make ci-local JOB=image does not say the job passed:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(root, "out", "ci-local", "logs", "image.log"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{
		// Every action ran from its local copy, none cloned.
		"LocalRepositoryCache matched https://github.com/docker/build-push-action with ref v6.19.2",
		"Job succeeded",
		// BuildKit wrote the layer cache to act's cache server.
		"exporting to GitHub Actions Cache",
		"Cache saved with key: cache-mounts-",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the image job's log lacks %q", want)
		}
	}
	// The run's report, which make readme renders: passed, on this
	// commit, with the build among its steps.
	js, err := os.ReadFile(filepath.Join(root, "out", "ci-local", "image.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep cilocal.Report
	if err := json.Unmarshal(js, &rep); err != nil {
		t.Fatal(err)
	}
	head := gitHead(t, ctx, root)
	built := slices.ContainsFunc(rep.Steps, func(s cilocal.Step) bool { return s.Name == "Build the final rung for amd64 and arm64" && s.Passed })
	if !rep.Passed || rep.Job != "image" || rep.Commit != head || rep.Dirty || !built {
		t.Errorf("out/ci-local/image.json: want a passed image job at %s, clean, with its build step; got %+v", head, rep)
	}
	// The cache mounts came out of the builder full: the Go caches of a
	// build of gin are tens of MB at least.
	m := regexp.MustCompile(`Cache Size: ~(\d+) MB`).FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("the image job's log says no size of the saved cache mounts")
	}
	if mb, _ := strconv.Atoi(m[1]); mb < 20 {
		t.Errorf("the cache mounts saved to the Actions cache are %s MB: want the Go caches, tens of MB", m[1])
	}
}
