package ladder

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The base-image versions are written in several places: each Dockerfile's
// ARG defaults, the Makefile, scripts/ensure-docker.sh, and the plain FROM
// lines Dependabot reads. They must agree.
func TestBaseImageVersionsAgree(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	deps := read(".github/base-images/Dockerfile")
	want := map[string]string{
		"GO_VERSION":     regexp.MustCompile(`(?m)^FROM golang:(\S+)-alpine$`).FindStringSubmatch(deps)[1],
		"ALPINE_VERSION": regexp.MustCompile(`(?m)^FROM alpine:(\S+)$`).FindStringSubmatch(deps)[1],
	}
	sources := map[string]*regexp.Regexp{
		"Makefile":                   regexp.MustCompile(`(?m)^(GO_VERSION|ALPINE_VERSION)\s*\?=\s*(\S+)$`),
		"scripts/ensure-docker.sh":   regexp.MustCompile(`(?m)^(GO_VERSION|ALPINE_VERSION)=\$\{\w+:-(\S+)\}$`),
		"ladder/cmd/compare/main.go": regexp.MustCompile(`"(go-version|alpine-version)", "([^"]+)"`),
	}
	for _, r := range Rungs {
		sources[r.Dockerfile] = regexp.MustCompile(`(?m)^ARG (GO_VERSION|ALPINE_VERSION)=(\S+)$`)
	}
	names := map[string]string{"go-version": "GO_VERSION", "alpine-version": "ALPINE_VERSION"}
	for file, re := range sources {
		matches := re.FindAllStringSubmatch(read(file), -1)
		if len(matches) == 0 {
			t.Errorf("%s: no version found", file)
		}
		for _, m := range matches {
			name := m[1]
			if n, ok := names[name]; ok {
				name = n
			}
			if m[2] != want[name] {
				t.Errorf("%s: %s=%s, but .github/base-images/Dockerfile says %s", file, name, m[2], want[name])
			}
		}
	}
}

// make final and the measuring tool build the final image the same way:
// the Makefile's final recipe holds every one of ReproducibleFlags, and
// the catalogue marks exactly the rungs the Makefile builds that way.
func TestMakefileBuildsFinalWithReproducibleFlags(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	recipe := regexp.MustCompile(`(?s)\nfinal: .*?\n\n`).FindString(string(b))
	if recipe == "" {
		t.Fatal("Makefile: no final target")
	}
	recipe = strings.NewReplacer("$(comma)", ",", "$(IMAGE_PREFIX)final", "TAG", "$(SOURCE_DATE_EPOCH)", "42").Replace(recipe)
	for _, f := range ReproducibleFlags("TAG", 42) {
		if !strings.Contains(recipe, f) {
			t.Errorf("Makefile's final recipe lacks %q (ReproducibleFlags): the tool would measure another build than make final", f)
		}
	}
	for _, r := range Rungs {
		if r.Reproducible != (r.Name == "final") {
			t.Errorf("rung %s: Reproducible=%v, but the Makefile builds only final that way", r.Name, r.Reproducible)
		}
	}
}
