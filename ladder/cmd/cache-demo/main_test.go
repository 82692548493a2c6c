package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cli/clitest"
)

// Bad input fails before any container runs: no engine is needed.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	clitest.CheckBadInput(t, "cache-demo", run, []clitest.BadInput{
		{Name: "unknown flag", Args: []string{"-repo", "../..", "-bogus"}, Want: "flag provided but not defined: -bogus (see cache-demo -h; from make: make cache-demo)"},
		{Name: "stray argument", Args: []string{"-repo", "../..", "final"}, Want: `unexpected argument "final": flags only (see cache-demo -h)`},
		{Name: "stray argument after the flags", Args: []string{"-repo", "../..", "-out", os.TempDir(), "inline", "registry-max"}, Want: `unexpected argument "inline": flags only`},
		{Name: "not in the repository", Args: []string{"-repo", os.TempDir()}, Want: "not inside the go-docker repository"},
	})
}

// -h prints the flags and is no failure.
func TestHelpIsExit0(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stderr); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if got := stderr.String(); !strings.Contains(got, "-repo") || !strings.Contains(got, "-docker") {
		t.Errorf("stderr: got %q, want the flags", got)
	}
}
