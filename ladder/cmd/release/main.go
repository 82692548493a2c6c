// Command release builds the final rung for several platforms and pushes
// one image index with an SBOM and a provenance attestation for every
// platform (make release), or checks such a release in its registry
// (make verify-release, with -verify). Without -registry it uses a
// registry container on 127.0.0.1, started when needed; make distclean
// removes it. See docs/release.md; the policy is package release's.
package main

import (
	"context"
	"flag"
	"io"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/release"
)

// main runs the command the way every command of ladder/cmd runs.
func main() { cli.Main(run) }

// run is the command as a test calls it: parse the flags, then make or
// check the release, and turn the outcome into an exit code. Errors name
// make verify-release for -verify.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = makeOrVerify(ctx, o, stderr)
	}
	return cli.ExitCode(o.release.Command(), err, stderr)
}

// options are the command's flags: the repository and docker CLI, and
// what package release is asked to do.
type options struct {
	repo, docker string
	release      release.Options
}

// parseFlags reads the flags; usage errors name make release, since make
// is how most readers run the command.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	r := &o.release
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.StringVar(&r.Version, "version", "", "the release's version: its tag, and the image's version label")
	fs.StringVar(&r.Platforms, "platforms", release.DefaultPlatforms, "the platforms, comma-separated")
	fs.StringVar(&r.Registry, "registry", "", "where to push: a registry host and namespace such as registry.example.com/you (empty: a registry container on 127.0.0.1:PORT)")
	fs.StringVar(&r.Port, "port", release.DefaultPort, "the port on 127.0.0.1 of the registry container used without -registry")
	fs.StringVar(&r.Name, "name", release.DefaultName, "the image's name in the registry")
	fs.StringVar(&r.Dockerfile, "dockerfile", release.DefaultDockerfile, "the Dockerfile, relative to the repository")
	fs.StringVar(&r.BuildFlags, "build-flags", "", "more docker build flags, such as --no-cache")
	fs.StringVar(&r.Package, "package", release.DefaultPackage, "the main package the Dockerfile builds (its PACKAGE build arg)")
	fs.StringVar(&r.Tags, "tags", release.DefaultTags, "with -verify: the build tags the Dockerfile compiles with, to list the modules the binary holds")
	fs.StringVar(&r.GoVersion, "go-version", "", "GO_VERSION build arg (empty: the Dockerfile's)")
	fs.StringVar(&r.AlpineVersion, "alpine-version", "", "ALPINE_VERSION build arg (empty: the Dockerfile's)")
	fs.BoolVar(&r.Verify, "verify", false, "check a pushed release instead of building one")
	fs.StringVar(&r.Commit, "commit", "", "with -verify: the commit the provenance must name (empty: the checkout's HEAD)")
	fs.BoolVar(&r.AllowDirty, "allow-dirty", false, "release a tree with uncommitted changes, its provenance naming the commit with -dirty; with -verify: accept such a release")
	fs.StringVar(&r.Cosign, "cosign", "cosign", "the cosign command, which signs the release and checks its signature")
	fs.StringVar(&r.SigningKey, "signing-key", release.DefaultKey, "the cosign private key the release is signed with (the default is made on first use)")
	fs.StringVar(&r.SigningPub, "signing-pub", "", "with -verify: the cosign public key the signature must be by (empty: beside -signing-key, .pub)")
	if err := cli.Parse(fs, args, stderr, "make release VERSION=v1.0.0"); err != nil {
		return o, err
	}
	if err := r.Validate(); err != nil {
		return o, cli.Usage(err)
	}
	return o, nil
}

// makeOrVerify opens the repository, as every command does, and hands
// the release to package release.
func makeOrVerify(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker,
		GoVersion: o.release.GoVersion, AlpineVersion: o.release.AlpineVersion})
	if err != nil {
		return err
	}
	return release.Run(ctx, p, o.release, stderr)
}
