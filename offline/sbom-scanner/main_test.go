package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The protocol's happy path: a rootfs holding a Go binary gives
// <name>.spdx.json, one in-toto statement with an SPDX predicate that lists
// the binary's main module; an extra rootfs gives a file of its own.
func TestScanGoBinary(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the binary to scan")
	}
	tmp := t.TempDir()

	// A tiny program in a module of its own: no dependencies, so no download.
	prog := filepath.Join(tmp, "prog")
	mustWrite(t, filepath.Join(prog, "go.mod"), "module example.com/sbomprobe\n\ngo 1.22\n")
	mustWrite(t, filepath.Join(prog, "main.go"), "package main\n\nfunc main() {}\n")
	core := filepath.Join(tmp, "src", "sbom")
	build := exec.Command("go", "build", "-o", filepath.Join(core, "app"), ".")
	build.Dir = prog
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	extras := filepath.Join(tmp, "src", "extras")
	mustWrite(t, filepath.Join(extras, "sbom-base", "etc", "hostname"), "x\n")
	dest := filepath.Join(tmp, "out")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}

	env := map[string]string{envSource: core, envDestination: dest, envExtras: extras, envLogLevel: "error"}
	if err := run(context.Background(), lookup(env)); err != nil {
		t.Fatal(err)
	}

	names := readNames(t, dest)
	if strings.Join(names, " ") != "sbom-base.spdx.json sbom.spdx.json" {
		t.Fatalf("destination holds %v, want sbom.spdx.json and sbom-base.spdx.json", names)
	}
	stmt := readStatement(t, filepath.Join(dest, "sbom.spdx.json"))
	if stmt.Type != statementType || stmt.PredicateType != predicateSPDX {
		t.Errorf("statement is %q with predicate %q, want %q with %q", stmt.Type, stmt.PredicateType, statementType, predicateSPDX)
	}
	if stmt.Predicate.Name != "sbom" {
		t.Errorf("SPDX document is named %q, want the target's name, sbom", stmt.Predicate.Name)
	}
	var found []string
	for _, p := range stmt.Predicate.Packages {
		found = append(found, p.Name)
		if p.Name == "example.com/sbomprobe" {
			return
		}
	}
	t.Errorf("the SBOM does not list the binary's main module example.com/sbomprobe; it lists %v", found)
}

// Bad input stops with an error before anything is written.
func TestBadEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	mustWrite(t, file, "")
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no destination", map[string]string{envSource: dir}, envDestination + " is not set"},
		{"empty destination", map[string]string{envSource: dir, envDestination: ""}, envDestination + " is not set"},
		{"no source", map[string]string{envDestination: dir}, envSource + " is not set"},
		{"missing source", map[string]string{envDestination: dir, envSource: filepath.Join(dir, "nope")}, "no such file"},
		{"source is a file", map[string]string{envDestination: dir, envSource: file}, "is not a folder"},
		{"bad log level", map[string]string{envDestination: dir, envSource: dir, envLogLevel: "loud"}, "not a log level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), lookup(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if names := readNames(t, dir); len(names) != 1 {
		t.Errorf("a failed run wrote %v", names)
	}
}

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

type spdxStatement struct {
	Type          string `json:"_type"`
	PredicateType string `json:"predicateType"`
	Predicate     struct {
		Name     string `json:"name"`
		Packages []struct {
			Name string `json:"name"`
		} `json:"packages"`
	} `json:"predicate"`
}

func readStatement(t *testing.T, path string) spdxStatement {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s spdxStatement
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}
