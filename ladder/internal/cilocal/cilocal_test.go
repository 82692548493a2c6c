package cilocal

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The project's workflow: its jobs in order, and every action it uses,
// each pinned to a full version (the local copies need one).
func TestReadTheWorkflow(t *testing.T) {
	jobs, actions, err := Read(filepath.Join("..", "..", "..", Workflow))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(jobs, []string{"image", "test", "release"}) {
		t.Errorf("jobs: got %v", jobs)
	}
	if len(actions) < 5 {
		t.Errorf("actions: got %v, want checkout, setup-go, setup-buildx, login, build-push and cache", actions)
	}
	for _, a := range actions {
		if strings.Count(a.Version, ".") != 2 {
			t.Errorf("%s: pin a full version (vX.Y.Z), which the Go module proxy serves", a)
		}
	}
	if err := CheckJob("deploy", jobs); err == nil || err.Error() != `unknown JOB "deploy": use one of .github/workflows/ci.yml's jobs, image, test, release (make ci-local JOB=image)` {
		t.Errorf("an unknown job: got %v", err)
	}
}

// Alone drops the job's needs: line and nothing else.
func TestAloneDropsOnlyTheJobsNeeds(t *testing.T) {
	root := t.TempDir()
	wf := "name: ci\non: push\njobs:\n  test:\n    runs-on: x\n    steps: []\n  release:\n    needs: test\n    runs-on: x\n    steps: []\n  after:\n    needs: release\n    runs-on: x\n"
	if err := os.MkdirAll(filepath.Join(root, ".github", "workflows"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, Workflow), []byte(wf), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := Alone(root, "release", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := strings.Replace(wf, "    needs: test\n", "", 1); string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	if _, err := Alone(root, "deploy", t.TempDir()); err == nil {
		t.Error("a job the workflow lacks: want an error")
	}
}

// act's output: each step's time, a step's own lines, the failure.
func TestReadActsOutput(t *testing.T) {
	raw := strings.Join([]string{
		"[ci/image] ⭐ Run Main Build it",
		"[ci/image]   | #9 0.31 example.com/pkg",
		"[ci/image]   ✅  Success - Main Build it [1m2.5s]",
		"[ci/image] ⭐ Run Main Copy out",
		"[ci/image]   | cache-mounts: 12K",
		"[ci/image]   ❗  ::error::it broke",
		"[ci/image]   ❌  Failure - Main Copy out [250ms]",
		"[ci/image]   ✅  Success - Post Build it [1.5s]",
	}, "\n") + "\n"
	steps := Steps(raw)
	if steps["Main Build it"] != 62.5 || steps["Main Copy out"] != 0.25 || steps["Post Build it"] != 1.5 {
		t.Errorf("steps: got %v", steps)
	}
	if got := MainSteps(raw); len(got) != 2 || got[0] != (Step{"Build it", 62.5, true}) || got[1] != (Step{"Copy out", 0.25, false}) {
		t.Errorf("main steps: got %v", got)
	}
	if got := StepOutput(raw, "Build it"); !strings.Contains(got, "#9 0.31 example.com/pkg\n") || strings.Contains(got, "cache-mounts") {
		t.Errorf("the build step's output: got %q", got)
	}
	if got := (Result{Output: unprefix(raw)}).Failure(); got != "it broke" {
		t.Errorf("failure: got %q", got)
	}
}

// Every server act starts listens on 127.0.0.1, and a job runs on the host.
func TestArgsKeepServersOnLoopback(t *testing.T) {
	r := Run{Job: "image", State: "/s", Vars: map[string]string{"B": "2", "A": "1"}, Secrets: map[string]string{"S": "x"}}
	args := strings.Join(r.Args("", "4000"), " ")
	for _, want := range []string{"--cache-server-addr 127.0.0.1", "--artifact-server-addr 127.0.0.1", "-P ubuntu-latest=-self-hosted",
		"--var A=1 --var B=2", "--secret S=x", "-W .github/workflows/ci.yml"} {
		if !strings.Contains(args, want) {
			t.Errorf("act's arguments %q lack %q", args, want)
		}
	}
}
