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

	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/render"
	"github.com/go-docker/go-docker/ladder/internal/repo"
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

// One run of make compare RUNS=1 RUNGS=final PEERS=ko (a run costs
// minutes, so one run serves every check): the report matches its schema,
// final's cold build did the work and its four scenarios did what they
// say, and ko was measured beside it in the same run with its four
// scenarios; nothing compare tagged is left. The other rungs and the
// docker-init peer are measured the same way, a Dockerfile build each,
// with no code of their own in the tool; measuring them too would cost
// this test about five minutes of every CI run.
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
	if stderr, err := runCompare(t, ctx, "-repo", repoRoot(t), "-out", out, "-runs", "1", "-rungs", "final", "-peers", "ko"); err != nil {
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

// checkCompareRungs: final alone, as asked; its cold build downloaded the
// modules and compiled gin; what its caches did in the other scenarios,
// from its build logs; the context was measured with and without
// .dockerignore; the table and chart were written.
func checkCompareRungs(t *testing.T, out string, rep measure.Report) {
	if len(rep.Rungs) != 1 || rep.Rungs[0].Name != "final" {
		t.Fatalf("rungs: got %+v, want final alone", rep.Rungs)
	}
	final := rep.Rungs[0]
	if final.ColdCheck.GinCompiled == nil || !*final.ColdCheck.GinCompiled || !final.ColdCheck.ModulesDownloaded {
		t.Errorf("final cold check: got %+v, want modules downloaded and gin compiled", final.ColdCheck)
	}
	for scenario, st := range map[string]measure.Stats{"cold": final.BuildS.Cold, "noop": final.BuildS.Noop, "edit": final.BuildS.Edit, "dep": final.BuildS.Dep} {
		if len(st.Samples) != 1 || st.Median <= 0 {
			t.Errorf("final %s: %+v, want one timed run", scenario, st)
		}
	}
	// A no-op rebuild runs nothing; an edit keeps go mod download CACHED
	// and runs go build; after the dep scenario's change to go.mod, go
	// build compiles the new module. (Whether go mod download runs again
	// depends on the engine: an earlier make compare added the same
	// version, and the layer cache may answer it.)
	if ran, cached := buildLog(t, filepath.Join(out, "logs", "final-noop-1.log")).Ran(); ran != 0 || cached == 0 {
		t.Errorf("final no-op rebuild: %d steps ran, %d CACHED; want none ran", ran, cached)
	}
	edit := buildLog(t, filepath.Join(out, "logs", "final-edit-1.log"))
	if dl, ok := edit.Find("go mod download"); !ok || !dl.Cached {
		t.Errorf("final edit: go mod download %+v, want CACHED", dl)
	}
	if b, ok := edit.Find("go build"); !ok || b.Cached {
		t.Errorf("final edit: go build %+v, want it to run", b)
	}
	if b, ok := buildLog(t, filepath.Join(out, "logs", "final-dep-1.log")).Find("go build"); !ok || !b.Lists(measure.DepModule) {
		t.Errorf("final dep change: go build %+v, want it to compile %s", b, measure.DepModule)
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

// checkComparePeers: ko, with its four scenarios and its image size, built
// on the base compare built.
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
	if !slices.Equal(names, []string{"ko"}) {
		t.Fatalf("peers: got %q, want ko", names)
	}
	// ko's log names the base it used: the one compare built, from the engine.
	if b, err := os.ReadFile(filepath.Join(out, "logs", "peer-ko-cold-1.log")); err != nil || !strings.Contains(string(b), "Using base ko.local/go-docker-peer-ko-base:compare-") {
		t.Errorf("ko cold log: %v; want ko to use the base compare built (ko.local)\n%s", err, b)
	}
	// The README table renders from it, with ratios to final.
	table, ok := render.PeersTable(rep, repo.Production(rungs).Name)
	if !ok || !strings.Contains(table, "| ko |") {
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
