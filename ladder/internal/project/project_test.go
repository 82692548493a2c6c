package project

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/docker"
)

func TestParseBaseFlags(t *testing.T) {
	const flags = "--build-context golang:1.26-alpine=docker-image://go-docker-stand-in/golang:1.26-alpine --build-context alpine:3.23=docker-image://go-docker-stand-in/alpine:3.23"
	tests := []struct {
		name, text string
		want       []string
		wantErr    string
	}{
		{name: "stand-ins", text: "# Written by offline/setup.sh bases.\n# Two lines of comment.\nBASE_FLAGS := " + flags + "\n",
			want: strings.Fields(flags)},
		{name: "no flags", text: "# none\nBASE_FLAGS :=\n", want: nil},
		{name: "no BASE_FLAGS line", text: "# only a comment\n",
			wantErr: "offline/x.mk has no BASE_FLAGS := line: run make setup"},
		{name: "the line commented out", text: "# BASE_FLAGS := --build-context a=b\n",
			wantErr: "run make setup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBaseFlags("offline/x.mk", []byte(tt.text))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

// Without the file, builds use the official images: no flags, no error.
func TestLoadBaseFlags(t *testing.T) {
	root := t.TempDir()
	if got, err := LoadBaseFlags(root, "1.26", "3.23"); err != nil || got != nil {
		t.Errorf("no file: got %q, %v, want no flags", got, err)
	}
	file := filepath.Join(root, BaseFlagsFile("1.26", "3.23"))
	if want := filepath.Join("offline", "build-flags-go1.26-alpine3.23.mk"); BaseFlagsFile("1.26", "3.23") != want {
		t.Errorf("BaseFlagsFile: got %s, want %s", BaseFlagsFile("1.26", "3.23"), want)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("BASE_FLAGS := --build-context alpine:3.23=docker-image://x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadBaseFlags(root, "1.26", "3.23"); err != nil || len(got) != 2 {
		t.Errorf("got %q, %v, want two flags", got, err)
	}
	if got, err := LoadBaseFlags(root, "1.25", "3.23"); err != nil || got != nil {
		t.Errorf("another Go version: got %q, %v, want no flags", got, err)
	}
}

// The defaults are the versions .github/base-images/Dockerfile names, as
// the Makefile's and the Dockerfiles' are.
func TestDefaultsAreTheBaseImagesVersions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", ".github", "base-images", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for re, got := range map[string]string{`(?m)^FROM golang:(\S+)-alpine$`: DefaultGoVersion, `(?m)^FROM alpine:(\S+)$`: DefaultAlpineVersion} {
		m := regexp.MustCompile(re).FindSubmatch(b)
		if m == nil || string(m[1]) != got {
			t.Errorf(".github/base-images/Dockerfile: %s gives %q, the default here is %q", re, m, got)
		}
	}
}

// A folder outside the repository is bad input, found before any engine
// is asked; so is what Check finds.
func TestOpenFailsAsBadInputBeforeTheEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-engine.sock"))
	_, err := Open(t.Context(), Options{Repo: t.TempDir()})
	var u cli.UsageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "not inside the go-docker repository") {
		t.Errorf("outside the repository: got %v, want a usage error", err)
	}
	checked := errors.New("unknown rung")
	if _, err := Open(t.Context(), Options{Repo: ".", Check: func(string) error { return checked }}); err != checked {
		t.Errorf("Check: got %v, want its error", err)
	}
	_, err = Open(t.Context(), Options{Repo: "."})
	if err == nil || !strings.Contains(err.Error(), "no Docker engine answers: start Docker and retry") {
		t.Errorf("no engine: got %v", err)
	}
}

// The official image, else its stand-in, else an error that names the
// make target that sets it up. A docker CLI of the test's own says which
// images are here.
func TestImages(t *testing.T) {
	tests := []struct {
		name, here, want, wantErr string
	}{
		{name: "official", here: "registry:3 go-docker-stand-in/registry:3", want: "registry:3"},
		{name: "stand-in", here: "go-docker-stand-in/registry:3", want: "go-docker-stand-in/registry:3"},
		{name: "neither", here: "", wantErr: "registry:3 is not here: run make setup-registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Project{Docker: docker.Docker{Bin: fakeDocker(t, strings.Fields(tt.here))}}
			got, err := p.RegistryImage(t.Context())
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("got %q, %v, want the error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
	p := &Project{Docker: docker.Docker{Bin: fakeDocker(t, nil)}}
	for what, f := range map[string]func() (string, error){
		"moby/buildkit:v0.34.2 is not here: run make setup-buildkit":                     func() (string, error) { return p.BuildKitImage(t.Context()) },
		"docker/buildkit-syft-scanner:stable-1 is not here: run make setup-sbom-scanner": func() (string, error) { return p.SBOMScannerImage(t.Context()) },
	} {
		if _, err := f(); err == nil || err.Error() != what {
			t.Errorf("got %v, want %q", err, what)
		}
	}
}

// fakeDocker writes a docker CLI whose `image inspect` finds the images
// named, and no other.
func fakeDocker(t *testing.T, images []string) string {
	t.Helper()
	script := "#!/bin/sh\n# image inspect --format {{.Id}} REF\ncase \"$5\" in\n"
	for _, img := range images {
		script += "'" + img + "') echo sha256:0; exit 0 ;;\n"
	}
	script += "esac\necho \"Error: No such image: $5\" >&2\nexit 1\n"
	bin := filepath.Join(t.TempDir(), "docker")
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}
