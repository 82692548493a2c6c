//go:build e2e

package e2e

// make compare: the report it writes and its schema, the peers it measures
// beside final, and what it leaves behind when a build fails.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/render"
)

// runCompare runs the measuring tool as make compare does, and returns its
// exit error and stderr. It runs with a TMPDIR of its own, which it must
// leave empty: its temporary folder holds ko's module cache, read-only as
// go writes it.
func runCompare(t *testing.T, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	tmp := t.TempDir()
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./cmd/compare"}, args...)...)
	cmd.Dir = filepath.Join(repoRoot(t), "ladder")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("compare left %d entries in its TMPDIR (%s first); want none", len(left), left[0].Name())
	}
	return stderr.String(), err
}

// One run of make compare RUNS=1 RUNGS=multi-stage,final with both peers
// (a run costs minutes, so one run serves every check): the report
// matches its schema, the rungs' cold builds did the work, and the peers,
// docker init's Dockerfile and ko, were measured beside final in the same
// run with their four scenarios; nothing compare tagged is left.
func TestCompareMeasuresRungsAndPeers(t *testing.T) {
	ctx := engine(t)
	out := t.TempDir()
	// Images an earlier, killed run left behind are not this run's: only
	// what this run adds counts.
	listTagged := func() map[string]bool {
		set := dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=go-docker-*:compare-*")
		for k := range dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=go-docker-peer-*:compare-*") {
			set[k] = true
		}
		for k := range dockerList(t, ctx, "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=ko.local/go-docker-peer-*") {
			set[k] = true
		}
		return set
	}
	before := listTagged()
	if stderr, err := runCompare(t, ctx, "-repo", repoRoot(t), "-out", out, "-runs", "1", "-rungs", "multi-stage,final"); err != nil {
		t.Fatalf("compare: %v\n%s", err, stderr)
	}
	rep := readReport(t, out)
	t.Run("rungs", func(t *testing.T) { checkCompareRungs(t, out, rep) })
	t.Run("peers", func(t *testing.T) { checkComparePeers(t, out, rep) })
	// The tool cleans up after itself: no compare-tagged image was added.
	if left := added(before, listTagged()); len(left) > 0 {
		t.Errorf("images left behind by compare: %v", left)
	}
}

// checkCompareRungs: the rungs asked for, in order; final's cold build
// downloaded the modules and compiled gin; the context was measured with
// and without .dockerignore; the table and chart were written.
func checkCompareRungs(t *testing.T, out string, rep measure.Report) {
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
}

// checkComparePeers: docker init's Dockerfile and ko, each with its four
// scenarios and its image size; what their caches did, from the logs.
func checkComparePeers(t *testing.T, out string, rep measure.Report) {
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
