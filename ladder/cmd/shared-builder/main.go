// Command shared-builder starts one BuildKit daemon for a team to share:
// a container named go-docker-shared-builder that publishes its port on
// 127.0.0.1 only and demands a client certificate (mutual TLS, with
// certificates it writes into out/shared-builder/), and a buildx builder,
// go-docker-shared, on the remote driver, that reaches it. Its build
// cache, cache mounts included, lives in a volume and outlives restarts.
// `make shared-builder` runs it; `make distclean` removes all of it.
// See docs/shared-builder.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/sharedbuilder"
)

// The names make distclean removes (with names.SharedBuilderLabel): the
// builder, and the daemon's container, named after it.
const (
	builderName   = names.SharedBuilder
	containerName = names.SharedBuilder + "-builder"
)

func main() { cli.Main(run) }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = start(ctx, o, stderr)
	}
	return cli.ExitCode("shared-builder", err, stderr)
}

type options struct {
	repo, docker string
	port         int
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("shared-builder", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.IntVar(&o.port, "port", 1234, "the port on 127.0.0.1 the daemon listens on")
	if err := cli.Parse(fs, args, stderr, "make shared-builder SHARED_BUILDER_PORT=1234"); err != nil {
		return o, err
	}
	if o.port < 1 || o.port > 65535 {
		return o, cli.Usage(fmt.Errorf("invalid port %d: use a number from 1 to 65535 (make shared-builder SHARED_BUILDER_PORT=1234)", o.port))
	}
	return o, nil
}

// start (re)starts the daemon with the certificates of out/shared-builder/
// (written once), and (re)creates the builder in this user's buildx
// configuration.
func start(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker})
	if err != nil {
		return err
	}
	image, err := p.BuildKitImage(ctx)
	if err != nil {
		return err
	}
	certs := filepath.Join(p.Root, "out", "shared-builder")
	if !sharedbuilder.HaveCerts(certs) {
		if err := sharedbuilder.WriteCerts(certs); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "shared-builder: wrote a CA, a server and a client certificate into %s\n", rel(p.Root, certs))
	}
	d := p.Docker
	// A restart keeps the state volume, and with it the cache.
	d.Output(ctx, "rm", "-f", containerName)
	daemon, err := sharedbuilder.Start(ctx, d, sharedbuilder.Options{Name: containerName, Image: image, CertDir: certs, HostPort: strconv.Itoa(o.port)})
	if err != nil {
		return err
	}
	d.Output(ctx, "buildx", "rm", builderName)
	if err := sharedbuilder.CreateBuilder(ctx, d, builderName, daemon, sharedbuilder.CertFiles(certs)); err != nil {
		return err
	}
	flags, err := sharedbuilder.OCILayoutFlags(ctx, d, d.BaseFlags, filepath.Join(certs, "bases"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "shared-builder: buildkitd (%s) on %s, mutual TLS; builder %s\n", image, daemon.Endpoint(), builderName)
	build := "docker buildx build --builder " + builderName
	if len(flags) > 0 {
		build += " " + strings.Join(flags, " ")
		fmt.Fprintln(stderr, "shared-builder: stand-in base images go to the daemon as OCI layouts, with these flags")
	}
	fmt.Fprintf(stderr, "shared-builder: build on it with: %s -f final.Dockerfile --load -t app .\n", build)
	fmt.Fprintln(stderr, "shared-builder: remove it with make distclean")
	return nil
}

func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return r
	}
	return p
}
