// Command dev is make dev: each saved edit of the program serves in a
// container shaped like production (read-only, no capabilities, user
// 65532, the image's health check), until Ctrl-C removes it. -loop fast
// compiles on this machine and restarts the server in its container;
// -loop image has Compose rebuild final.Dockerfile. See docs/dev-loop.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/project"
)

func main() { cli.Main(run) }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = dev(ctx, o, stderr)
	}
	return cli.ExitCode("dev", err, stderr)
}

type options struct {
	repo, docker, loop, port, project, program, goVersion, alpineVersion string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.StringVar(&o.loop, "loop", "fast", "fast (compile here, restart the server in its container) or image (Compose rebuilds the image)")
	fs.StringVar(&o.port, "port", "8080", "the port on 127.0.0.1")
	fs.StringVar(&o.project, "project", "", "the Compose project name (empty: compose.yaml's)")
	fs.StringVar(&o.program, "program", "./dependencies", "the main package the fast loop compiles")
	fs.StringVar(&o.goVersion, "go-version", project.DefaultGoVersion, "final.Dockerfile's Go (GO_VERSION)")
	fs.StringVar(&o.alpineVersion, "alpine-version", project.DefaultAlpineVersion, "ALPINE_VERSION")
	if err := cli.Parse(fs, args, stderr, "make dev"); err != nil {
		return o, err
	}
	if o.loop != "fast" && o.loop != "image" {
		return o, cli.Usage(fmt.Errorf("unknown LOOP %q: use fast or image (make dev LOOP=image)", o.loop))
	}
	if n, err := strconv.Atoi(o.port); err != nil || n < 1 || n > 65535 {
		return o, cli.Usage(fmt.Errorf("invalid PORT %q: use a number from 1 to 65535 (make dev PORT=3000)", o.port))
	}
	return o, nil
}

func dev(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker, GoVersion: o.goVersion, AlpineVersion: o.alpineVersion})
	if err != nil {
		return err
	}
	c := devloop.NewCompose(p.Docker, p.Root, o.project, []string{"PORT=" + o.port},
		project.ComposeStandIns(p.Root, p.GoVersion, p.AlpineVersion))
	lo := devloop.Options{Compose: c, Program: o.program, Port: o.port, GoVersion: o.goVersion, Out: stderr}
	if o.loop == "image" {
		return devloop.Image(ctx, lo)
	}
	return devloop.Fast(ctx, lo)
}
