package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// Bad input fails before any container runs: no engine is needed.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantText string
	}{
		{"unknown flag", []string{"-repo", "../..", "-bogus"}, "flag provided but not defined: -bogus (see cache-demo -h; from make: make cache-demo)"},
		{"stray argument", []string{"-repo", "../..", "final"}, `unexpected argument "final": flags only (see cache-demo -h)`},
		{"stray argument after the flags", []string{"-repo", "../..", "-out", os.TempDir(), "inline", "registry-max"}, `unexpected argument "inline": flags only`},
		{"not in the repository", []string{"-repo", os.TempDir()}, "not inside the go-docker repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stderr); code != 2 {
				t.Errorf("exit code: got %d, want 2", code)
			}
			got := stderr.String()
			if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "cache-demo: ") || !strings.Contains(got, tt.wantText) {
				t.Errorf("stderr: got %q, want one line starting %q and containing %q", got, "cache-demo: ", tt.wantText)
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
	if got := stderr.String(); !strings.Contains(got, "-repo") || !strings.Contains(got, "-docker") {
		t.Errorf("stderr: got %q, want the flags", got)
	}
}
