package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cli/clitest"
)

// Before make compare has run, readme says to run it, in one line.
func TestWithoutResultsIsOneLineNamingTheFix(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-repo", "../..", "-out", t.TempDir()}, &stderr)
	if code != 1 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "run make compare first") {
		t.Errorf("got %d %q, want exit 1 and one line telling to run make compare first", code, stderr.String())
	}
}

// Bad input fails before any page is read or written.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	clitest.CheckBadInput(t, "readme", run, []clitest.BadInput{
		{Name: "unknown flag", Args: []string{"-bogus"}, Want: "flag provided but not defined: -bogus (see readme -h; from make: make readme)"},
		{Name: "stray argument", Args: []string{"-repo", "../..", "README.md"}, Want: `unexpected argument "README.md": flags only (see readme -h)`},
		{Name: "stray argument after the flags", Args: []string{"-repo", "../..", "-transcripts", "docs"}, Want: `unexpected argument "docs": flags only`},
		{Name: "not in the repository", Args: []string{"-repo", os.TempDir()}, Want: "not inside the go-docker repository"},
		{Name: "one page and all transcripts", Args: []string{"-repo", "../..", "-transcripts", "-transcripts-of", "docs/release.md"}, Want: "-transcripts-of goes alone (make readme-page PAGE=docs/release.md)"},
	})
}

// -h prints the flags and is no failure.
func TestHelpIsExit0(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &stderr); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
	if got := stderr.String(); !strings.Contains(got, "-repo") || !strings.Contains(got, "-transcripts") {
		t.Errorf("stderr: got %q, want the flags", got)
	}
}
