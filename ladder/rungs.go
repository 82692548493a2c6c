// Package ladder builds, runs and measures go-docker's ladder of Dockerfiles
// with a real Docker engine. It is its own module so that nothing it needs
// enters the tutorial's go.mod.
package ladder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A Rung is one Dockerfile of the ladder.
type Rung struct {
	Name       string // as in `make <name>`
	Dockerfile string // relative to the repository root
	Program    string // the Go package it builds, relative to the root
	// Reproducible: make builds it with ReproducibleFlags (SOURCE_DATE_EPOCH
	// from the last commit, rewrite-timestamp, no provenance).
	Reproducible bool
}

// Rungs lists the ladder in order.
var Rungs = []Rung{
	{"simple", "dockerfiles/simple.Dockerfile", "simple", false},
	{"multi-stage", "dockerfiles/multi-stage.Dockerfile", "simple", false},
	{"dependencies", "dockerfiles/dependencies.Dockerfile", "dependencies", false},
	{"buildkit", "dockerfiles/buildkit.Dockerfile", "dependencies", false},
	{"final", "final.Dockerfile", "dependencies", true},
}

// RungNames returns the names of all rungs, in order.
func RungNames() []string {
	names := make([]string, len(Rungs))
	for i, r := range Rungs {
		names[i] = r.Name
	}
	return names
}

// FindRungs resolves a comma-separated list of rung names; empty means all.
func FindRungs(list string) ([]Rung, error) {
	if strings.TrimSpace(list) == "" {
		return append([]Rung(nil), Rungs...), nil
	}
	var out []Rung
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		r, ok := findRung(name)
		if !ok {
			return nil, fmt.Errorf("unknown rung %q: use one of %s", name, strings.Join(RungNames(), ", "))
		}
		out = append(out, r)
	}
	return out, nil
}

func findRung(name string) (Rung, bool) {
	for _, r := range Rungs {
		if r.Name == name {
			return r, true
		}
	}
	return Rung{}, false
}

// Image returns the image name of a rung for a prefix such as "go-docker-".
func (r Rung) Image(prefix string) string { return prefix + r.Name }

// RepoRoot finds the repository root: the nearest folder, from dir up,
// that holds final.Dockerfile and go.mod.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "final.Dockerfile")) && isFile(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("not inside the go-docker repository: run from its folder (where final.Dockerfile is)")
		}
	}
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
