package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
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
	tests := []struct {
		name     string
		args     []string
		wantText string
	}{
		{"unknown flag", []string{"-bogus"}, "flag provided but not defined: -bogus (see readme -h; from make: make readme)"},
		{"stray argument", []string{"-repo", "../..", "README.md"}, `unexpected argument "README.md": flags only (see readme -h)`},
		{"stray argument after the flags", []string{"-repo", "../..", "-transcripts", "docs"}, `unexpected argument "docs": flags only`},
		{"not in the repository", []string{"-repo", os.TempDir()}, "not inside the go-docker repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stderr); code != 2 {
				t.Errorf("exit code: got %d, want 2", code)
			}
			got := stderr.String()
			if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "readme: ") || !strings.Contains(got, tt.wantText) {
				t.Errorf("stderr: got %q, want one line starting %q and containing %q", got, "readme: ", tt.wantText)
			}
		})
	}
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
