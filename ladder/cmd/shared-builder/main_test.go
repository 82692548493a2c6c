package main

import (
	"os"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cli/clitest"
)

// Bad input fails before any container runs: no engine is needed.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	clitest.CheckBadInput(t, "shared-builder", run, []clitest.BadInput{
		{Name: "unknown flag", Args: []string{"-repo", "../..", "-bogus"}, Want: "flag provided but not defined: -bogus (see shared-builder -h; from make: make shared-builder SHARED_BUILDER_PORT=1234)"},
		{Name: "port not a number", Args: []string{"-repo", "../..", "-port", "http"}, Want: `invalid value "http" for flag -port`},
		{Name: "port out of range", Args: []string{"-repo", "../..", "-port", "70000"}, Want: "invalid port 70000: use a number from 1 to 65535"},
		{Name: "port zero", Args: []string{"-repo", "../..", "-port", "0"}, Want: "invalid port 0"},
		{Name: "stray argument", Args: []string{"-repo", "../..", "start"}, Want: `unexpected argument "start": flags only (see shared-builder -h)`},
		{Name: "not in the repository", Args: []string{"-repo", os.TempDir()}, Want: "not inside the go-docker repository"},
	})
}
