//go:build e2e

package e2e

// make dev and Compose, for real: each saved edit serves in a container
// shaped like production; a broken edit leaves the old code serving and
// says why in one line; Ctrl-C leaves nothing behind. And the Compose
// example of docs/your-service.md runs.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// syncBuffer is a bytes.Buffer two goroutines may use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startMakeDev runs make dev in dir, in a process group of its own (as a
// terminal does), under its own Compose project, and returns it once its
// output matches ready and it serves. stop sends Ctrl-C's SIGINT and waits.
func startMakeDev(t *testing.T, ctx context.Context, dir, port, project string, ready *regexp.Regexp, args ...string) (out *syncBuffer, stop func()) {
	t.Helper()
	out = &syncBuffer{}
	cmd := exec.Command("make", append([]string{"dev", "PORT=" + port, "IMAGE_PREFIX=" + imagePrefix}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "COMPOSE_PROJECT_NAME="+project)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Errorf("make dev still running 60 s after SIGINT:\n%s", out)
		}
	}
	t.Cleanup(stop)
	waitFor(t, out, ready, 10*time.Minute)
	if _, err := devloop.WaitServing(ctx, port, "Hello, ", time.Minute); err != nil {
		t.Fatalf("make dev: %v\n%s", err, out)
	}
	return out, stop
}

func TestMakeDevServesEachSavedEditAndSurvivesABrokenOne(t *testing.T) {
	ctx := engine(t)
	dir := copyRepo(t)
	port, err := devloop.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	project := "go-docker-e2e-dev-" + repo.NewRunID()
	out, stop := startMakeDev(t, ctx, dir, port, project, regexp.MustCompile(`(?m)^dev: serving http://127\.0\.0\.1:`+port+`/`))
	container := project + "-app-dev-1"

	// A stale answer never counts: the old code serves, and a probe for a
	// marker it does not carry times out instead of passing.
	if _, err := devloop.WaitServing(ctx, port, "Hello, never served!", 2*time.Second); err == nil {
		t.Fatal("WaitServing counted an answer without its marker")
	}

	// A saved edit: the new marker served, by a healthy container with the
	// production shape.
	starts := serverStarts(t, ctx, container)
	good := editGreeting(t, dir)
	if _, err := devloop.WaitServing(ctx, port, good, 2*time.Minute); err != nil {
		t.Fatalf("after an edit: %v\n%s", err, out)
	}
	if _, err := devloop.CheckHealth(ctx, docker, container, time.Minute); err != nil {
		t.Errorf("after an edit, the image's health check: %v", err)
	}
	if status, err := docker.Output(ctx, "inspect", "--format", "{{.State.Health.Status}}", container); err != nil || strings.TrimSpace(status) != "healthy" {
		t.Errorf("after an edit, the container's health status is %q (%v), want healthy", status, err)
	}
	if n := serverStarts(t, ctx, container); n != starts+1 {
		t.Errorf("after an edit, the server started %d times more, want once", n-starts)
	}
	shape, err := docker.Output(ctx, "inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.Config.User}}", container)
	if err != nil || strings.TrimSpace(shape) != "true [ALL] 65532:65532" {
		t.Errorf("the dev container: read-only, capabilities, user = %q (%v), want true [ALL] 65532:65532", shape, err)
	}

	// A broken edit: one line names the compile error, the server is not
	// restarted, and the last good code still answers.
	starts = serverStarts(t, ctx, container)
	main := filepath.Join(dir, "dependencies", "main.go")
	b := readFile(t, main)
	if err := os.WriteFile(main, []byte(b+"\nfunc broken( {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, regexp.MustCompile(`(?m)^dev: .*main\.go: compile error: .*main\.go:\d+:\d+: .*\(the last good build still serves\)$`), 2*time.Minute)
	if _, err := devloop.WaitServing(ctx, port, good, 5*time.Second); err != nil {
		t.Errorf("after a broken edit, the last good code does not answer: %v", err)
	}
	if n := serverStarts(t, ctx, container); n != starts {
		t.Errorf("a broken edit restarted the server (%d starts more)", n-starts)
	}

	// The next good save recovers.
	if err := os.WriteFile(main, []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
	again := editGreeting(t, dir)
	if _, err := devloop.WaitServing(ctx, port, again, 2*time.Minute); err != nil {
		t.Fatalf("after a fixed edit: %v\n%s", err, out)
	}

	stop()
	nothingLeft(t, ctx, project, "after Ctrl-C")
}

// nothingLeft checks that no container or network of a Compose project is
// left after what ended it (make dev's Ctrl-C, docker compose down).
func nothingLeft(t *testing.T, ctx context.Context, project, after string) {
	t.Helper()
	for _, kind := range []string{"ps -aq", "network ls -q"} {
		args := append(strings.Fields(kind), "--filter", "label=com.docker.compose.project="+project)
		if left, err := docker.Output(ctx, args...); err != nil || strings.TrimSpace(left) != "" {
			t.Errorf("%s, docker %s finds %q (%v): want nothing of the project", after, kind, left, err)
		}
	}
}

// make dev LOOP=image is Compose's watch: a save rebuilds final.Dockerfile
// and replaces the container; a save that does not compile prints the
// compiler's line in the build output and leaves the old container
// serving; Ctrl-C removes the container and network.
func TestMakeDevImageLoopRebuildsOnSave(t *testing.T) {
	ctx := engine(t)
	dir := copyRepo(t)
	port, err := devloop.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	project := "go-docker-e2e-devimage-" + repo.NewRunID()
	removeImage(t, project+"-app")
	out, stop := startMakeDev(t, ctx, dir, port, project, regexp.MustCompile(`Watch enabled`), "LOOP=image")

	good := editGreeting(t, dir)
	if _, err := devloop.WaitServing(ctx, port, good, 5*time.Minute); err != nil {
		t.Fatalf("after an edit: %v\n%s", err, out)
	}
	shape, err := docker.Output(ctx, "inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.Config.User}}", project+"-app-1")
	if err != nil || strings.TrimSpace(shape) != "true [ALL] 65532:65532" {
		t.Errorf("the container: read-only, capabilities, user = %q (%v), want true [ALL] 65532:65532", shape, err)
	}

	main := filepath.Join(dir, "dependencies", "main.go")
	if err := os.WriteFile(main, []byte(readFile(t, main)+"\nfunc broken( {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, regexp.MustCompile(`main\.go:\d+:\d+: syntax error(?s:.*)Build failed`), 5*time.Minute)
	if _, err := devloop.WaitServing(ctx, port, good, 5*time.Second); err != nil {
		t.Errorf("after a broken edit, the last good image does not answer: %v", err)
	}
	stop()
	nothingLeft(t, ctx, project, "after Ctrl-C")
}

// serverStarts counts the server's "listening" log lines in the container:
// one per start of the process.
func serverStarts(t *testing.T, ctx context.Context, container string) int {
	t.Helper()
	logs, err := docker.CombinedOutput(ctx, "logs", container)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(logs, `"msg":"listening"`)
}

// waitFor waits until out matches re.
func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !re.MatchString(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no line matching %s in make dev's output:\n%s", re, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The Compose example of docs/your-service.md, run: its api service built
// from final.Dockerfile for a service of its own (testdata/yours, whose
// main package is ./cmd/yours where the example says ./cmd/api), and its
// smoke service, which starts once api is healthy and fetches /healthz.
func TestComposeExampleOfYourServiceRuns(t *testing.T) {
	ctx := engine(t)
	dir := yoursService(t)
	doc := readFile(t, filepath.Join(repoRoot(t), "docs", "your-service.md"))
	m := regexp.MustCompile("(?s)<!-- compose -->\n```yaml\n(.*?)```\n<!-- /compose -->").FindStringSubmatch(doc)
	if m == nil || !strings.Contains(m[1], "PACKAGE: ./cmd/api") {
		t.Fatal("docs/your-service.md has no <!-- compose --> block building PACKAGE: ./cmd/api")
	}
	example := strings.Replace(m[1], "PACKAGE: ./cmd/api", "PACKAGE: ./cmd/yours", 1)
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, img := range regexp.MustCompile(`(?m)^\s+image: (\S+)$`).FindAllStringSubmatch(example, -1) {
		officialBaseForTheTest(t, ctx, img[1])
	}
	files := []string{"-f", "compose.yaml"}
	if contexts := standInContexts(docker.BaseFlags); contexts != "" {
		override := "services:\n  api:\n    build:\n      additional_contexts:\n" + contexts
		if err := os.WriteFile(filepath.Join(dir, "stand-ins.yaml"), []byte(override), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, "-f", "stand-ins.yaml")
	}
	project := "go-docker-e2e-compose-" + repo.NewRunID()
	compose := func(ctx context.Context, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "docker", append(append([]string{"compose", "-p", project}, files...), args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// The test's context is cancelled before its cleanups run: down gets
	// one of its own, and what it leaves is an error.
	t.Cleanup(func() {
		ctx := context.Background()
		if out, err := compose(ctx, "down", "--volumes", "--rmi", "local"); err != nil {
			t.Errorf("docker compose down: %v\n%s", err, out)
		}
		nothingLeft(t, ctx, project, "after docker compose down")
	})
	out, err := compose(ctx, "up", "--build", "--exit-code-from", "smoke")
	if err != nil {
		t.Fatalf("docker compose up of the example: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`smoke-1\s+\|\s+ok`).MatchString(out) {
		t.Errorf("the smoke service did not print /healthz's ok:\n%s", out)
	}
}

// standInContexts are the --build-context flags as Compose's
// additional_contexts lines, or "" when builds use the official images.
func standInContexts(flags []string) string {
	var b strings.Builder
	for i := 0; i+1 < len(flags); i++ {
		if flags[i] == "--build-context" {
			name, target, _ := strings.Cut(flags[i+1], "=")
			b.WriteString("        \"" + name + "\": \"" + target + "\"\n")
		}
	}
	return b.String()
}
