// Package repo knows the go-docker repository: its catalogue of rungs
// (dockerfiles/rungs.txt), where its root is, and how to copy it and edit
// the copy for a measurement.
package repo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CatalogueFile lists the rungs, one per line, relative to the root. The
// Makefile reads it too.
const CatalogueFile = "dockerfiles/rungs.txt"

// A Rung is one Dockerfile of the ladder, as the catalogue lists it.
type Rung struct {
	Number     int    // its place in the catalogue, from 1: "Rung 1"
	Name       string // as in `make <name>`
	Dockerfile string // relative to the repository root
	Program    string // the Go package it builds, relative to the root
	Options    []string
	Summary    string // what make help says of it
}

// Reproducible reports whether make builds the rung with ReproducibleFlags
// (SOURCE_DATE_EPOCH from the last commit, no provenance, uncompressed
// layers).
func (r Rung) Reproducible() bool { return slices.Contains(r.Options, "reproducible") }

// Production reports whether the rung is the production image: the one
// readers copy, that make release ships and the demos build. The catalogue
// marks exactly one rung so, wherever it stands.
func (r Rung) Production() bool { return slices.Contains(r.Options, "production") }

// Image returns the image name of a rung for a prefix such as "go-docker-".
func (r Rung) Image(prefix string) string { return prefix + r.Name }

// Options a catalogue line may carry; the Makefile gives them meaning.
var knownOptions = []string{"version", "platform", "reproducible", "production"}

// Load reads the catalogue of the repository at root.
func Load(root string) ([]Rung, error) {
	b, err := os.ReadFile(filepath.Join(root, CatalogueFile))
	if err != nil {
		return nil, fmt.Errorf("the catalogue of rungs: %w", err)
	}
	return Parse(b)
}

// Parse reads a catalogue: comment lines start with #; a rung's line is
// name, Dockerfile, program, options (comma-separated, or -) and a summary.
// Exactly one rung is marked production.
func Parse(b []byte) ([]Rung, error) {
	var rungs []Rung
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 {
			return nil, fmt.Errorf("%s line %d: want name, dockerfile, program, options and a summary", CatalogueFile, n)
		}
		r := Rung{Number: len(rungs) + 1, Name: f[0], Dockerfile: f[1], Program: f[2], Summary: strings.Join(f[4:], " ")}
		if f[3] != "-" {
			r.Options = strings.Split(f[3], ",")
		}
		for _, o := range r.Options {
			if !slices.Contains(knownOptions, o) {
				return nil, fmt.Errorf("%s line %d: unknown option %q: use %s", CatalogueFile, n, o, strings.Join(knownOptions, ", "))
			}
		}
		if _, dup := Find(rungs, r.Name); dup {
			return nil, fmt.Errorf("%s line %d: rung %s listed twice", CatalogueFile, n, r.Name)
		}
		rungs = append(rungs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rungs) == 0 {
		return nil, fmt.Errorf("%s: no rungs", CatalogueFile)
	}
	var production []string
	for _, r := range rungs {
		if r.Production() {
			production = append(production, r.Name)
		}
	}
	if len(production) == 0 {
		return nil, fmt.Errorf("%s: no rung is marked production: add the option to the rung readers copy", CatalogueFile)
	}
	if len(production) > 1 {
		return nil, fmt.Errorf("%s: rungs %s are all marked production: mark only the one readers copy", CatalogueFile, strings.Join(production, ", "))
	}
	return rungs, nil
}

// Names returns the names of rungs, in order.
func Names(rungs []Rung) []string {
	names := make([]string, len(rungs))
	for i, r := range rungs {
		names[i] = r.Name
	}
	return names
}

// Select resolves a comma-separated list of rung names; empty means all.
func Select(rungs []Rung, list string) ([]Rung, error) {
	if strings.TrimSpace(list) == "" {
		return slices.Clone(rungs), nil
	}
	var out []Rung
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		r, ok := Find(rungs, name)
		if !ok {
			return nil, fmt.Errorf("unknown rung %q: use one of %s", name, strings.Join(Names(rungs), ", "))
		}
		out = append(out, r)
	}
	return out, nil
}

// Find returns the rung called name.
func Find(rungs []Rung, name string) (Rung, bool) {
	for _, r := range rungs {
		if r.Name == name {
			return r, true
		}
	}
	return Rung{}, false
}

// Production returns the rung marked production in a catalogue that Parse
// read (which holds exactly one): the one readers copy.
func Production(rungs []Rung) Rung {
	for _, r := range rungs {
		if r.Production() {
			return r
		}
	}
	panic("repo.Production: no rung is marked production; read the catalogue with Load or Parse")
}

// Root finds the repository root: the nearest folder, from dir up, that
// holds the catalogue and go.mod.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, CatalogueFile)) && isFile(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("not inside the go-docker repository: run from its folder (where " + CatalogueFile + " is)")
		}
	}
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
