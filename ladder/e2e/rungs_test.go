//go:build e2e

package e2e

// The ladder itself: every rung builds, runs and stops gracefully, every
// Dockerfile passes BuildKit's build checks, the images' sizes, what the
// caches reuse after an edit, the build context .dockerignore keeps small,
// and make run's checks of its input.

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func TestEveryRungBuildsRunsAndStopsGracefully(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	for _, r := range rungs {
		t.Run(r.Name, func(t *testing.T) {
			c := start(t, ctx, r.Image(imagePrefix))
			tests := []struct {
				path       string
				wantStatus int
				wantBody   string
			}{
				{"/", 200, "Hello, Docker!"},
				{"/healthz", 200, "ok"},
				{"/no-such-page", 404, "not found"},
			}
			for _, tt := range tests {
				status, body, err := c.Get(ctx, tt.path)
				if err != nil {
					t.Fatalf("GET %s: %v", tt.path, err)
				}
				if status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
					t.Errorf("GET %s: got %d %q, want %d and a body containing %q", tt.path, status, body, tt.wantStatus, tt.wantBody)
				}
			}
			// Graceful: exit code 0 within the grace period. Without a
			// handler the Go runtime would exit 2; a hung program, 137.
			if err := c.Stop(ctx, stopGrace); err != nil {
				t.Fatal(err)
			}
			code, err := c.Inspect(ctx, "{{.State.ExitCode}}")
			if err != nil {
				t.Fatal(err)
			}
			if code != "0" {
				logs, _ := c.Logs(ctx)
				t.Errorf("exit code after docker stop -t %d: got %s, want 0 (graceful shutdown on SIGTERM; 2 means no handler, 137 killed after the grace period); logs: %s", int(stopGrace.Seconds()), code, logs)
			}
		})
	}
}

func TestDockerfilesPassBuildChecks(t *testing.T) {
	ctx := engine(t)
	for _, r := range rungs {
		t.Run(r.Name, func(t *testing.T) {
			args := append([]string{"buildx", "build", "--check"}, docker.BaseFlags...)
			out, err := docker.CombinedOutput(ctx, append(args, "-f", filepath.Join(repoRoot(t), r.Dockerfile), repoRoot(t))...)
			if err != nil || !strings.Contains(out, "no warnings found") {
				t.Errorf("build checks on %s: %v\n%s", r.Dockerfile, err, out)
			}
		})
	}
}

func TestImageSizes(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	size := func(rung string) int64 {
		total, _, err := docker.Sizes(ctx, imagePrefix+rung)
		if err != nil {
			t.Fatal(err)
		}
		return total
	}
	if got := size("simple"); got <= 100e6 {
		t.Errorf("simple: got %s, want over 100MB (it carries the Go toolchain)", dockercli.HumanSize(got))
	}
	if got := size("multi-stage"); got >= 30e6 {
		t.Errorf("multi-stage: got %s, want under 30MB", dockercli.HumanSize(got))
	}
	if s, m := size("simple"), size("multi-stage"); m >= s {
		t.Errorf("multi-stage (%s) is not smaller than simple (%s)", dockercli.HumanSize(m), dockercli.HumanSize(s))
	}
}

// After a one-line edit, the rung that first downloads modules in a step
// of its own answers that step from the cache, and so does every rung that
// lists what it compiles (go build -v, from the mounts rung on), which
// compiles only the edited package. The buildkit rung is left out: its
// steps are the dependencies rung's with the module cache mounted, which
// changes nothing the layer cache does after a source edit, and its
// rebuild (all of gin again) would cost every CI run over a minute for the
// same check.
func TestSourceEditReusesModuleDownload(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	dir := copyRepo(t)
	for _, r := range rungs {
		if r.Program != "dependencies" {
			continue // the standard-library program has no modules
		}
		if r.Name == "buildkit" {
			continue
		}
		t.Run(r.Name, func(t *testing.T) {
			// One build first, so that what is measured is this rung's own
			// reuse, whatever the tests before left in the build cache.
			editAndBuild(t, ctx, dir, r)
			res, tag, greeting := editAndBuild(t, ctx, dir, r)
			download, ok := res.Find("go mod download")
			if !ok {
				t.Fatalf("no go mod download step in the build log:\n%s", res.Log)
			}
			if !download.Cached {
				t.Errorf("step %q: ran again, want CACHED after a source-only edit", download.Name)
			}
			build, ok := res.Find("go build")
			if !ok {
				t.Fatalf("no go build step in the build log:\n%s", res.Log)
			}
			if build.Cached {
				t.Errorf("step %q: CACHED, want it to run after an edit", build.Name)
			}
			if _, verbose := res.Find("go build -v"); verbose {
				onlyTheEditedPackage(t, build)
			}
			c := start(t, ctx, tag)
			if _, body, err := c.Get(ctx, "/"); err != nil || !strings.Contains(body, greeting) {
				t.Errorf("GET /: got %q, %v, want the edited greeting %q", body, err, greeting)
			}
		})
	}
}

// The mounts rung is the caching step alone: after an edit, only the
// edited package recompiles (GOCACHE in a cache mount), and the image is
// still the Alpine runtime of the buildkit rung, layer for layer.
func TestMountsRecompilesOnlyTheEditedPackageOnAlpine(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	mounts, ok := repo.Find(rungs, "mounts")
	if !ok {
		t.Fatal("no mounts rung in the catalogue")
	}
	dir := copyRepo(t)
	warmCacheMounts(t, ctx, dir, mounts)
	res, tag, _ := editAndBuild(t, ctx, dir, mounts)
	build, ok := res.Find("go build -v")
	if !ok {
		t.Fatalf("no go build -v step in the build log:\n%s", res.Log)
	}
	onlyTheEditedPackage(t, build)
	for _, step := range []string{"COPY . .", "COPY go.mod"} {
		if s, ok := res.Find(step); ok {
			t.Errorf("step %q: the mounts rung bind-mounts the sources instead", s.Name)
		}
	}
	// The runtime's layers start with the alpine base's (or its stand-in's).
	base := baseImage("alpine:" + envOr("ALPINE_VERSION", "3.23"))
	layers := func(ref string) []string {
		out, err := docker.Output(ctx, "image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", ref)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(out)
	}
	img, alpine := layers(tag), layers(base)
	if len(alpine) == 0 || len(img) != len(alpine)+1 || !slices.Equal(img[:len(alpine)], alpine) {
		t.Errorf("layers of %s: got %v, want the %d layers of %s and one for the binary", tag, img, len(alpine), base)
	}
}

// warmCacheMounts makes sure the cache mounts of rung r hold what its
// build needs, whatever state earlier runs left the engine in: the layer
// cache may answer every step while the mounts are empty (make distclean
// removes them, and a --no-cache build replaces them). An edit no build has
// seen makes the go build step run, and fill them. Rungs without a build
// cache mount need no warming.
func warmCacheMounts(t *testing.T, ctx context.Context, dir string, r repo.Rung) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, r.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "target=/root/.cache/go-build") {
		return
	}
	editAndBuild(t, ctx, dir, r)
}

// editAndBuild makes a one-line edit no build has seen and builds rung r
// from dir, retrying as retryOnBusyCache says. It returns the build, the
// image's tag and the greeting the image must answer with.
func editAndBuild(t *testing.T, ctx context.Context, dir string, r repo.Rung) (dockercli.BuildResult, string, string) {
	t.Helper()
	type edited struct {
		res           dockercli.BuildResult
		tag, greeting string
	}
	e := retryOnBusyCache(t, ctx, func() edited {
		greeting := editGreeting(t, dir)
		res, tag := buildEdited(t, ctx, dir, r)
		return edited{res, tag, greeting}
	})
	return e.res, e.tag, e.greeting
}

// retryOnBusyCache runs attempt (an edit and the builds that check it) and
// runs it again, up to three times in all, when a cache mount id that had a
// record gained a second one meanwhile. BuildKit starts a new, empty record
// for a cache mount whose record is busy as a step starts: held while its
// size is measured, by the garbage collector after builds (at most once a
// minute) or by docker system df (moby/buildkit#883), or by a build that
// mounts it sharing=locked or private (builds with the default, shared,
// share the record). That step then
// downloads or compiles everything again, which says nothing about the
// Dockerfile; so the new record is removed, the id keeps the one it had,
// and a new edit is built. It returns what the last attempt returned.
func retryOnBusyCache[T any](t *testing.T, ctx context.Context, attempt func() T) T {
	t.Helper()
	const attempts = 3
	for i := 1; ; i++ {
		before, err := docker.CacheMounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res := attempt()
		after, err := docker.CacheMounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var busy []string
		for id, recs := range after {
			// Only beside a record the id still has: one that replaced a
			// record gone meanwhile is all the id holds, and stays.
			kept := slices.ContainsFunc(recs, func(rec string) bool { return slices.Contains(before[id], rec) })
			for _, rec := range recs {
				if !kept || slices.Contains(before[id], rec) {
					continue
				}
				busy = append(busy, id)
				if _, err := docker.CombinedOutput(ctx, "builder", "prune", "-af", "--filter", "id="+rec); err != nil {
					t.Fatalf("removing record %s, a second one of cache %s: %v", rec, id, err)
				}
			}
		}
		if len(busy) == 0 {
			return res
		}
		slices.Sort(busy)
		busy = slices.Compact(busy)
		if i == attempts {
			t.Fatalf("%d attempts in a row: BuildKit gave cache %s a second, empty record (its record was busy as the step started)", attempts, strings.Join(busy, ", "))
		}
		t.Logf("attempt %d: BuildKit gave cache %s a second, empty record (its record was busy as the step started: moby/buildkit#883); removed it, building a new edit", i, strings.Join(busy, ", "))
	}
}

// buildEdited builds rung r from dir (an edited copy) under an e2e tag.
func buildEdited(t *testing.T, ctx context.Context, dir string, r repo.Rung) (dockercli.BuildResult, string) {
	t.Helper()
	tag := r.Image(imagePrefix) + ":e2e-edit"
	removeImage(t, tag)
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: r.Dockerfile, Tag: tag,
		LogFile: filepath.Join(logDir(t), "edit-"+r.Name+".log")})
	if err != nil {
		t.Fatal(err)
	}
	return res, tag
}

// onlyTheEditedPackage checks what go build -v printed: with GOCACHE in a
// cache mount that hit, it compiled only the edited package.
func onlyTheEditedPackage(t *testing.T, build buildlog.Step) {
	t.Helper()
	want := []string{tutorialModule + "/dependencies"}
	if strings.Join(build.Output, "\n") != strings.Join(want, "\n") {
		t.Errorf("packages compiled after a one-line edit: got %q, want %q", build.Output, want)
	}
}

// baseImage is the image a FROM name resolves to in these builds: the
// stand-in make setup selected with --build-context (offline/), or the
// name itself.
func baseImage(name string) string {
	for _, f := range docker.BaseFlags {
		if v, ok := strings.CutPrefix(f, name+"=docker-image://"); ok {
			return v
		}
	}
	return name
}

func TestDockerignoreKeepsContextSmall(t *testing.T) {
	ctx := engine(t)
	dir := copyRepo(t)
	// A realistic tree: a .git folder and 50 MB of build output in out/.
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		t.Fatalf("the repository copy has no .git: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "out", "big.bin"), make([]byte, 50e6), 0o644); err != nil {
		t.Fatal(err)
	}
	build := func(name string) dockercli.BuildResult {
		t.Helper()
		tag := imagePrefix + "final:e2e-context"
		removeImage(t, tag)
		res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "final.Dockerfile", Tag: tag,
			LogFile: filepath.Join(logDir(t), "context-"+name+".log")})
		if err != nil {
			t.Fatal(err)
		}
		if res.ContextBytes < 0 {
			t.Fatalf("no context size in the build log:\n%s", res.Log)
		}
		return res
	}
	with := build("with-dockerignore")
	if with.ContextBytes >= 100e3 {
		t.Errorf("context with .dockerignore: got %s, want under 100kB", dockercli.HumanSize(with.ContextBytes))
	}
	if err := os.Remove(filepath.Join(dir, ".dockerignore")); err != nil {
		t.Fatal(err)
	}
	without := build("without-dockerignore")
	if without.ContextBytes < 50e6 {
		t.Errorf("context without .dockerignore: got %s, want over 50MB (out/ alone is 50MB): is the measurement real?", dockercli.HumanSize(without.ContextBytes))
	}
}
