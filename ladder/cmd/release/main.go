// Command release builds the final rung for several platforms and pushes
// one image index with an SBOM and a provenance attestation for every
// platform (make release), or checks such a release in its registry
// (make verify-release, with -verify). Without -registry it uses a
// registry container on 127.0.0.1, started when needed; make distclean
// removes it. See docs/release.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/release"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func main() { cli.Main(run) }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		if o.verify {
			err = verify(ctx, o, stderr)
		} else {
			err = build(ctx, o, stderr)
		}
	}
	name := "release"
	if o.verify {
		name = "verify-release"
	}
	return cli.ExitCode(name, err, stderr)
}

type options struct {
	repo, docker, version, registry, name, dockerfile, commit string
	goVersion, alpineVersion, buildFlags, pkg, tags           string
	platforms                                                 []string
	port                                                      int
	verify, allowDirty                                        bool
}

// registryRE is a registry host (with a port) and an optional namespace:
// what goes before /NAME:VERSION.
var registryRE = regexp.MustCompile(`^[a-zA-Z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$`)

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var platforms, port string
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.StringVar(&o.version, "version", "", "the release's version: its tag, and the image's version label")
	fs.StringVar(&platforms, "platforms", release.DefaultPlatforms, "the platforms, comma-separated")
	fs.StringVar(&o.registry, "registry", "", "where to push: a registry host and namespace such as registry.example.com/you (empty: a registry container on 127.0.0.1:PORT)")
	fs.StringVar(&port, "port", "5001", "the port on 127.0.0.1 of the registry container used without -registry")
	fs.StringVar(&o.name, "name", "go-docker", "the image's name in the registry")
	fs.StringVar(&o.dockerfile, "dockerfile", "final.Dockerfile", "the Dockerfile, relative to the repository")
	fs.StringVar(&o.buildFlags, "build-flags", "", "more docker build flags, such as --no-cache")
	fs.StringVar(&o.pkg, "package", "./dependencies", "the main package the Dockerfile builds (its PACKAGE build arg)")
	fs.StringVar(&o.tags, "tags", "nomsgpack", "with -verify: the build tags the Dockerfile compiles with, to list the modules the binary holds")
	fs.StringVar(&o.goVersion, "go-version", "", "GO_VERSION build arg (empty: the Dockerfile's)")
	fs.StringVar(&o.alpineVersion, "alpine-version", "", "ALPINE_VERSION build arg (empty: the Dockerfile's)")
	fs.BoolVar(&o.verify, "verify", false, "check a pushed release instead of building one")
	fs.StringVar(&o.commit, "commit", "", "with -verify: the commit the provenance must name (empty: the checkout's HEAD)")
	fs.BoolVar(&o.allowDirty, "allow-dirty", false, "release a tree with uncommitted changes, its provenance naming the commit with -dirty; with -verify: accept such a release")
	if err := cli.Parse(fs, args, stderr, "make release VERSION=v1.0.0"); err != nil {
		return o, err
	}
	if err := release.CheckVersion(o.version); err != nil {
		if o.verify {
			err = errors.New(strings.Replace(err.Error(), "make release", "make verify-release", -1))
		}
		return o, cli.Usage(err)
	}
	var err error
	if o.platforms, err = release.ParsePlatforms(platforms); err != nil {
		return o, cli.Usage(err)
	}
	if o.port, err = strconv.Atoi(port); err != nil || o.port < 1 || o.port > 65535 {
		return o, cli.Usage(fmt.Errorf("invalid REGISTRY_PORT %q: use a number from 1 to 65535 (make release REGISTRY_PORT=5001)", port))
	}
	if o.registry != "" && !registryRE.MatchString(o.registry) {
		return o, cli.Usage(fmt.Errorf("invalid REGISTRY %q: use a registry host and namespace, without https:// or a tag (make release REGISTRY=registry.example.com/you)", o.registry))
	}
	if !strings.HasPrefix(o.pkg, "./") && o.pkg != "." {
		return o, cli.Usage(fmt.Errorf("invalid PACKAGE %q: use the main package's folder, such as ./cmd/api", o.pkg))
	}
	if !regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`).MatchString(o.name) {
		return o, cli.Usage(fmt.Errorf("invalid image name %q: use lower-case letters, digits, '.', '_' and '-'", o.name))
	}
	if o.commit != "" && !regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`).MatchString(o.commit) {
		return o, cli.Usage(fmt.Errorf("invalid COMMIT %q: use a full commit hash (git rev-parse HEAD)", o.commit))
	}
	return o, nil
}

// ref is where the release goes: REGISTRY/NAME:VERSION.
func (o options) ref() string {
	reg := o.registry
	if reg == "" {
		reg = release.LocalRegistry(o.port)
	}
	return reg + "/" + o.name + ":" + o.version
}

// open finds the repository's root and checks that an engine answers.
func open(ctx context.Context, o options) (string, docker.Docker, error) {
	d := docker.Docker{Bin: o.docker}
	root, err := repo.Root(o.repo)
	if err != nil {
		return "", d, cli.Usage(err)
	}
	return root, d, d.Ping(ctx)
}

func build(ctx context.Context, o options, stderr io.Writer) error {
	root, d, err := open(ctx, o)
	if err != nil {
		return err
	}
	dirty, err := release.Dirty(ctx, root)
	if err != nil {
		return err
	}
	if dirty && !o.allowDirty {
		return errors.New("the checkout has uncommitted changes (git status), which the commit a provenance names does not hold: commit them, or make release ALLOW_DIRTY=1 to release it marked <commit>-dirty")
	}
	if err := canPushIndex(ctx, d, o.registry != ""); err != nil {
		return err
	}
	epoch, err := repo.CommitTime(ctx, root)
	if err != nil {
		return fmt.Errorf("a release is built from a git checkout, whose commit its provenance names: %v", err)
	}
	if d.BaseFlags, err = d.StandInFlags(ctx, root, o.goVersion, o.alpineVersion); err != nil {
		return err
	}
	generator, err := d.SBOMScannerImage(ctx, root)
	if err != nil {
		return err
	}
	if o.registry == "" {
		if err := d.SetUp(ctx, root, "registry"); err != nil {
			return err
		}
		addr, err := release.EnsureRegistry(ctx, d, root, o.port)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "release: registry container %s on %s (make distclean removes it)\n", release.RegistryContainer(o.port), addr)
	}
	bo := release.BuildOptions{Root: root, Dockerfile: o.dockerfile, Ref: o.ref(), Version: o.version,
		Platforms: o.platforms, SourceDateEpoch: epoch, Generator: generator, BuildArgs: map[string]string{},
		ExtraFlags: strings.Fields(o.buildFlags), Dirty: dirty}
	if o.goVersion != "" {
		bo.BuildArgs["GO_VERSION"] = o.goVersion
	}
	if o.alpineVersion != "" {
		bo.BuildArgs["ALPINE_VERSION"] = o.alpineVersion
	}
	if o.pkg != "./dependencies" {
		bo.BuildArgs["PACKAGE"] = o.pkg
	}
	fmt.Fprintf(stderr, "release: building %s for %s, with an SBOM (%s) and provenance (mode=max)\n",
		o.dockerfile, strings.Join(o.platforms, ", "), generator)
	logFile := filepath.Join(root, "out", "logs", "release.log")
	if err := release.Build(ctx, d, bo, logFile); err != nil {
		return err
	}
	r, err := release.Inspect(ctx, d, bo.Ref)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "release: pushed %s\n", bo.Ref)
	fmt.Fprintf(stderr, "release:   index        %s\n", r.Digest)
	for _, p := range o.platforms {
		fmt.Fprintf(stderr, "release:   %-12s %s\n", p, r.Platforms[p].Digest)
	}
	if dirty {
		fmt.Fprintln(stderr, "release: warning: built with uncommitted changes (ALLOW_DIRTY=1): its provenance names the commit with -dirty, which make verify-release refuses without ALLOW_DIRTY=1")
	}
	fmt.Fprintf(stderr, "release: check it with %s\n", verifyCommand(o, dirty))
	if o.registry == "" {
		fmt.Fprintf(stderr, "release: the engine keeps a copy tagged %s (make distclean removes it)\n", bo.Ref)
	}
	return nil
}

// verifyCommand is the make verify-release line that checks what build
// pushed: the options it was given that are not the defaults.
func verifyCommand(o options, dirty bool) string {
	check := "make verify-release VERSION=" + o.version
	if o.registry != "" {
		check += " REGISTRY=" + o.registry
	} else if o.port != 5001 {
		check += " REGISTRY_PORT=" + strconv.Itoa(o.port)
	}
	if p := strings.Join(o.platforms, ","); p != release.DefaultPlatforms {
		check += " PLATFORMS=" + p
	}
	if o.pkg != "./dependencies" {
		check += " PACKAGE=" + o.pkg
	}
	if dirty {
		check += " ALLOW_DIRTY=1"
	}
	return check
}

// canPushIndex tells, in one line, why the current builder cannot push a
// multi-platform index with attestations, if it cannot: the engine's own
// builder (the docker driver) needs the containerd image store for both.
// Another builder (docker-container, remote) runs BuildKit elsewhere: its
// 127.0.0.1 is not this machine's, so it needs a REGISTRY.
func canPushIndex(ctx context.Context, d docker.Docker, registry bool) error {
	out, err := d.Output(ctx, "buildx", "inspect")
	if err != nil {
		return err
	}
	if !regexp.MustCompile(`(?m)^Driver:\s+docker\s*$`).MatchString(out) {
		if !registry {
			return errors.New("the current buildx builder is not the engine's own, and cannot reach the local registry container on 127.0.0.1: set REGISTRY=registry.example.com/you, or docker buildx use default")
		}
		return nil
	}
	info, err := d.Output(ctx, "info", "--format", "{{json .DriverStatus}}")
	if err != nil {
		return err
	}
	if strings.Contains(info, "io.containerd.snapshotter") {
		return nil
	}
	return errors.New("the engine's builder pushes several platforms with attestations only from the containerd image store: turn it on (Docker Desktop: Settings, General, containerd for pulling and storing images; Docker Engine: \"features\": {\"containerd-snapshotter\": true} in daemon.json), or use a docker-container builder with REGISTRY set")
}

func verify(ctx context.Context, o options, stderr io.Writer) error {
	root, d, err := open(ctx, o)
	if err != nil {
		return err
	}
	if o.registry == "" {
		switch running, exists := release.RegistryState(ctx, d, o.port); {
		case !exists:
			return fmt.Errorf("no release registry on %s (container %s): run make release VERSION=%s first",
				release.LocalRegistry(o.port), release.RegistryContainer(o.port), o.version)
		case !running:
			return fmt.Errorf("the release registry container %s is stopped: docker start %s, then retry",
				release.RegistryContainer(o.port), release.RegistryContainer(o.port))
		}
	}
	want := release.Want{Version: o.version, Platforms: o.platforms, Revision: o.commit, Dockerfile: o.dockerfile, AllowDirty: o.allowDirty}
	if want.Revision == "" {
		out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "HEAD").Output()
		if err != nil {
			return fmt.Errorf("git rev-parse HEAD in %s: %v: give the commit to expect, COMMIT=<hash>", root, err)
		}
		want.Revision = strings.TrimSpace(string(out))
	}
	if want.Modules, err = release.DirectModules(ctx, root, o.pkg, o.tags); err != nil {
		return err
	}
	r, err := release.Inspect(ctx, d, o.ref())
	if err != nil {
		return err
	}
	lines, err := release.Verify(r, want)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(stderr, "verify-release: ok:", l)
	}
	fmt.Fprintf(stderr, "verify-release: %s (%s) passes\n", o.ref(), r.Digest)
	return nil
}
