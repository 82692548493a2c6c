package lint

import (
	"regexp"
	"testing"
)

// The base-image versions are written in several places: each Dockerfile's
// ARG defaults, the Makefile, offline/setup.sh, and the plain FROM
// lines Dependabot reads. They must agree.
func TestBaseImageVersionsAgree(t *testing.T) {
	root, rungs := catalogue(t)
	deps := readFile(t, root, ".github/base-images/Dockerfile")
	want := map[string]string{
		"GO_VERSION":     regexp.MustCompile(`(?m)^FROM golang:(\S+)-alpine$`).FindStringSubmatch(deps)[1],
		"ALPINE_VERSION": regexp.MustCompile(`(?m)^FROM alpine:(\S+)$`).FindStringSubmatch(deps)[1],
	}
	sources := map[string]*regexp.Regexp{
		"Makefile":                   regexp.MustCompile(`(?m)^(GO_VERSION|ALPINE_VERSION)\s*\?=\s*(\S+)$`),
		"offline/setup.sh":           regexp.MustCompile(`(?m)^(GO_VERSION|ALPINE_VERSION)=\$\{\w+:-(\S+)\}$`),
		"ladder/cmd/compare/main.go": regexp.MustCompile(`"(go-version|alpine-version)", "([^"]+)"`),
		// actions/setup-go's Go, for make lint and make release.
		".github/workflows/ci.yml": regexp.MustCompile(`(?m)^\s+(go-version): "([^"]+)"$`),
	}
	// The peers make compare measures build with the same Go.
	for _, f := range append(dockerfiles(rungs), "peers/docker-init.Dockerfile", "peers/ko/base.Dockerfile") {
		sources[f] = regexp.MustCompile(`(?m)^ARG (GO_VERSION|ALPINE_VERSION)=(\S+)$`)
	}
	names := map[string]string{"go-version": "GO_VERSION", "alpine-version": "ALPINE_VERSION"}
	for file, re := range sources {
		matches := re.FindAllStringSubmatch(readFile(t, root, file), -1)
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
