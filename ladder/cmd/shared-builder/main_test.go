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
		{"unknown flag", []string{"-repo", "../..", "-bogus"}, "flag provided but not defined: -bogus (see shared-builder -h; from make: make shared-builder SHARED_BUILDER_PORT=1234)"},
		{"port not a number", []string{"-repo", "../..", "-port", "http"}, `invalid value "http" for flag -port`},
		{"port out of range", []string{"-repo", "../..", "-port", "70000"}, "invalid port 70000: use a number from 1 to 65535"},
		{"port zero", []string{"-repo", "../..", "-port", "0"}, "invalid port 0"},
		{"stray argument", []string{"-repo", "../..", "start"}, `unexpected argument "start": flags only (see shared-builder -h)`},
		{"not in the repository", []string{"-repo", os.TempDir()}, "not inside the go-docker repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stderr); code != 2 {
				t.Errorf("exit code: got %d, want 2", code)
			}
			got := stderr.String()
			if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "shared-builder: ") || !strings.Contains(got, tt.wantText) {
				t.Errorf("stderr: got %q, want one line starting %q and containing %q", got, "shared-builder: ", tt.wantText)
			}
		})
	}
}
