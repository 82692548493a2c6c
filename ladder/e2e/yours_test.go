//go:build e2e

package e2e

// final.Dockerfile applied to a service no one here wrote for it
// (testdata/yours): its main package in cmd/yours, no go.sum, files served
// through go:embed, a .dockerignore of its own. The Dockerfile is copied in
// byte for byte, as a reader copies it; only build arguments change. Then
// the private-modules recipe of docs/your-service.md: a token passed as a
// build secret is in no part of the saved image.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
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
	final := readFile(t, filepath.Join(repoRoot(t), repo.Last(rungs).Dockerfile))
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

// secretDownloadStep is the module download of docs/your-service.md's
// private-modules section; the test puts it in place of final.Dockerfile's.
const (
	finalDownloadStep  = "RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \\\n    go mod download\n"
	secretDownloadStep = "RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \\\n" +
		"    --mount=type=secret,id=netrc,target=/root/.netrc,required=true \\\n" +
		"    GOPRIVATE=example.com/private go mod download\n"
)

func TestBuildSecretIsNowhereInTheImage(t *testing.T) {
	ctx := engine(t)
	if doc := readFile(t, filepath.Join(repoRoot(t), "docs", "your-service.md")); !strings.Contains(doc, secretDownloadStep) {
		t.Fatalf("docs/your-service.md no longer shows this test's download step:\n%s", secretDownloadStep)
	}
	dir := yoursService(t)
	dockerfile := filepath.Join(dir, "Dockerfile")
	replaceInFile(t, dockerfile, finalDownloadStep, secretDownloadStep)
	// The secret is in no cache key: a step text of this run's own, so an
	// earlier run's download step is not reused, and the build without
	// the secret below really runs the step.
	replaceInFile(t, dockerfile, "GOPRIVATE=example.com/private ", "GOPRIVATE=example.com/private-"+repo.NewRunID()+" ")
	token := "e2e-token-" + repo.NewRunID()
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine example.com login e2e password "+token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pruneCacheAfter(t)
	build := func(secret bool) error {
		o := dockercli.BuildOptions{Dir: dir, Dockerfile: "Dockerfile", Tag: imagePrefix + "yours:e2e-secret",
			BuildArgs: map[string]string{"PACKAGE": "./cmd/yours"},
			LogFile:   filepath.Join(logDir(t), "yours-secret.log")}
		if secret {
			o.ExtraFlags = []string{"--secret", "id=netrc,src=" + netrc}
		}
		_, err := docker.Build(ctx, o)
		return err
	}
	removeImage(t, imagePrefix+"yours:e2e-secret")
	// required=true: the step really mounts the secret, so a build
	// without it fails.
	if err := build(false); err == nil {
		t.Fatal("a build without --secret id=netrc succeeded: is the secret mount still required?")
	}
	if err := build(true); err != nil {
		t.Fatal(err)
	}
	where := map[string]string{}
	for _, args := range [][]string{
		{"history", "--no-trunc", imagePrefix + "yours:e2e-secret"},
		{"image", "inspect", imagePrefix + "yours:e2e-secret"},
	} {
		out, err := docker.Output(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		where["docker "+strings.Join(args[:1], " ")] = out
	}
	tarPath := filepath.Join(t.TempDir(), "image.tar")
	if _, err := docker.Output(ctx, "save", "-o", tarPath, imagePrefix+"yours:e2e-secret"); err != nil {
		t.Fatal(err)
	}
	for name, b := range savedBlobs(t, tarPath) {
		where["docker save: "+name] = string(b)
	}
	if len(where) < 5 {
		t.Fatalf("read only %d places of the image, want its history, config, manifest and layer", len(where))
	}
	for name, text := range where {
		if strings.Contains(text, token) {
			t.Errorf("the build secret's token is in %s", name)
		}
	}
}

// savedBlobs returns every file of a docker save archive, gzip layers
// decompressed, so a search sees the files' bytes.
func savedBlobs(t *testing.T, tarPath string) map[string][]byte {
	t.Helper()
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blobs := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return blobs
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", h.Name, err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", h.Name, err)
			}
		}
		blobs[h.Name] = b
	}
}
