//go:build e2e

package e2e

// Rung 4's promise: with the module cache in a cache mount, a dependency
// change downloads only what is new. The buildkit rung is built once, which
// fills its module cache mount; a marker file goes into that mount; a module
// is added to go.mod; the rung is built again, and its download step must
// run. Then the module zips in the mount newer than the marker must be the
// new module's alone: gin's or logrus's among them would mean the change
// downloaded again what the mount already held.
//
// The copy's cache-mount ids are its own (isolatedCopy), so the reader's
// go-docker-gomod is never read or written, and the build cache the test
// creates is removed after it. Marking, rebuilding and listing run under
// retryOnBusyCache: a build given a second, empty record of the mount
// (moby/buildkit#883) would not see the marker or the first build's zips.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// depChangeVersions are the versions of measure.DepModule the test adds,
// one per attempt of retryOnBusyCache, so that each attempt changes go.mod
// again and its download step runs; make compare's dep scenario adds none
// of them.
var depChangeVersions = []string{"v1.1.3", "v1.1.2", "v1.1.1"}

// moduleCache is where the golang image keeps the module cache, and
// downloadDir where the go command keeps the zips it downloaded.
const (
	moduleCache = "/go/pkg/mod"
	downloadDir = moduleCache + "/cache/download"
)

// depChange is what one attempt saw: the rebuild after the change, and the
// module zips in the cache mount (all, and those newer than the marker).
type depChange struct {
	version          string
	rebuild          dockercli.BuildResult
	marked           bool
	allZips, newZips []string
}

func TestBuildkitDependencyChangeDownloadsOnlyTheNewModule(t *testing.T) {
	ctx := engine(t)
	r, ok := repo.Find(rungs, "buildkit")
	if !ok {
		t.Fatal("no buildkit rung in the catalogue")
	}
	dir := isolatedCopy(t)
	dockerfile := filepath.Join(dir, r.Dockerfile)
	gomod, base := moduleCacheID(t, dockerfile), goBaseStage(t, dockerfile)

	// The first build downloads every module of go.mod into the mount.
	// --no-cache: cache-mount ids are not part of a step's cache key, so
	// the download step of an earlier build of the rung (the reader's, or
	// another test's) would come back CACHED and leave this mount empty.
	if step, ok := buildDepRung(t, ctx, dir, r, "before", true).Find("go mod download"); !ok || step.FromCache() {
		t.Fatalf("the first build: want its go mod download step to run and fill the mount, got %+v", step)
	}
	attempt := 0
	got := retryOnBusyCache(t, ctx, func() depChange {
		version := depChangeVersions[attempt]
		attempt++
		marker := ".e2e-marker-" + repo.NewRunID() + fmt.Sprint(attempt)
		markModuleCache(t, ctx, base, gomod, marker)
		addDepModule(t, dir, version)
		c := depChange{version: version, rebuild: buildDepRung(t, ctx, dir, r, "after-"+version, false)}
		c.marked, c.allZips, c.newZips = listModuleZips(t, ctx, base, gomod, marker)
		return c
	})
	checkDepChange(t, got, gomod)
}

// checkDepChange checks what the rebuild after the dependency change did to
// the module cache mount gomod.
func checkDepChange(t *testing.T, c depChange, gomod string) {
	t.Helper()
	download, ok := c.rebuild.Find("go mod download")
	if !ok {
		t.Fatalf("no go mod download step in the build log:\n%s", c.rebuild.Log)
	}
	if download.FromCache() {
		t.Fatalf("step %q: CACHED after go.mod changed, want it to run", download.Name)
	}
	if !c.marked {
		t.Fatalf("cache mount %s: the marker is not there: the marking and the listing builds were given different records of the mount", gomod)
	}
	gin := slices.ContainsFunc(c.allZips, func(z string) bool { return strings.HasPrefix(z, "github.com/gin-gonic/gin/@v/") })
	if !gin {
		t.Fatalf("cache mount %s holds no zip of gin, want the first build's downloads there (zips: %q): without them the check proves nothing", gomod, c.allZips)
	}
	want := measure.DepModule + "/@v/" + c.version + ".zip"
	// The new module needs no other: every other zip was in the mount.
	if again := slices.DeleteFunc(slices.Clone(c.newZips), func(z string) bool { return z == want }); len(again) > 0 {
		t.Errorf("adding %s@%s downloaded %d modules again that were already in the cache mount %s, want only %q; downloaded again: %s",
			measure.DepModule, c.version, len(again), gomod, want, strings.Join(again, ", "))
	}
	if !slices.Contains(c.newZips, want) {
		t.Errorf("cache mount %s: got %q newer than the marker, want the new module's %q: did the download step use the mount?", gomod, c.newZips, want)
	}
	if !t.Failed() {
		t.Logf("cache mount %s: %d module zips, %q newer than the marker", gomod, len(c.allZips), c.newZips)
	}
}

// buildDepRung builds rung r from dir under an e2e tag, removed at the end.
func buildDepRung(t *testing.T, ctx context.Context, dir string, r repo.Rung, label string, noCache bool) dockercli.BuildResult {
	t.Helper()
	tag := r.Image(imagePrefix) + ":e2e-dep"
	removeImage(t, tag)
	res, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: r.Dockerfile, Tag: tag, NoCache: noCache,
		LogFile: filepath.Join(logDir(t), "dep-change-"+r.Name+"-"+label+".log")})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// mountLine matches the cache mount at the module cache in a Dockerfile.
var mountLine = regexp.MustCompile(`--mount=type=cache,id=([^,\s]+),target=` + moduleCache + `(\s|$)`)

// moduleCacheID returns the id of the module cache mount of a Dockerfile,
// failing unless every step that mounts the module cache uses that one id.
func moduleCacheID(t *testing.T, dockerfile string) string {
	t.Helper()
	var ids []string
	for _, m := range mountLine.FindAllStringSubmatch(readFile(t, dockerfile), -1) {
		ids = append(ids, m[1])
	}
	slices.Sort(ids)
	if ids = slices.Compact(ids); len(ids) != 1 {
		t.Fatalf("%s: want one cache-mount id at %s, got %q", dockerfile, moduleCache, ids)
	}
	return ids[0]
}

// goBaseStage returns the start of a small Dockerfile on the same Go base as
// the rung's build stage: the rung's ARG lines and its first FROM image,
// as a stage named modules. docker.Build adds the stand-in flags that map
// that image where the real one cannot be pulled.
func goBaseStage(t *testing.T, dockerfile string) string {
	t.Helper()
	var b strings.Builder
	for _, l := range strings.Split(readFile(t, dockerfile), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) > 0 && f[0] == "ARG":
			b.WriteString(l + "\n")
		case len(f) > 1 && f[0] == "FROM":
			if !strings.HasPrefix(f[1], "golang:") {
				t.Fatalf("%s: the first stage is FROM %s, want a golang image", dockerfile, f[1])
			}
			b.WriteString("FROM " + f[1] + " AS modules\n")
			return b.String()
		}
	}
	t.Fatalf("%s: no FROM line", dockerfile)
	return ""
}

// markModuleCache writes an empty file named marker into the cache mount
// id: the zips downloaded after it are newer. The name is new each time,
// so the step never comes from the cache.
func markModuleCache(t *testing.T, ctx context.Context, base, id, marker string) {
	t.Helper()
	// busybox find -newer compares whole seconds: the step waits for the
	// marker's second to pass, so a zip written after it is newer.
	df := base + fmt.Sprintf("RUN --mount=type=cache,id=%s,target=%s touch %s/%s && sleep 2\n", id, moduleCache, moduleCache, marker)
	smallBuild(t, ctx, "mark", df, "type=cacheonly")
}

// listModuleZips reports whether the cache mount id holds the marker, and
// lists the module zips in it (all, and those newer than the marker),
// relative to the download cache: module/@v/version.zip.
func listModuleZips(t *testing.T, ctx context.Context, base, id, marker string) (marked bool, all, newer []string) {
	t.Helper()
	df := base + fmt.Sprintf(`RUN --mount=type=cache,id=%s,target=%s \
    m=%s/%s; if [ -e "$m" ]; then echo marked; fi > /marker.txt; \
    find %s -name '*.zip' > /all-zips.txt 2>/dev/null; \
    find %s -name '*.zip' -newer "$m" > /new-zips.txt 2>/dev/null; true
FROM scratch AS lists
COPY --from=modules /marker.txt /all-zips.txt /new-zips.txt /
`, id, moduleCache, moduleCache, marker, downloadDir, downloadDir)
	out := t.TempDir()
	smallBuild(t, ctx, "list", df, "type=local,dest="+out)
	zips := func(name string) []string {
		var list []string
		for _, l := range strings.Fields(readFile(t, filepath.Join(out, name))) {
			list = append(list, strings.TrimPrefix(l, downloadDir+"/"))
		}
		slices.Sort(list)
		return list
	}
	marked = strings.TrimSpace(readFile(t, filepath.Join(out, "marker.txt"))) == "marked"
	return marked, zips("all-zips.txt"), zips("new-zips.txt")
}

// smallBuild builds the Dockerfile text df, from an empty context, to
// output: no image, so none to remove.
func smallBuild(t *testing.T, ctx context.Context, label, df, output string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "Dockerfile", Output: output,
		LogFile: filepath.Join(logDir(t), "dep-change-"+label+".log")})
	if err != nil {
		t.Fatal(err)
	}
}

// addDepModule adds measure.DepModule at version to the copy's go.mod and
// go.sum and uses it from the dependencies program, as make compare's dep
// scenario does (with uuid.New: the versions here predate uuid.NewString).
func addDepModule(t *testing.T, dir, version string) {
	t.Helper()
	src := "package main\n\n// Added by the e2e dependency-change test.\nimport \"" + measure.DepModule + "\"\n\nvar _ = uuid.New\n"
	if err := os.WriteFile(filepath.Join(dir, "dependencies", "e2e_dep.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"get", measure.DepModule + "@" + version}, {"mod", "tidy"}} {
		cmd := exec.CommandContext(t.Context(), "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the copy: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	if want := measure.DepModule + " " + version; !strings.Contains(readFile(t, filepath.Join(dir, "go.mod")), want) {
		t.Fatalf("the copy's go.mod does not require %s after go get", want)
	}
}
