//go:build e2e

package e2e

// The release: make release pushes a multi-platform index with an SBOM and
// provenance per platform to a registry container; make verify-release
// passes it, and fails, in one line, a release of another commit, one
// without attestations, one that lacks a platform, and one built from
// uncommitted changes (unless ALLOW_DIRTY=1); make release refuses such a
// tree unless ALLOW_DIRTY=1. Two clones of one commit give the same
// platform images, the second sharing nothing with the first, with the
// layers and date of make final's image.

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
	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/release"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func TestReleaseIsVerifiableAndReproducible(t *testing.T) {
	ctx := engine(t)
	requireContainerdStore(t, "the engine's builder pushes an index with attestations from the containerd image store only (make release says so)")
	root := repoRoot(t)
	port, err := devloop.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	version := "v0.0.0-e2e." + repo.NewRunID()
	ref := release.LocalRegistry(mustAtoi(t, port)) + "/go-docker:" + version
	cleanUpRelease(t, ctx, mustAtoi(t, port), ref, ref+"-bare", ref+"-one")
	pruneCacheAfter(t)
	shareCosign(t, ctx, root)

	// Clone A: the last commit, built with the reader's warm cache mounts
	// (a build with cache leaves their records as they are): make final,
	// with the release's VERSION, then make release.
	a := gitClone(t, ctx, root)
	removeImage(t, "go-docker-e2e-ra-final")
	runMake(t, ctx, a, "final", "IMAGE_PREFIX=go-docker-e2e-ra-", "VERSION="+version)
	out := runMake(t, ctx, a, "release", "VERSION="+version, "REGISTRY_PORT="+port)
	digestsA := releaseDigests(t, out)
	if strings.Contains(out, "uncommitted changes") {
		t.Errorf("clone A: make release spoke of uncommitted changes in a clean clone (make writes only the ignored out/):\n%s", out)
	}
	verifyPasses(t, ctx, a, ref, version, port)
	verifyFailsAsItShould(t, ctx, a, version, port)
	tamperedTagFails(t, ctx, a, ref, version, port)

	// Clone B: the same commit with cache mounts of its own (an uncommitted
	// change), released with --no-cache: nothing of clone A's builds, nor
	// of the reader's caches, can be reused (cache-mount ids are not part
	// of a step's cache key, so without --no-cache B would get A's layers
	// back).
	b := gitClone(t, ctx, root)
	if err := repo.ScopeDockerfile(filepath.Join(b, "final.Dockerfile"), "go-docker-e2e-rb"+repo.NewRunID()+"-"); err != nil {
		t.Fatal(err)
	}
	// A changed tree is refused, then released with ALLOW_DIRTY=1, marked
	// -dirty, which verify-release refuses unless told to accept it.
	failsWithOneLine(t, ctx, b, "release", "uncommitted changes", "release", "VERSION="+version, "REGISTRY_PORT="+port)
	out = runMake(t, ctx, b, "release", "VERSION="+version, "REGISTRY_PORT="+port, "BUILD_FLAGS=--no-cache", "ALLOW_DIRTY=1")
	if !strings.Contains(out, "release: warning: built with uncommitted changes (ALLOW_DIRTY=1)") {
		t.Errorf("clone B, whose final.Dockerfile has uncommitted cache-mount ids: make release ALLOW_DIRTY=1 did not warn:\n%s", out)
	}
	failsWithOneLine(t, ctx, b, "verify-release", gitHead(t, ctx, b)+"-dirty (built from a tree with uncommitted changes",
		"verify-release", "VERSION="+version, "REGISTRY_PORT="+port)
	if out := runMake(t, ctx, b, "verify-release", "VERSION="+version, "REGISTRY_PORT="+port, "ALLOW_DIRTY=1"); !strings.Contains(out, "accepted with ALLOW_DIRTY=1") {
		t.Errorf("clone B: make verify-release ALLOW_DIRTY=1 does not say it accepted a -dirty release:\n%s", out)
	}
	otherKeyFails(t, ctx, a, version, port)
	checkBuiltFromNothing(t, filepath.Join(b, "out", "logs", "release.log"))
	// The same platform images, and the same image as clone A's make final
	// (warm, with the reader's caches): the same layers and config date.
	// Not the same ID: make adds its label (io.github.go-docker.ladder).
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

// cleanUpRelease removes, when the test ends, the registry container on
// port, the engine's copies of refs, and the images the releases left
// untagged (clone B's release moves the tag; the engine keeps clone A's
// index): what is dangling after the test and was not before.
func cleanUpRelease(t *testing.T, ctx context.Context, port int, refs ...string) {
	t.Helper()
	dangling := func(ctx context.Context) map[string]bool {
		return dockerList(t, ctx, "images", "-q", "--no-trunc", "--filter", "dangling=true")
	}
	before := dangling(ctx)
	t.Cleanup(func() {
		docker.Output(context.Background(), "rm", "-f", "-v", release.RegistryContainer(port))
		docker.Output(context.Background(), append([]string{"image", "rm", "-f"}, refs...)...)
		if left := added(before, dangling(context.Background())); len(left) > 0 {
			docker.Output(context.Background(), append([]string{"image", "rm", "-f"}, left...)...)
		}
	})
}

// verifyPasses runs make verify-release on clone a's release, checks that
// it names what it checked, and reads each platform's SBOM without the
// code under test: gin and logrus at go.mod's versions.
func verifyPasses(t *testing.T, ctx context.Context, a, ref, version, port string) {
	t.Helper()
	out := runMake(t, ctx, a, "verify-release", "VERSION="+version, "REGISTRY_PORT="+port)
	mods, err := release.DirectModules(ctx, a, "./dependencies", "nomsgpack")
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 2 {
		t.Fatalf("go.mod's direct modules that ./dependencies compiles in: %v, want gin and logrus", mods)
	}
	want := []string{"platforms: linux/amd64, linux/arm64", "passes",
		"provenance (mode=max) of every platform names commit " + gitHead(t, ctx, a) + " and final.Dockerfile"}
	for _, m := range mods {
		want = append(want, m.Path+" "+m.Version)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("make verify-release: output lacks %q:\n%s", w, out)
		}
	}
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
		for _, m := range mods {
			if !slices.ContainsFunc(doc.SPDX.Packages, func(pk struct{ Name, VersionInfo string }) bool {
				return pk.Name == m.Path && pk.VersionInfo == m.Version
			}) {
				t.Errorf("%s: the SBOM (%d packages) does not list %s %s", p, len(doc.SPDX.Packages), m.Path, m.Version)
			}
		}
	}
}

// verifyFailsAsItShould shows make verify-release failing, in one line
// that names the fault, against the real registry: a release of another
// commit (COMMIT), a release without attestations, and one that lacks a
// platform.
func verifyFailsAsItShould(t *testing.T, ctx context.Context, a, version, port string) {
	t.Helper()
	other := strings.Repeat("0", 40)
	failsWithOneLine(t, ctx, a, "verify-release", "the provenance names "+gitHead(t, ctx, a)+", want commit "+other,
		"verify-release", "VERSION="+version, "REGISTRY_PORT="+port, "COMMIT="+other)

	ref := release.LocalRegistry(mustAtoi(t, port)) + "/go-docker:" + version
	cmd := docker.Command(ctx, append([]string{"buildx", "build", "--progress=plain", "-f", filepath.Join(a, "final.Dockerfile"),
		"--platform", "linux/amd64,linux/arm64", "--build-arg", "VERSION=" + version + "-bare", "--sbom=false", "--provenance=false",
		"--output", "type=image,name=" + ref + "-bare,push=true"}, append(docker.BaseFlags, a)...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a release without attestations: %v\n%s", err, b)
	}
	line := failsWithOneLine(t, ctx, a, "verify-release", "linux/amd64: no SBOM attestation",
		"verify-release", "VERSION="+version+"-bare", "REGISTRY_PORT="+port)
	if !strings.Contains(line, "linux/arm64: no provenance attestation") {
		t.Errorf("make verify-release of a release without attestations: want its line to name every fault, got %q", line)
	}

	runMake(t, ctx, a, "release", "VERSION="+version+"-one", "REGISTRY_PORT="+port, "PLATFORMS=linux/amd64")
	failsWithOneLine(t, ctx, a, "verify-release", "linux/arm64 is missing (the index has linux/amd64)",
		"verify-release", "VERSION="+version+"-one", "REGISTRY_PORT="+port)
}

// tamperedTagFails pushes another index under the release's tag: the
// same platform images, SBOMs and provenance, with one annotation added,
// as someone with push rights could. make verify-release fails on the
// signature alone, then passes again once the tag points back to the
// index make release signed.
func tamperedTagFails(t *testing.T, ctx context.Context, a, ref, version, port string) {
	t.Helper()
	signed, err := docker.Output(ctx, "buildx", "imagetools", "inspect", ref, "--format", "{{json .Manifest.Digest}}")
	if err != nil {
		t.Fatal(err)
	}
	signed = strings.Trim(strings.TrimSpace(signed), `"`)
	retag := func(from string, extra ...string) {
		args := append([]string{"buildx", "imagetools", "create", "-t", ref}, extra...)
		if out, err := docker.CombinedOutput(ctx, append(args, from)...); err != nil {
			t.Fatalf("docker buildx imagetools create -t %s %s: %v\n%s", ref, from, err, out)
		}
	}
	name, _, _ := strings.Cut(ref, ":"+version)
	retag(name+"@"+signed, "--annotation", "index:org.opencontainers.image.description=not what make release pushed")
	line := failsWithOneLine(t, ctx, a, "verify-release", "no signature by out/release/cosign.pub signs the index",
		"verify-release", "VERSION="+version, "REGISTRY_PORT="+port)
	if strings.Contains(line, signed) || strings.Contains(line, "linux/") {
		t.Errorf("a tampered tag: want one fault, the signature of another index than %s, got %q", signed, line)
	}
	retag(name + "@" + signed)
	if out := runMake(t, ctx, a, "verify-release", "VERSION="+version, "REGISTRY_PORT="+port); !strings.Contains(out, "signature: the index "+signed+" is signed by out/release/cosign.pub") {
		t.Errorf("the tag back on the signed index: make verify-release does not say it checked the signature:\n%s", out)
	}
}

// otherKeyFails: clone B signed its release with a key pair of its own,
// so clone A's public key does not verify it, though all else passes.
func otherKeyFails(t *testing.T, ctx context.Context, a, version, port string) {
	t.Helper()
	line := failsWithOneLine(t, ctx, a, "verify-release", "no signature by out/release/cosign.pub signs the index",
		"verify-release", "VERSION="+version, "REGISTRY_PORT="+port, "ALLOW_DIRTY=1")
	if strings.Contains(line, ": the ") || strings.Contains(line, "linux/") {
		t.Errorf("clone A's key against clone B's release: want only the signature to fail, got %q", line)
	}
}

// shareCosign builds cosign once (make setup-cosign, where none is
// installed), and has every make of the test use it: each clone would
// otherwise link its own.
func shareCosign(t *testing.T, ctx context.Context, root string) {
	t.Helper()
	runMake(t, ctx, root, "setup-cosign")
	out := runMake(t, ctx, root, "-s", "--eval", "print-cosign: ; @echo $(abspath $(COSIGN))", "print-cosign")
	t.Setenv("COSIGN", strings.TrimSpace(out))
}

// failsWithOneLine runs make args in dir, wants it to fail with exactly one
// line "<prefix>: ..." that holds want, and returns that line.
func failsWithOneLine(t *testing.T, ctx context.Context, dir, prefix, want string, args ...string) string {
	t.Helper()
	out, err := makeIn(ctx, dir, args...)
	if err == nil {
		t.Fatalf("make %s passed, want it to fail with %q:\n%s", strings.Join(args, " "), want, out)
	}
	lines := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(prefix)+`: .*$`).FindAllString(out, -1)
	if len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Fatalf("make %s: want one line %q..., holding %q, got:\n%s", strings.Join(args, " "), prefix+":", want, out)
	}
	return lines[0]
}

// checkBuiltFromNothing reads a release log: each platform's go build step
// ran, and compiled gin.
func checkBuiltFromNothing(t *testing.T, logFile string) {
	t.Helper()
	p := buildLog(t, logFile)
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

// gitClone clones the repository and runs make setup in the clone, as a
// reader of a fresh clone does (where the bases cannot be pulled, it writes
// the clone's offline/ build flags; elsewhere it only checks).
func gitClone(t *testing.T, ctx context.Context, root string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.CommandContext(ctx, "git", "clone", "-q", root, dir).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	runMake(t, ctx, dir, "setup")
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
