//go:build e2e

package e2e

// The final rung as a production template: its image is the binary
// alone, running as non-root, with a healthcheck, a version and labels,
// and its test stage runs the unit tests. It cross-compiles without
// emulation: final_cross_test.go.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
)

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
// store saves an OCI layout whose layers are as exported: gzip, or plain
// tars where make final stores them uncompressed. Both
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
	archive := tarFiles(t, tarPath)
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal(archive["manifest.json"].Data, &manifest); err != nil {
		t.Fatalf("docker save manifest.json: %v", err)
	}
	if len(manifest) != 1 {
		t.Fatalf("docker save manifest: got %d images, want 1", len(manifest))
	}
	var files []string
	for _, l := range manifest[0].Layers {
		f, ok := archive[l]
		if !ok {
			t.Fatalf("docker save: layer %s is not in the archive", l)
		}
		layer := f.Data
		var r io.Reader = bytes.NewReader(layer)
		var err error
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
	checkLabelsAndHealthcheck(t, ctx, tag, version)

	c, err := runContainer(ctx, docker, tag)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Remove(context.Background()) })
	// Healthy within 3 s of start: --start-interval=1s checks every second
	// during the start period (Engine 25+), instead of once per --interval
	// (10 s). Poll for up to 15 s, then read from the engine's own record
	// when the first passing check ended.
	waitHealthy(t, ctx, c)
	if took, passed := firstPassAfterStart(t, ctx, c); !passed || took > 3*time.Second {
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

// checkLabelsAndHealthcheck reads the image's configuration: the version
// given at build time and the other OCI labels, and the HEALTHCHECK.
func checkLabelsAndHealthcheck(t *testing.T, ctx context.Context, tag, version string) {
	t.Helper()
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
}

// waitHealthy polls the container's health for up to 15 s, and fails the
// test with its logs if it is not healthy by then.
func waitHealthy(t *testing.T, ctx context.Context, c *Container) {
	t.Helper()
	var health string
	var err error
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
}

// firstPassAfterStart reads, from the engine's record of the container's
// health checks, how long after start the first passing one ended; passed
// is false when none passed.
func firstPassAfterStart(t *testing.T, ctx context.Context, c *Container) (took time.Duration, passed bool) {
	t.Helper()
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
	return firstPass.Sub(state.StartedAt), !firstPass.IsZero()
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
