package main

import (
	"os"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cli/clitest"
)

// Bad input fails before anything is built or pushed: no engine is needed.
func TestBadInputIsOneLineAndExit2(t *testing.T) {
	clitest.CheckBadInput(t, "release", run, []clitest.BadInput{
		{Name: "no version", Args: []string{"-repo", "../.."}, Want: `a release needs a VERSION of its own, not "": make release VERSION=v1.0.0`},
		{Name: "version dev", Args: []string{"-repo", "../..", "-version", "dev"}, Want: `not "dev": make release VERSION=v1.0.0`},
		{Name: "version with a slash", Args: []string{"-repo", "../..", "-version", "v1/2"}, Want: `invalid VERSION "v1/2"`},
		{Name: "bad platform", Args: []string{"-repo", "../..", "-version", "v1", "-platforms", "linux/amd64,arm64"}, Want: `invalid platform "arm64" in PLATFORMS: use os/arch`},
		{Name: "port out of range", Args: []string{"-repo", "../..", "-version", "v1", "-port", "0"}, Want: `invalid REGISTRY_PORT "0": use a number from 1 to 65535`},
		{Name: "port not a number", Args: []string{"-repo", "../..", "-version", "v1", "-port", "abc"}, Want: `invalid REGISTRY_PORT "abc"`},
		{Name: "registry with a scheme", Args: []string{"-repo", "../..", "-version", "v1", "-registry", "https://registry.example.com/you"}, Want: `invalid REGISTRY "https://registry.example.com/you": use a registry host and namespace`},
		{Name: "package not a folder", Args: []string{"-repo", "../..", "-version", "v1", "-package", "github.com/x/y"}, Want: `invalid PACKAGE "github.com/x/y": use the main package's folder`},
		{Name: "unknown flag", Args: []string{"-repo", "../..", "-bogus"}, Want: "flag provided but not defined: -bogus (see release -h; from make: make release VERSION=v1.0.0)"},
		{Name: "stray argument", Args: []string{"-repo", "../..", "-version", "v1", "push"}, Want: `unexpected argument "push": flags only`},
		{Name: "not in the repository", Args: []string{"-repo", os.TempDir(), "-version", "v1"}, Want: "not inside the go-docker repository"},
	})
}

// make verify-release names itself, and its own make command, in errors.
func TestVerifyBadInputNamesVerifyRelease(t *testing.T) {
	clitest.CheckBadInput(t, "verify-release", run, []clitest.BadInput{
		{Name: "no version", Args: []string{"-repo", "../..", "-verify"}, Want: "make verify-release VERSION=v1.0.0"},
		{Name: "short commit", Args: []string{"-repo", "../..", "-version", "v1", "-verify", "-commit", "abc123"}, Want: `invalid COMMIT "abc123": use a full commit hash`},
	})
}
