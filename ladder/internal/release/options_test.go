package release

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// make release's defaults are what the production rung's Dockerfile
// builds: its file, its ARG PACKAGE and the tags of its go build.
func TestDefaultsAreTheProductionDockerfiles(t *testing.T) {
	rungs, err := repo.Load(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	prod := repo.Production(rungs)
	if prod.Dockerfile != DefaultDockerfile {
		t.Errorf("DefaultDockerfile is %s, the production rung's %s", DefaultDockerfile, prod.Dockerfile)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "..", prod.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	for re, want := range map[string]string{`(?m)^ARG PACKAGE=(\S+)$`: DefaultPackage, `\bgo build\b[^&]*-tags[ =](\S+)`: DefaultTags} {
		if m := regexp.MustCompile(re).FindSubmatch(b); m == nil || string(m[1]) != want {
			t.Errorf("%s: %s gives %q, release's default is %q", prod.Dockerfile, re, m, want)
		}
	}
}

// Options are checked in one line that names the fix; a good set parses.
func TestCheck(t *testing.T) {
	good := Options{Version: "v1", Platforms: DefaultPlatforms, Port: DefaultPort, Name: DefaultName, Package: DefaultPackage,
		Cosign: "cosign", SigningKey: DefaultKey}
	j, err := good.check()
	if err != nil || j.port != 5001 || !slices.Equal(j.platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Fatalf("got %+v, %v", j, err)
	}
	if got := j.ref(); got != "127.0.0.1:5001/go-docker:v1" {
		t.Errorf("ref: got %q", got)
	}
	bad := good
	bad.Verify, bad.Version = true, ""
	if err := bad.Validate(); err == nil || !regexp.MustCompile(`make verify-release VERSION=v1\.0\.0$`).MatchString(err.Error()) {
		t.Errorf("verify without a version: got %v, want it to name make verify-release", err)
	}
	bad = good
	bad.Name = "Go_Docker"
	if err := bad.Validate(); err == nil || err.Error() != `invalid image name "Go_Docker": use lower-case letters, digits, '.', '_' and '-'` {
		t.Errorf("bad name: got %v", err)
	}
	bad = good
	bad.SigningKey = "cosign.pub"
	if err := bad.Validate(); err == nil || !regexp.MustCompile(`^invalid SIGNING_KEY "cosign.pub": .*cosign generate-key-pair`).MatchString(err.Error()) {
		t.Errorf("a public key as SIGNING_KEY: got %v", err)
	}
}

// The line make release prints to check what it pushed names only what
// is not a default.
func TestVerifyCommand(t *testing.T) {
	o := Options{Version: "v1", Platforms: DefaultPlatforms, Port: DefaultPort, Name: DefaultName, Package: DefaultPackage,
		Cosign: "cosign", SigningKey: DefaultKey}
	j, _ := o.check()
	if got := j.verifyCommand(false); got != "make verify-release VERSION=v1" {
		t.Errorf("defaults: got %q", got)
	}
	o.Port, o.Platforms, o.Package = "5002", "linux/arm64", "./cmd/api"
	j, _ = o.check()
	if got, want := j.verifyCommand(true), "make verify-release VERSION=v1 REGISTRY_PORT=5002 PLATFORMS=linux/arm64 PACKAGE=./cmd/api ALLOW_DIRTY=1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	o.Registry = "registry.example.com/you"
	j, _ = o.check()
	if got := j.verifyCommand(false); got != "make verify-release VERSION=v1 REGISTRY=registry.example.com/you PLATFORMS=linux/arm64 PACKAGE=./cmd/api" {
		t.Errorf("with a registry: got %q", got)
	}
	o.SigningKey = "keys/ci.key"
	j, _ = o.check()
	if got := j.verifyCommand(false); !strings.HasSuffix(got, " SIGNING_PUB=keys/ci.pub") {
		t.Errorf("with a key of the reader's: got %q, want it to name the public key", got)
	}
}

// byDigest drops the tag, not a registry's port.
func TestByDigest(t *testing.T) {
	for ref, want := range map[string]string{
		"127.0.0.1:5001/go-docker:v1":           "127.0.0.1:5001/go-docker@sha256:ab",
		"registry.example.com/you/go-docker:v1": "registry.example.com/you/go-docker@sha256:ab",
		"127.0.0.1:5001/go-docker":              "127.0.0.1:5001/go-docker@sha256:ab",
	} {
		if got := byDigest(ref, "sha256:ab"); got != want {
			t.Errorf("byDigest(%q): got %q, want %q", ref, got, want)
		}
	}
}
