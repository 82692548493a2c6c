//go:build e2e

package e2e

// The release: make release pushes a multi-platform index with an SBOM and
// provenance per platform to a registry container, make verify-release
// passes it and fails one without attestations, and two clones of one
// commit give the same image (make final) and the same platform images
// (make release), the second sharing nothing with the first.

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/release"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func TestReleaseIsVerifiableAndReproducible(t *testing.T) {
	ctx := engine(t)
	if containerd, err := containerdStore(ctx); err != nil {
		t.Fatal(err)
	} else if !containerd {
		t.Skip("the engine's builder pushes an index with attestations from the containerd image store only (make release says so)")
	}
	root := repoRoot(t)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	version := "v0.0.0-e2e." + repo.NewRunID()
	portN := mustAtoi(t, port)
	registry := release.RegistryContainer(portN)
	ref := release.LocalRegistry(portN) + "/go-docker:" + version
	// Clone B's release moves the tag, and the engine keeps clone A's index
	// untagged: what is dangling after the test and was not before goes.
	dangling := func(ctx context.Context) map[string]bool {
		return dockerList(t, ctx, "images", "-q", "--no-trunc", "--filter", "dangling=true")
	}
	danglingBefore := dangling(ctx)
	t.Cleanup(func() {
		docker.Output(context.Background(), "rm", "-f", "-v", registry)
		docker.Output(context.Background(), "image", "rm", "-f", ref, ref+"-bare")
		if left := added(danglingBefore, dangling(context.Background())); len(left) > 0 {
			docker.Output(context.Background(), append([]string{"image", "rm", "-f"}, left...)...)
		}
	})
	pruneCacheAfter(t)

	// Clone A: the last commit, built with the reader's warm cache mounts
	// (a build with cache leaves their records as they are): make final,
	// with the release's VERSION, then make release.
	a := gitClone(t, ctx, root)
	removeImage(t, "go-docker-e2e-ra-final")
	runMake(t, ctx, a, "final", "IMAGE_PREFIX=go-docker-e2e-ra-", "VERSION="+version)
	out := runMake(t, ctx, a, "release", "VERSION="+version, "REGISTRY_PORT="+port)
	digestsA := releaseDigests(t, out)
	if strings.Contains(out, "uncommitted changes") {
		t.Errorf("clone A: make release warned of uncommitted changes in a clean clone (make writes only the ignored out/):\n%s", out)
	}

	// make verify-release passes it, naming what it checked.
	out = runMake(t, ctx, a, "verify-release", "VERSION="+version, "REGISTRY_PORT="+port)
	mods, err := release.DirectModules(ctx, a, "./dependencies", "nomsgpack")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"platforms: linux/amd64, linux/arm64", "passes", mods[0].Path + " " + mods[0].Version, mods[1].Path + " " + mods[1].Version,
		"provenance (mode=max) of every platform names commit " + gitHead(t, ctx, a) + " and final.Dockerfile"} {
		if !strings.Contains(out, want) {
			t.Errorf("make verify-release: output lacks %q:\n%s", want, out)
		}
	}
	// The SBOM itself, read without the code under test: gin at go.mod's
	// version, for each platform.
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		sbom, err := docker.Output(ctx, "buildx", "imagetools", "inspect", ref, "--format", `{{json (index .SBOM "`+p+`")}}`)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			SPDX struct {
				Packages []struct{ Name, VersionInfo string }
			}
		}
		if err := json.Unmarshal([]byte(sbom), &doc); err != nil {
			t.Fatalf("%s: the SBOM: %v", p, err)
		}
		if !slices.ContainsFunc(doc.SPDX.Packages, func(pk struct{ Name, VersionInfo string }) bool {
			return pk.Name == mods[0].Path && pk.VersionInfo == mods[0].Version
		}) {
			t.Errorf("%s: the SBOM (%d packages) does not list %s %s", p, len(doc.SPDX.Packages), mods[0].Path, mods[0].Version)
		}
	}

	// A release built without attestations fails verification, in one line
	// that says what is missing.
	cmd := docker.Command(ctx, append([]string{"buildx", "build", "--progress=plain", "-f", filepath.Join(a, "final.Dockerfile"),
		"--platform", "linux/amd64,linux/arm64", "--build-arg", "VERSION=" + version + "-bare", "--sbom=false", "--provenance=false",
		"--output", "type=image,name=" + ref + "-bare,push=true"}, append(docker.BaseFlags, a)...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a release without attestations: %v\n%s", err, b)
	}
	out, err = makeIn(ctx, a, "verify-release", "VERSION="+version+"-bare", "REGISTRY_PORT="+port)
	if err == nil {
		t.Fatalf("make verify-release passed a release without attestations:\n%s", out)
	}
	lines := regexp.MustCompile(`(?m)^verify-release: .*$`).FindAllString(out, -1)
	if len(lines) != 1 || !strings.Contains(lines[0], "linux/amd64: no SBOM attestation") || !strings.Contains(lines[0], "linux/arm64: no provenance attestation") {
		t.Errorf("make verify-release of a release without attestations: want one line naming what is missing, got:\n%s", out)
	}

	// Clone B: the same commit with cache mounts of its own, released with
	// --no-cache: nothing of clone A's builds, nor of the reader's caches,
	// can be reused (cache-mount ids are not part of a step's cache key, so
	// without --no-cache B would get A's layers back).
	b := gitClone(t, ctx, root)
	if err := repo.ScopeDockerfile(filepath.Join(b, "final.Dockerfile"), "go-docker-e2e-rb"+repo.NewRunID()+"-"); err != nil {
		t.Fatal(err)
	}
	out = runMake(t, ctx, b, "release", "VERSION="+version, "REGISTRY_PORT="+port, "BUILD_FLAGS=--no-cache")
	if !strings.Contains(out, "release: warning: built with uncommitted changes") {
		t.Errorf("clone B, whose final.Dockerfile has uncommitted cache-mount ids: make release did not warn:\n%s", out)
	}
	p := buildLog(t, filepath.Join(b, "out", "logs", "release.log"))
	for _, arch := range []string{"amd64", "arm64"} {
		// "[linux/amd64 build 1/1] RUN ... go build" natively,
		// "[linux/amd64->arm64 build 1/1] RUN ... go build" cross-compiled
		// on an amd64 machine.
		i := slices.IndexFunc(p.Steps, func(s buildlog.Step) bool {
			return strings.Contains(s.Name, "go build") && (strings.Contains(s.Name, "linux/"+arch+" build") || strings.Contains(s.Name, "->"+arch+" build"))
		})
		if i < 0 || p.Steps[i].FromCache() {
			t.Errorf("clone B: the %s go build step of the release did not run", arch)
		}
	}
	if !compiled(p, "github.com/gin-gonic/gin") {
		t.Error("clone B: the release compiled no gin package; want a build from nothing")
	}
	// The same platform images, and the same image as clone A's make final
	// (warm, with the reader's caches): the same layers and config date.
	digestsB := releaseDigests(t, out)
	for plat, d := range digestsA {
		if digestsB[plat] != d {
			t.Errorf("%s: clone A pushed %s, clone B %s; want one digest from one commit", plat, d, digestsB[plat])
		}
	}
	native, _, _ := crossPlatform(t, ctx)
	pushed, err := docker.Output(ctx, "buildx", "imagetools", "inspect", ref, "--format", `{{with index .Image "`+native+`"}}{{json .RootFS.DiffIDs}} {{json .Created}}{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	local, err := docker.Output(ctx, "image", "inspect", "--format", "{{json .RootFS.Layers}} {{json .Created}}", "go-docker-e2e-ra-final")
	if err != nil {
		t.Fatal(err)
	}
	// imagetools indents its JSON.
	pushed, local = strings.Join(strings.Fields(pushed), ""), strings.Join(strings.Fields(local), "")
	if pushed != local || !strings.Contains(local, "sha256:") {
		t.Errorf("clone A's make final (layers, date) %s; clone B's release for %s %s: want the same", local, native, pushed)
	}
}

// releaseDigests reads the platform digests make release prints.
func releaseDigests(t *testing.T, out string) map[string]string {
	t.Helper()
	ds := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^release:\s+(linux/\S+)\s+(sha256:[0-9a-f]{64})$`).FindAllStringSubmatch(out, -1) {
		ds[m[1]] = m[2]
	}
	if len(ds) != 2 {
		t.Fatalf("make release printed %d platform digests, want 2:\n%s", len(ds), out)
	}
	return ds
}

// compiled tells whether a go build -v step of the log (one per platform)
// listed pkg.
func compiled(p buildlog.Progress, pkg string) bool {
	return slices.ContainsFunc(p.Steps, func(s buildlog.Step) bool { return strings.Contains(s.Name, "go build") && s.Lists(pkg) })
}

func gitClone(t *testing.T, ctx context.Context, root string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.CommandContext(ctx, "git", "clone", "-q", root, dir).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	return dir
}

func gitHead(t *testing.T, ctx context.Context, dir string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
