package release

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The defaults of make release: the main package final.Dockerfile builds
// (its ARG PACKAGE) and the build tags it compiles with, the image's name,
// and the port of the local registry container (a unit test keeps the
// first two equal to final.Dockerfile's).
const (
	DefaultPackage    = "./dependencies"
	DefaultTags       = "nomsgpack"
	DefaultName       = "go-docker"
	DefaultDockerfile = "final.Dockerfile"
	DefaultPort       = "5001"
)

// Options are what make release and make verify-release are asked to do,
// as the command's flags give them. Validate says what is wrong with them.
type Options struct {
	Version    string // the release's tag, and the image's version label
	Platforms  string // comma-separated
	Registry   string // host and namespace; empty: the local registry container
	Port       string // the local registry container's port on 127.0.0.1
	Name       string // the image's name in the registry
	Dockerfile string // relative to the repository
	BuildFlags string // more docker build flags, such as --no-cache
	Package    string // the main package the Dockerfile builds (PACKAGE)
	Tags       string // with Verify: the build tags, to list the binary's modules
	// GoVersion and AlpineVersion are build args; empty: the Dockerfile's.
	GoVersion, AlpineVersion string
	Verify                   bool   // check a pushed release instead of making one
	Commit                   string // with Verify: the commit to expect; empty: HEAD
	// AllowDirty releases a tree with uncommitted changes, its provenance
	// naming the commit with -dirty; with Verify, accepts such a release.
	AllowDirty bool
	// Cosign is the cosign command; SigningKey the private key a release
	// is signed with (DefaultKey: made on first use), SigningPub the public
	// key verify-release checks the signature with (empty: beside the key).
	Cosign, SigningKey, SigningPub string
}

// Command is the make target the options are for, as errors name it.
func (o Options) Command() string {
	if o.Verify {
		return "verify-release"
	}
	return "release"
}

var (
	// registryRE is a registry host (with a port) and an optional
	// namespace: what goes before /NAME:VERSION.
	registryRE = regexp.MustCompile(`^[a-zA-Z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$`)
	nameRE     = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`)
	commitRE   = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
)

// Validate tells, in one line that names the fix, what is wrong with the
// options, if anything: bad input, found before anything is built.
func (o Options) Validate() error {
	_, err := o.check()
	return err
}

// A job is a make release or make verify-release whose options passed
// Validate, parsed.
type job struct {
	Options
	platforms []string
	port      int
}

// check validates the options and parses them into a job.
func (o Options) check() (job, error) {
	j := job{Options: o}
	if err := CheckVersion(o.Version); err != nil {
		if o.Verify {
			err = errors.New(strings.ReplaceAll(err.Error(), "make release", "make verify-release"))
		}
		return j, err
	}
	var err error
	if j.platforms, err = ParsePlatforms(o.Platforms); err != nil {
		return j, err
	}
	if j.port, err = strconv.Atoi(o.Port); err != nil || j.port < 1 || j.port > 65535 {
		return j, fmt.Errorf("invalid REGISTRY_PORT %q: use a number from 1 to 65535 (make release REGISTRY_PORT=%s)", o.Port, DefaultPort)
	}
	switch {
	case o.Registry != "" && !registryRE.MatchString(o.Registry):
		return j, fmt.Errorf("invalid REGISTRY %q: use a registry host and namespace, without https:// or a tag (make release REGISTRY=registry.example.com/you)", o.Registry)
	case !strings.HasPrefix(o.Package, "./") && o.Package != ".":
		return j, fmt.Errorf("invalid PACKAGE %q: use the main package's folder, such as ./cmd/api", o.Package)
	case !nameRE.MatchString(o.Name):
		return j, fmt.Errorf("invalid image name %q: use lower-case letters, digits, '.', '_' and '-'", o.Name)
	case o.Commit != "" && !commitRE.MatchString(o.Commit):
		return j, fmt.Errorf("invalid COMMIT %q: use a full commit hash (git rev-parse HEAD)", o.Commit)
	case o.Cosign == "":
		return j, errors.New("no cosign command: make setup-cosign installs one, or give COSIGN=path")
	case !o.Verify && !strings.HasSuffix(o.SigningKey, ".key"):
		return j, fmt.Errorf("invalid SIGNING_KEY %q: give the path of a cosign private key, ending in .key (cosign generate-key-pair makes cosign.key)", o.SigningKey)
	}
	return j, nil
}

// signer signs and checks the release's signature with cosign.
func (j job) signer() Signer {
	pub := j.SigningPub
	if pub == "" {
		pub = PublicKeyOf(j.SigningKey)
	}
	// The engine speaks plain HTTP to a registry on loopback (the local
	// container, or one a local runner gives as REGISTRY); cosign must be
	// told to.
	host, _, _ := strings.Cut(j.Registry, "/")
	host, _, _ = strings.Cut(host, ":")
	http := j.Registry == "" || host == "127.0.0.1" || host == "localhost"
	return Signer{Cosign: j.Cosign, Key: j.SigningKey, PublicKey: pub, HTTP: http}
}

// ref is where the release goes: REGISTRY/NAME:VERSION.
func (j job) ref() string {
	reg := j.Registry
	if reg == "" {
		reg = LocalRegistry(j.port)
	}
	return reg + "/" + j.Name + ":" + j.Version
}

// verifyCommand is the make verify-release line that checks what a make
// release pushed: the options it was given that are not the defaults.
func (j job) verifyCommand(dirty bool) string {
	check := "make verify-release VERSION=" + j.Version
	if j.Registry != "" {
		check += " REGISTRY=" + j.Registry
	} else if strconv.Itoa(j.port) != DefaultPort {
		check += " REGISTRY_PORT=" + strconv.Itoa(j.port)
	}
	if p := strings.Join(j.platforms, ","); p != DefaultPlatforms {
		check += " PLATFORMS=" + p
	}
	if j.Package != DefaultPackage {
		check += " PACKAGE=" + j.Package
	}
	if j.SigningKey != DefaultKey || j.SigningPub != "" {
		check += " SIGNING_PUB=" + j.signer().PublicKey
	}
	if dirty {
		check += " ALLOW_DIRTY=1"
	}
	return check
}
