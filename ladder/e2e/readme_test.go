//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// make readme runs the transcripts' commands, `git checkout` among them,
// in a throwaway copy: a contributor's uncommitted edit survives it. The
// test runs make readme in a copy of the repository whose README has one
// transcript that reverts the edited file, from a report written here (no
// engine is needed for that).
func TestMakeReadmeLeavesUncommittedWorkInPlace(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := copyRepo(t)
	main := filepath.Join(dir, "dependencies", "main.go")
	orig, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	edited := append(orig, []byte("\n// an uncommitted edit\n")...)
	if err := os.WriteFile(main, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	// The pages: one README with a transcript that reverts the edit, and
	// the results page (other pages' transcripts build images).
	pages, err := filepath.Glob(filepath.Join(dir, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if filepath.Base(p) != "results.md" {
			os.Remove(p)
		}
	}
	readme := "# test\n\n<!-- numbers:summary --><!-- /numbers -->\n\n" +
		"<!-- transcript: git checkout dependencies/main.go ;; git status --short dependencies -->\n```console\n```\n"
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	writeReport(t, filepath.Join(dir, "out", "compare.json"))

	runMake(t, ctx, dir, "readme")

	if got, _ := os.ReadFile(main); string(got) != string(edited) {
		t.Errorf("dependencies/main.go after make readme: the uncommitted edit is gone")
	}
	got, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The transcript ran, and reverted the edit where it ran: in the copy.
	for _, want := range []string{"$ git checkout dependencies/main.go\nUpdated 1 path from the index\n", "| 6. final |"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("README.md after make readme: want %q in:\n%s", want, got)
		}
	}
}

// writeReport writes a compare.json with every rung of the catalogue, as
// make compare would, with made-up figures.
func writeReport(t *testing.T, path string) {
	t.Helper()
	s := func(v float64) measure.Stats { return measure.NewStats([]float64{v}) }
	rep := measure.Report{SchemaVersion: measure.SchemaVersion, Runs: 1, GeneratedAt: time.Now().UTC(),
		Environment: measure.Environment{DockerClient: "test", DockerServer: "test", BuildKit: "test", Go: "go1.26", CPUs: 1, OSArch: "linux/amd64"},
		CacheReset:  "test", Native: map[string]measure.Native{"dependencies": {Cold: s(30), Edit: s(1)}}}
	for _, r := range rungs {
		rep.Rungs = append(rep.Rungs, measure.RungResult{Number: r.Number, Name: r.Name, Dockerfile: r.Dockerfile, Program: r.Program,
			Image: r.Image(imagePrefix), SizeBytes: 1e7, Layers: 2, LargestLayerBytes: 1e6,
			BuildS: measure.BuildTimes{Cold: s(30), Noop: s(0.5), Edit: s(2), Dep: s(3)}})
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := measure.ValidateSchema(filepath.Join(repoRoot(t), "ladder", "compare.schema.json"), js); err != nil {
		t.Fatalf("the made-up report does not match the schema: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, js, 0o644); err != nil {
		t.Fatal(err)
	}
}
