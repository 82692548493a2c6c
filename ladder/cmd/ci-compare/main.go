// Command ci-compare measures the workflow's image job under act, cold and
// after a one-line edit, with three ways to keep a cache between runners:
// the layer cache in the Actions cache alone, the same with the cache
// mounts carried, and a shared builder (make shared-builder, which make
// ci-compare starts first). It writes out/ci-compare.json, which make
// readme renders into docs/ci.md. Package cicompare does the work.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-docker/go-docker/ladder/internal/cicompare"
	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/project"
)

func main() { cli.Main(run) }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = measure(ctx, o, stderr)
	}
	return cli.ExitCode("ci-compare", err, stderr)
}

type options struct {
	repo, docker string
	config       cicompare.Config
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ci-compare", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.StringVar(&o.config.Act, "act", "act", "the act command")
	fs.IntVar(&o.config.SharedBuilderPort, "shared-builder-port", 1234, "the port on 127.0.0.1 of make shared-builder's daemon (0: leave the shared builder out)")
	if err := cli.Parse(fs, args, stderr, "make ci-compare"); err != nil {
		return o, err
	}
	if p := o.config.SharedBuilderPort; p < 0 || p > 65535 {
		return o, cli.Usage(fmt.Errorf("invalid SHARED_BUILDER_PORT %d: use a number from 1 to 65535 (make ci-compare SHARED_BUILDER_PORT=1234)", p))
	}
	return o, nil
}

// measure runs the measurement and writes its report whole, under a
// temporary name renamed at the end.
func measure(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker})
	if err != nil {
		return err
	}
	rep, err := cicompare.Measure(ctx, p, o.config, stderr)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := devloop.WriteReport(filepath.Join(p.Root, "out", "ci-compare.json"), append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "ci-compare: wrote out/ci-compare.json\n")
	return nil
}
