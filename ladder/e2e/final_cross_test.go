//go:build e2e

package e2e

// The final rung cross-compiles: the go build step runs on the builder's
// platform for any target, without emulation, and one GOCACHE mount serves
// both architectures.

import (
	"context"
	"debug/elf"
	"path/filepath"
	"strings"
	"testing"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
)

func TestFinalCrossCompilesWithoutEmulation(t *testing.T) {
	ctx := engine(t)
	native, target, machine := crossPlatform(t, ctx)
	crossImageThroughMake(t, ctx, target)
	crossBinaryWithoutEmulation(t, ctx, native, target, machine)
	oneGOCACHEServesBothArchitectures(t, ctx)
}

// crossPlatform returns the engine's own platform, and another one to
// cross-compile for, with the ELF machine of its binaries.
func crossPlatform(t *testing.T, ctx context.Context) (native, target string, machine elf.Machine) {
	t.Helper()
	arch, err := docker.Output(ctx, "version", "--format", "{{.Server.Arch}}")
	if err != nil {
		t.Fatal(err)
	}
	native = "linux/" + strings.TrimSpace(arch)
	target, machine = "arm64", elf.EM_AARCH64
	if native == "linux/arm64" {
		target, machine = "amd64", elf.EM_X86_64
	}
	return native, target, machine
}

// crossImageThroughMake builds the final image for target through make, as
// the README shows it; a prefix of its own keeps the reader's
// go-docker-final untouched.
func crossImageThroughMake(t *testing.T, ctx context.Context, target string) {
	t.Helper()
	prefix := "go-docker-e2e-cross-"
	image := prefix + "final:latest-linux-" + target
	removeImage(t, image)
	docker.Output(ctx, "image", "rm", "-f", prefix+"final")
	out := runMake(t, ctx, repoRoot(t), "-s", "final", "PLATFORM=linux/"+target, "IMAGE_PREFIX="+prefix)
	if !strings.HasPrefix(out, image+" ") || strings.Contains(out, " 0B ") {
		t.Errorf("make final PLATFORM=linux/%s printed %q: want its own tag, %s, and its size", target, out, image)
	}
	// The image this machine runs stays as it was: none was built here.
	if _, err := docker.Inspect(ctx, prefix+"final"); err == nil {
		t.Errorf("make final PLATFORM=linux/%s tagged %sfinal, the tag of this machine's image", target, prefix)
	}
	img, err := docker.Inspect(ctx, image)
	if err != nil {
		t.Fatal(err)
	}
	if img.Architecture != target {
		t.Errorf("image architecture: got %q, want %s", img.Architecture, target)
	}
}

// crossBinaryWithoutEmulation exports the binary for target from a build
// that asks BuildKit to name each step's platform (BUILDKIT_MULTI_PLATFORM=1
// does that for one platform too), and checks it was cross-compiled on the
// build platform, not run under emulation.
func crossBinaryWithoutEmulation(t *testing.T, ctx context.Context, native, target string, machine elf.Machine) {
	t.Helper()
	out := t.TempDir()
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: repoRoot(t), Dockerfile: "final.Dockerfile", Target: "binary",
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
}

// oneGOCACHEServesBothArchitectures checks that one GOCACHE mount serves
// both architectures without evicting either: after an edit, each
// recompiles only the edited package.
func oneGOCACHEServesBothArchitectures(t *testing.T, ctx context.Context) {
	t.Helper()
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
	retryOnBusyCache(t, ctx, func() struct{} {
		editGreeting(t, dir)
		for _, p := range platforms {
			binary(p, "warm")
		}
		return struct{}{}
	})
	builds := retryOnBusyCache(t, ctx, func() map[string]dockercli.BuildResult {
		editGreeting(t, dir)
		res := map[string]dockercli.BuildResult{}
		for _, p := range platforms {
			res[p] = binary(p, "edit")
		}
		return res
	})
	for _, p := range platforms {
		step, ok := builds[p].Find("go build")
		want := []string{tutorialModule + "/dependencies"}
		if !ok || strings.Join(step.Output, ",") != strings.Join(want, ",") {
			t.Errorf("%s after an edit: go build compiled %q, want only %q", p, step.Output, want)
		}
	}
}
