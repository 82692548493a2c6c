//go:build e2e

package e2e

// End-to-end tests: they build every rung with the real Docker engine and
// BuildKit, run the images and talk to them over HTTP. They fail when no
// engine answers; only `go test -short` skips them. Run them with
// `make test`, which sets up an engine first where one is missing.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/render"
	"github.com/go-docker/go-docker/ladder/internal/repo"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
)

const (
	tutorialModule = "github.com/go-docker/go-docker"
	// stopGrace is the docker stop grace period. A graceful program exits 0
	// within it; one without a SIGTERM handler exits 2 at once (the Go
	// runtime's default), and one that hangs is killed and exits 137.
	stopGrace = 2 * time.Second
)

var (
	docker      = dockercli.Docker{Bin: os.Getenv("DOCKER")}
	imagePrefix = envOr("IMAGE_PREFIX", "go-docker-")
	buildOnce   sync.Once
	buildErr    error
	// rungs is the catalogue, dockerfiles/rungs.txt.
	rungs []repo.Rung
)

// TestMain reads the catalogue and points builds at stand-in base images
// where scripts/ensure-docker.sh made them (make test-e2e runs it first), as
// the Makefile does.
func TestMain(m *testing.M) {
	flag.Parse()
	root, err := repo.Root(".")
	if err == nil {
		rungs, err = repo.Load(root)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	if !testing.Short() {
		if err == nil {
			docker.BaseFlags, err = docker.StandInFlags(context.Background(), root, os.Getenv("GO_VERSION"), os.Getenv("ALPINE_VERSION"))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// commitTime is SOURCE_DATE_EPOCH as make final computes it.
func commitTime(t *testing.T, dir string) int64 {
	t.Helper()
	n, err := repo.CommitTime(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// engine skips in -short mode and fails when no engine answers.
func engine(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: needs a Docker engine; skipped with -short")
	}
	ctx := t.Context()
	if err := docker.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := repo.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func logDir(t *testing.T) string {
	return filepath.Join(repoRoot(t), "out", "logs", "e2e")
}

// buildLadder builds every rung once from the repository, as go-docker-<rung>.
func buildLadder(t *testing.T) {
	t.Helper()
	root := repoRoot(t)
	buildOnce.Do(func() {
		for _, r := range rungs {
			// The final rung as make final builds it: reproducible.
			_, err := docker.Build(t.Context(), dockercli.BuildOptions{
				Dir: root, Dockerfile: r.Dockerfile, Tag: r.Image(imagePrefix),
				Reproducible: r.Reproducible(), SourceDateEpoch: commitTime(t, root),
				LogFile: filepath.Join(root, "out", "logs", "e2e", "ladder-"+r.Name+".log"),
			})
			if err != nil {
				buildErr = err
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// copyRepo copies the repository into a temporary folder for edits.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "repo")
	if err := repo.Copy(repoRoot(t), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// isolatedCopy copies the repository and gives its Dockerfiles cache-mount
// ids of their own. A --no-cache build replaces the cache mount of its id
// with a fresh one, so on the reader's ids it would throw away their warm
// GOCACHE. The build cache it creates is removed after the test.
func isolatedCopy(t *testing.T) string {
	t.Helper()
	pruneCacheAfter(t)
	dir := copyRepo(t)
	scope := "go-docker-e2e" + repo.NewRunID() + "-"
	for _, r := range rungs {
		if err := repo.ScopeDockerfile(filepath.Join(dir, r.Dockerfile), scope); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pruneCacheAfter removes, when the test ends, the build-cache records
// created while it ran (its cache mounts above all), and no other.
func pruneCacheAfter(t *testing.T) {
	t.Helper()
	before, err := docker.CacheRecordIDs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docker.PruneCacheSince(context.Background(), before) })
}

// editGreeting changes one line of dependencies/main.go, with a new value
// every run, so no earlier build can have cached it.
func editGreeting(t *testing.T, dir string) string {
	t.Helper()
	tag := "edit " + repo.NewRunID()
	if err := repo.EditGreeting(filepath.Join(dir, "dependencies", "main.go"), tag); err != nil {
		t.Fatal(err)
	}
	return "Hello, " + tag + "!"
}

func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), old) != 1 {
		t.Fatalf("%s: want exactly one %q to replace", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func removeImage(t *testing.T, ref string) {
	t.Cleanup(func() { docker.Output(context.Background(), "image", "rm", "-f", ref) })
}

// start runs an image and waits until it answers /healthz.
func start(t *testing.T, ctx context.Context, image string, flags ...string) *Container {
	t.Helper()
	c, err := runContainer(ctx, docker, image, flags...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Remove(context.Background()) })
	readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.WaitReady(readyCtx); err != nil {
		t.Fatal(err)
	}
	return c
}

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

// After a one-line edit, every rung that downloads modules answers that
// step from the cache, and every rung that lists what it compiles (go build
// -v, from the mounts rung on) compiles only the edited package.
func TestSourceEditReusesModuleDownload(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	dir := copyRepo(t)
	for _, r := range rungs {
		if r.Program != "dependencies" {
			continue // the standard-library program has no modules
		}
		t.Run(r.Name, func(t *testing.T) {
			warmCacheMounts(t, ctx, dir, r)
			greeting := editGreeting(t, dir)
			res, tag := buildEdited(t, ctx, dir, r)
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
	editGreeting(t, dir)
	res, tag := buildEdited(t, ctx, dir, mounts)
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
	editGreeting(t, dir)
	buildEdited(t, ctx, dir, r)
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
// stand-in scripts/ensure-docker.sh selected with --build-context, or the
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

func TestMakeRunRejectsBadInput(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	tests := []struct {
		name string
		args []string
		want []string // all of these in the first line
	}{
		{"unknown rung", []string{"RUNG=no-such-rung"}, append([]string{"no-such-rung"}, repo.Names(rungs)...)},
		{"port not a number", []string{"PORT=abc"}, []string{"invalid PORT 'abc'", "1 to 65535"}},
		{"port too large", []string{"PORT=70000"}, []string{"invalid PORT '70000'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("make", append([]string{"-s", "run"}, tt.args...)...)
			cmd.Dir = repoRoot(t)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("make run %v: succeeded, want an error; output: %s", tt.args, out)
			}
			first := strings.SplitN(string(out), "\n", 2)[0]
			for _, want := range tt.want {
				if !strings.Contains(first, want) {
					t.Errorf("first line %q: want it to contain %q", first, want)
				}
			}
		})
	}
}

// ---- The final rung as a production template ----

func TestFinalCrossCompilesWithoutEmulation(t *testing.T) {
	ctx := engine(t)
	root := repoRoot(t)
	// The engine's own platform, and another one to cross-compile for.
	arch, err := docker.Output(ctx, "version", "--format", "{{.Server.Arch}}")
	if err != nil {
		t.Fatal(err)
	}
	native := "linux/" + strings.TrimSpace(arch)
	target, machine := "arm64", elf.EM_AARCH64
	if native == "linux/arm64" {
		target, machine = "amd64", elf.EM_X86_64
	}
	// Through make, as the README shows it; a prefix of its own keeps the
	// reader's go-docker-final untouched.
	prefix := "go-docker-e2e-cross-"
	removeImage(t, prefix+"final")
	runMake(t, ctx, root, "-s", "final", "PLATFORM=linux/"+target, "IMAGE_PREFIX="+prefix)
	img, err := docker.Inspect(ctx, prefix+"final")
	if err != nil {
		t.Fatal(err)
	}
	if img.Architecture != target {
		t.Errorf("image architecture: got %q, want %s", img.Architecture, target)
	}
	// The binary, from a build that asks BuildKit to name each step's
	// platform (BUILDKIT_MULTI_PLATFORM=1 does that for one platform too).
	out := t.TempDir()
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: root, Dockerfile: "final.Dockerfile", Target: "binary",
		Platform: "linux/" + target, Output: "type=local,dest=" + out,
		BuildArgs: map[string]string{"BUILDKIT_MULTI_PLATFORM": "1"},
		LogFile:   filepath.Join(logDir(t), "cross-"+target+".log")})
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(filepath.Join(out, "linux_"+target, "server"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != machine {
		t.Errorf("binary machine: got %v, want %v", f.Machine, machine)
	}
	// No emulation, in BuildKit's own words: a step that runs on the build
	// platform and targets another is named BUILDPLATFORM->TARGETARCH.
	// Under QEMU the go build step would be named linux/<target> instead.
	step, ok := res.Find("go build")
	if want := "[" + native + "->" + target + " "; !ok || !strings.HasPrefix(step.Name, want) {
		t.Errorf("go build step: got %q, want it to start with %q (run on the build platform, cross-compiled)", step.Name, want)
	}

	// One GOCACHE mount serves both architectures without evicting either:
	// after an edit, each recompiles only the edited package.
	dir := copyRepo(t)
	platforms := []string{"linux/amd64", "linux/arm64"}
	binary := func(platform, label string) dockercli.BuildResult {
		t.Helper()
		res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "final.Dockerfile", Target: "binary",
			Platform: platform, Output: "type=local,dest=" + t.TempDir(),
			LogFile: filepath.Join(logDir(t), "cross-"+label+"-"+strings.ReplaceAll(platform, "/", "-")+".log")})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The warm builds run go build (an edit no build has seen), so both
	// platforms' packages are in the build cache mount.
	editGreeting(t, dir)
	for _, p := range platforms {
		binary(p, "warm")
	}
	editGreeting(t, dir)
	for _, p := range platforms {
		step, ok := binary(p, "edit").Find("go build")
		want := []string{tutorialModule + "/dependencies"}
		if !ok || strings.Join(step.Output, ",") != strings.Join(want, ",") {
			t.Errorf("%s after an edit: go build compiled %q, want only %q", p, step.Output, want)
		}
	}
}

// exportBinary builds the final rung's binary stage and returns its path.
func exportBinary(t *testing.T, ctx context.Context, label, dir, platform string, noCache bool) (string, dockercli.BuildResult) {
	t.Helper()
	out := t.TempDir()
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "final.Dockerfile", Target: "binary",
		Platform: platform, NoCache: noCache, Output: "type=local,dest=" + out,
		LogFile: filepath.Join(logDir(t), "binary-"+label+".log")})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(out, "server"), res
}

func TestFinalImageIsOnlyTheBinaryRunningAsNonRoot(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	image := imagePrefix + "final"
	img, err := docker.Inspect(ctx, image)
	if err != nil {
		t.Fatal(err)
	}
	if img.Config.User != "65532:65532" {
		t.Errorf("user: got %q, want 65532:65532", img.Config.User)
	}
	files := imageFiles(t, ctx, image)
	want := []string{"etc/ssl/certs/ca-certificates.crt", "server"}
	if strings.Join(files, ",") != strings.Join(want, ",") {
		t.Errorf("files in the image: got %q, want %q", files, want)
	}
	// Size at the floor: the image is its binary and a CA bundle.
	size, _, err := docker.Sizes(ctx, image)
	if err != nil {
		t.Fatal(err)
	}
	bin, _ := exportBinary(t, ctx, "native", repoRoot(t), "", false)
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if ratio := float64(size) / float64(st.Size()); ratio > 1.05 {
		t.Errorf("image %s is %.3f× its binary %s, want ≤ 1.05×", dockercli.HumanSize(size), ratio, dockercli.HumanSize(st.Size()))
	}
	if img.Architecture == "amd64" && size >= 9e6 {
		t.Errorf("image size: got %s, want under 9MB", dockercli.HumanSize(size))
	}
	// No shell to exec into.
	if out, err := docker.CombinedOutput(ctx, "run", "--rm", "--entrypoint", "/bin/sh", image, "-c", "true"); err == nil {
		t.Errorf("docker run --entrypoint /bin/sh: succeeded, want no shell in the image: %s", out)
	}
	// Still serves with a read-only root filesystem and no capabilities.
	c := start(t, ctx, image, "--read-only", "--cap-drop=ALL")
	if status, _, err := c.Get(ctx, "/"); err != nil || status != 200 {
		t.Errorf("GET / under --read-only --cap-drop=ALL: got %d, %v, want 200", status, err)
	}
	if out, err := docker.CombinedOutput(ctx, "exec", c.ID, "/server", "-healthcheck"); err != nil {
		t.Errorf("docker exec /server -healthcheck under --read-only --cap-drop=ALL: %v %s", err, out)
	}
}

// imageFiles lists the regular files in an image's layers, from docker
// save. The classic store saves uncompressed layer tars; the containerd
// store saves an OCI layout whose layers are compressed (gzip here). Both
// carry a manifest.json that lists the layers in order.
func imageFiles(t *testing.T, ctx context.Context, image string) []string {
	t.Helper()
	// docker save given a repository without a tag saves every tag of it,
	// and the reader's (or a killed compare run's) other tags of
	// go-docker-final are not this image.
	if name := image[strings.LastIndex(image, "/")+1:]; !strings.ContainsAny(name, ":@") {
		image += ":latest"
	}
	tarPath := filepath.Join(t.TempDir(), "image.tar")
	if _, err := docker.Output(ctx, "save", "-o", tarPath, image); err != nil {
		t.Fatal(err)
	}
	layers := map[string][]byte{}
	var manifest []struct{ Layers []string }
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "manifest.json" {
			if err := json.Unmarshal(b, &manifest); err != nil {
				t.Fatal(err)
			}
		} else {
			layers[h.Name] = b
		}
	}
	if len(manifest) != 1 {
		t.Fatalf("docker save manifest: got %d images, want 1", len(manifest))
	}
	var files []string
	for _, l := range manifest[0].Layers {
		layer, ok := layers[l]
		if !ok {
			t.Fatalf("docker save: layer %s is not in the archive", l)
		}
		var r io.Reader = bytes.NewReader(layer)
		if bytes.HasPrefix(layer, []byte{0x1f, 0x8b}) {
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatalf("layer %s: %v", l, err)
			}
		}
		lr := tar.NewReader(r)
		for {
			h, err := lr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("layer %s: %v", l, err)
			}
			if h.Typeflag == tar.TypeReg {
				files = append(files, strings.TrimPrefix(h.Name, "/"))
			}
		}
	}
	slices.Sort(files)
	return files
}

func TestFinalHealthcheckVersionAndLabels(t *testing.T) {
	ctx := engine(t)
	version := fmt.Sprintf("v0.0.0-e2e.%d", time.Now().Unix())
	tag := imagePrefix + "final:e2e-version"
	removeImage(t, tag)
	if _, err := docker.Build(ctx, dockercli.BuildOptions{Dir: repoRoot(t), Dockerfile: "final.Dockerfile", Tag: tag,
		BuildArgs: map[string]string{"VERSION": version}, LogFile: filepath.Join(logDir(t), "version.log")}); err != nil {
		t.Fatal(err)
	}
	img, err := docker.Inspect(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	wantLabels := map[string]string{
		"org.opencontainers.image.version":  version,
		"org.opencontainers.image.licenses": "MIT",
	}
	for k, v := range wantLabels {
		if img.Config.Labels[k] != v {
			t.Errorf("label %s: got %q, want %q", k, img.Config.Labels[k], v)
		}
	}
	for _, k := range []string{"org.opencontainers.image.source", "org.opencontainers.image.description"} {
		if img.Config.Labels[k] == "" {
			t.Errorf("label %s: missing", k)
		}
	}
	if hc := img.Config.Healthcheck; hc == nil || strings.Join(hc.Test, " ") != "CMD /server -healthcheck" {
		t.Errorf("healthcheck: got %+v, want CMD /server -healthcheck", hc)
	}

	c, err := runContainer(ctx, docker, tag)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Remove(context.Background()) })
	// Healthy within 3 s of start: --start-interval=1s checks every second
	// during the start period (Engine 25+), instead of once per --interval
	// (10 s). Poll for up to 15 s, then read from the engine's own record
	// when the first passing check ended.
	var health string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if health, err = c.Inspect(ctx, "{{.State.Health.Status}}"); err != nil {
			t.Fatal(err)
		}
		if health == "healthy" {
			break
		}
	}
	if health != "healthy" {
		logs, _ := c.Logs(ctx)
		t.Fatalf("health 15 s after start: got %q, want healthy; logs: %s", health, logs)
	}
	js, err := c.Inspect(ctx, "{{json .State}}")
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		StartedAt time.Time
		Health    struct {
			Log []struct {
				End      time.Time
				ExitCode int
			}
		}
	}
	if err := json.Unmarshal([]byte(js), &state); err != nil {
		t.Fatal(err)
	}
	var firstPass time.Time
	for _, l := range state.Health.Log {
		if l.ExitCode == 0 && (firstPass.IsZero() || l.End.Before(firstPass)) {
			firstPass = l.End
		}
	}
	if took := firstPass.Sub(state.StartedAt); firstPass.IsZero() || took > 3*time.Second {
		t.Errorf("first passing health check: %v after start, want within 3 s (HEALTHCHECK --start-interval)", took.Round(time.Millisecond))
	}
	logs, err := c.Logs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"version":"` + regexp.QuoteMeta(version) + `"`).MatchString(logs) {
		t.Errorf("startup log: got %q, want a JSON field version=%q", logs, version)
	}
}

func TestFinalBinaryIsReproducible(t *testing.T) {
	ctx := engine(t)
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

func TestFinalTestStageRunsTheUnitTests(t *testing.T) {
	ctx := engine(t)
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: isolatedCopy(t), Dockerfile: "final.Dockerfile", Target: "test",
		NoCache: true, LogFile: filepath.Join(logDir(t), "test-stage.log")})
	if err != nil {
		t.Fatal(err)
	}
	step, ok := res.Find("go test")
	if !ok {
		t.Fatalf("no go test step in the build log:\n%s", res.Log)
	}
	out := strings.Join(step.Output, "\n")
	for _, pkg := range []string{"/simple", "/dependencies"} {
		if !regexp.MustCompile(`(?m)^ok\s+` + regexp.QuoteMeta(tutorialModule+pkg) + `\s`).MatchString(out) {
			t.Errorf("go test output: want an ok line for %s, got:\n%s", tutorialModule+pkg, out)
		}
	}
	// And a failing test fails the build.
	dir := copyRepo(t)
	editGreeting(t, dir)
	if _, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "final.Dockerfile", Target: "test",
		LogFile: filepath.Join(logDir(t), "test-stage-failing.log")}); err == nil {
		t.Error("docker build --target test with a failing unit test: succeeded, want failure")
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

// ---- Beyond one machine ----

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

// ---- make compare ----

// runCompare runs the measuring tool as make compare does, and returns its
// exit error and stderr.
func runCompare(t *testing.T, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./cmd/compare"}, args...)...)
	cmd.Dir = filepath.Join(repoRoot(t), "ladder")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stderr.String(), err
}

func TestCompareWritesAReportThatMatchesTheSchema(t *testing.T) {
	ctx := engine(t)
	out := t.TempDir()
	// Images an earlier, killed run left behind are not this run's: only
	// what this run adds counts.
	before := dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=go-docker-*:compare-*")
	if stderr, err := runCompare(t, ctx, "-repo", repoRoot(t), "-out", out, "-runs", "1", "-rungs", "multi-stage,final", "-peers", "none"); err != nil {
		t.Fatalf("compare: %v\n%s", err, stderr)
	}
	rep := readReport(t, out)
	if len(rep.Rungs) != 2 || rep.Rungs[0].Name != "multi-stage" || rep.Rungs[1].Name != "final" {
		t.Fatalf("rungs: got %+v, want multi-stage and final", rep.Rungs)
	}
	final := rep.Rungs[1]
	if final.ColdCheck.GinCompiled == nil || !*final.ColdCheck.GinCompiled || !final.ColdCheck.ModulesDownloaded {
		t.Errorf("final cold check: got %+v, want modules downloaded and gin compiled", final.ColdCheck)
	}
	if final.ContextBytes.WithoutDockerignore <= final.ContextBytes.WithDockerignore {
		t.Errorf("context bytes: got %+v, want more without .dockerignore", final.ContextBytes)
	}
	for _, f := range []string{"compare.md", "compare.svg"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %v (%d bytes)", f, err, len(b))
		}
	}
	// The tool cleans up after itself: no compare-tagged image was added.
	if left := added(before, dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=go-docker-*:compare-*")); len(left) > 0 {
		t.Errorf("images left behind by compare: %v", left)
	}
}

// make compare RUNS=1 RUNGS=final measures the peers beside final, in the
// same run: docker init's Dockerfile and ko, each with its four scenarios
// and its image size, and removes their images afterwards.
func TestCompareMeasuresThePeersBesideFinal(t *testing.T) {
	ctx := engine(t)
	out := t.TempDir()
	listPeers := func() map[string]bool {
		set := dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=go-docker-peer-*:compare-*")
		for k := range dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=ko.local/go-docker-peer-*") {
			set[k] = true
		}
		return set
	}
	before := listPeers()
	if stderr, err := runCompare(t, ctx, "-repo", repoRoot(t), "-out", out, "-runs", "1", "-rungs", "final"); err != nil {
		t.Fatalf("compare: %v\n%s", err, stderr)
	}
	rep := readReport(t, out)
	if len(rep.Rungs) != 1 || rep.Rungs[0].Name != "final" {
		t.Fatalf("rungs: got %+v, want final", rep.Rungs)
	}
	var names []string
	for _, p := range rep.Peers {
		names = append(names, p.Name)
		if p.SizeBytes <= 0 || p.Layers <= 0 {
			t.Errorf("%s: size %d bytes, %d layers; want an image", p.Name, p.SizeBytes, p.Layers)
		}
		for scenario, st := range map[string]measure.Stats{"cold": p.BuildS.Cold, "noop": p.BuildS.Noop, "edit": p.BuildS.Edit, "dep": p.BuildS.Dep} {
			if len(st.Samples) != 1 || st.Median <= 0 {
				t.Errorf("%s %s: %+v, want one timed run", p.Name, scenario, st)
			}
		}
	}
	if !slices.Equal(names, []string{"docker-init", "ko"}) {
		t.Fatalf("peers: got %q, want docker-init and ko", names)
	}
	// What the caches did, from the docker init peer's build logs: a no-op
	// rebuild runs nothing, and after an edit the module download stays
	// CACHED while go build runs, with no cache mount for its build cache.
	progress := func(name string) buildlog.Progress {
		t.Helper()
		p, err := buildlog.Parse(strings.NewReader(readFile(t, filepath.Join(out, "logs", name))))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if ran, cached := progress("peer-docker-init-noop-1.log").Ran(); ran != 0 || cached == 0 {
		t.Errorf("docker-init no-op rebuild: %d steps ran, %d CACHED; want none ran", ran, cached)
	}
	edit := progress("peer-docker-init-edit-1.log")
	if dl, ok := edit.Find("go mod download"); !ok || !dl.Cached {
		t.Errorf("docker-init edit: go mod download %+v, want CACHED", dl)
	}
	if b, ok := edit.Find("go build"); !ok || b.Cached {
		t.Errorf("docker-init edit: go build %+v, want it to run", b)
	}
	// ko's log names the base it used: the one compare built, from the engine.
	if b, err := os.ReadFile(filepath.Join(out, "logs", "peer-ko-cold-1.log")); err != nil || !strings.Contains(string(b), "Using base ko.local/go-docker-peer-ko-base:compare-") {
		t.Errorf("ko cold log: %v; want ko to use the base compare built (ko.local)\n%s", err, b)
	}
	// The README table renders from it, with ratios to final.
	table, ok := render.PeersTable(rep)
	if !ok || !strings.Contains(table, "| docker-init |") || !strings.Contains(table, "| ko |") {
		t.Errorf("README table from this report:\n%s", table)
	}
	if left := added(before, listPeers()); len(left) > 0 {
		t.Errorf("peer images left behind by compare: %v", left)
	}
}

// readReport reads the compare.json a run wrote into out, and checks it
// against the schema.
func readReport(t *testing.T, out string) measure.Report {
	t.Helper()
	js, err := os.ReadFile(filepath.Join(out, "compare.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := measure.ValidateSchema(filepath.Join(repoRoot(t), "ladder", "compare.schema.json"), js); err != nil {
		t.Errorf("compare.json does not match compare.schema.json: %v", err)
	}
	var rep measure.Report
	if err := json.Unmarshal(js, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// dockerList runs a docker listing command and returns the words it printed.
func dockerList(t *testing.T, ctx context.Context, args ...string) map[string]bool {
	t.Helper()
	out, err := docker.Output(ctx, args...)
	if err != nil {
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	set := map[string]bool{}
	for _, f := range strings.Fields(out) {
		set[f] = true
	}
	return set
}

// added returns what after holds and before did not, sorted.
func added(before, after map[string]bool) []string {
	var out []string
	for k := range after {
		if !before[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestCompareFailingBuildKeepsItsLogAndLeavesNoReport(t *testing.T) {
	ctx := engine(t)
	dir := copyRepo(t)
	replaceInFile(t, filepath.Join(dir, "final.Dockerfile"), "go build -v ", "go build -no-such-flag ")
	out := t.TempDir()
	stderr, err := runCompare(t, ctx, "-repo", dir, "-out", out, "-runs", "1", "-rungs", "final", "-peers", "none")
	if err == nil {
		t.Fatalf("compare with a broken Dockerfile: succeeded, want failure\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	// go run adds its own "exit status 1" line after the tool's.
	if strings.HasPrefix(last, "exit status") && len(lines) > 1 {
		last = lines[len(lines)-2]
	}
	log := filepath.Join(out, "logs", "final-cold-1.log")
	if !strings.HasPrefix(last, "compare: ") || !strings.Contains(last, log) {
		t.Errorf("last line: got %q, want a compare: error naming %s", last, log)
	}
	if b, err := os.ReadFile(log); err != nil || !strings.Contains(string(b), "no-such-flag") {
		t.Errorf("build log %s: %v; want the failed build's output kept", log, err)
	}
	for _, f := range []string{"compare.json", "compare.md", "compare.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s exists after a failed run, want none", f)
		}
	}
}
