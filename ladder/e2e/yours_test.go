//go:build e2e

package e2e

// final.Dockerfile applied to a service no one here wrote for it
// (testdata/yours): its main package in cmd/yours, no go.sum, files served
// through go:embed, a .dockerignore of its own. The Dockerfile is copied in
// byte for byte, as a reader copies it; only build arguments change. The
// private-modules recipe of docs/your-service.md: secret_test.go.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// yoursService copies testdata/yours to a folder of its own with
// final.Dockerfile, unchanged, as its Dockerfile, and returns the folder.
func yoursService(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "yours")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "yours"))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
		t.Fatal("testdata/yours has a go.sum: it stands for a module without one")
	}
	final := readFile(t, filepath.Join(repoRoot(t), repo.Production(rungs).Dockerfile))
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(final), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFinalBuildsYourService(t *testing.T) {
	ctx := engine(t)
	dir := yoursService(t)
	tag := imagePrefix + "yours:e2e"
	removeImage(t, tag)
	_, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "Dockerfile", Tag: tag,
		BuildArgs: map[string]string{"PACKAGE": "./cmd/yours", "VERSION": "v0.0.1"},
		LogFile:   filepath.Join(logDir(t), "yours.log")})
	if err != nil {
		t.Fatal(err)
	}

	// Read-only and non-root (the image's USER), as in production. Only
	// cmd/yours serves the embedded file: PACKAGE was built.
	c := start(t, ctx, tag, "--read-only", "--cap-drop=ALL")
	status, body, err := c.Get(ctx, "/static/hello.txt")
	if err != nil || status != 200 || !strings.Contains(body, "go:embed") {
		t.Errorf("GET /static/hello.txt: %d %q %v; want 200 and the embedded file", status, body, err)
	}
	if user, err := c.Inspect(ctx, "{{.Config.User}}"); err != nil || user != "65532:65532" {
		t.Errorf("user %q (%v), want 65532:65532", user, err)
	}
	// The service has the documented -healthcheck flag, so the
	// HEALTHCHECK final.Dockerfile declares passes.
	waitHealthy(t, ctx, c)
}
