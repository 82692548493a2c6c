package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cli/clitest"
)

// Bad input fails before any build: one line that names the fix, exit 2.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	cases := []clitest.BadInput{
		{Name: "runs below 1", Args: []string{"-runs", "0"}, Want: "RUNS=0: use a number from 1 to"},
		{Name: "runs above the supported maximum", Args: []string{"-runs", "99"}, Want: "RUNS=99: use a number from 1 to"},
		{Name: "unknown rung", Args: []string{"-rungs", "simple,nope"}, Want: `unknown rung "nope": use one of simple, multi-stage, dependencies, buildkit, mounts, final`},
		{Name: "unknown peer", Args: []string{"-peers", "ko,kaniko"}, Want: `unknown peer "kaniko": use some of docker-init,ko, all or none (make compare PEERS=ko)`},
		{Name: "unknown flag", Args: []string{"-bogus"}, Want: "flag provided but not defined: -bogus (see compare -h"},
		{Name: "stray argument", Args: []string{"final"}, Want: `unexpected argument "final"`},
		{Name: "not in the repository", Args: []string{"-repo", os.TempDir()}, Want: "not inside the go-docker repository"},
	}
	for i := range cases {
		if cases[i].Name != "not in the repository" {
			cases[i].Args = append([]string{"-repo", "../.."}, cases[i].Args...)
		}
	}
	clitest.CheckBadInput(t, "compare", run, cases)
}

// Without an engine, compare fails in one line before it removes or
// writes anything.
func TestNoEngineIsOneLineAndLeavesNoResults(t *testing.T) {
	// The real docker CLI, pointed at a socket where no engine listens.
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-engine.sock"))
	out := t.TempDir()
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-repo", "../..", "-out", out, "-runs", "1"}, &stderr); code != 1 {
		t.Errorf("exit code: got %d, want 1", code)
	}
	got := stderr.String()
	if strings.Count(got, "\n") != 1 || !strings.Contains(got, "no Docker engine answers") {
		t.Errorf("stderr: got %q, want one line saying no Docker engine answers", got)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 0 {
		t.Errorf("out folder: got %d entries, want none", len(entries))
	}
}

// -h prints the flags and is no failure.
func TestHelpIsExit0(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stderr); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if got := stderr.String(); !strings.Contains(got, "-runs") || !strings.Contains(got, "-peers") {
		t.Errorf("stderr: got %q, want the flags", got)
	}
}
