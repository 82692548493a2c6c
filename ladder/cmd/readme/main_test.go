package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestWithoutResultsIsOneLineNamingTheFix(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-repo", "../..", "-out", t.TempDir()}, &stderr)
	if code != 1 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "run make compare first") {
		t.Errorf("got %d %q, want exit 1 and one line telling to run make compare first", code, stderr.String())
	}
}

func TestBadFlagIsExit2(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-bogus"}, &stderr); code != 2 || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("got %d %q, want exit 2 and one line", code, stderr.String())
	}
}
