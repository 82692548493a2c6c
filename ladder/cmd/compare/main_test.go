package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad input fails before any build: one line that names the fix, exit 2.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantText string
	}{
		{"runs below 1", []string{"-runs", "0"}, "RUNS=0: use a number from 1 to"},
		{"runs above the supported maximum", []string{"-runs", "99"}, "RUNS=99: use a number from 1 to"},
		{"unknown rung", []string{"-rungs", "simple,nope"}, `unknown rung "nope": use one of simple, multi-stage, dependencies, buildkit, mounts, final`},
		{"unknown peer", []string{"-peers", "ko,kaniko"}, `unknown peer "kaniko": use some of docker-init,ko, all or none (make compare PEERS=ko)`},
		{"unknown flag", []string{"-bogus"}, "flag provided but not defined: -bogus (see compare -h"},
		{"stray argument", []string{"final"}, `unexpected argument "final"`},
		{"not in the repository", []string{"-repo", os.TempDir()}, "not inside the go-docker repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.name != "not in the repository" {
				args = append([]string{"-repo", "../.."}, args...)
			}
			var stderr bytes.Buffer
			if code := run(context.Background(), args, &stderr); code != 2 {
				t.Errorf("exit code: got %d, want 2", code)
			}
			got := stderr.String()
			if strings.Count(got, "\n") != 1 || !strings.Contains(got, tt.wantText) {
				t.Errorf("stderr: got %q, want one line containing %q", got, tt.wantText)
			}
		})
	}
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
