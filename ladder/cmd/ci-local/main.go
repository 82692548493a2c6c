// Command ci-local runs one job of .github/workflows/ci.yml on this
// machine with act, a real local runner, as make ci-local JOB=image does:
// the job's steps on the host with its Docker engine, the actions from
// their public sources at the versions the workflow pins, the Actions
// cache in act's cache server on 127.0.0.1. Package cilocal does the
// work; see docs/ci.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/go-docker/go-docker/ladder/internal/cilocal"
	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/release"
)

func main() { cli.Main(run) }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = runJob(ctx, o, stderr)
	}
	return cli.ExitCode("ci-local", err, stderr)
}

type options struct {
	repo, docker string
	job          cilocal.Options
	port         string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ci-local", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.StringVar(&o.job.Act, "act", "act", "the act command")
	fs.StringVar(&o.job.Cosign, "cosign", "cosign", "the cosign command (the release job)")
	fs.StringVar(&o.job.Job, "job", "image", "the workflow's job to run")
	fs.StringVar(&o.job.Version, "version", "v0.0.0-ci-local", "the tag the release job runs on")
	fs.StringVar(&o.port, "port", release.DefaultPort, "the release job's registry container's port on 127.0.0.1")
	if err := cli.Parse(fs, args, stderr, "make ci-local JOB=image"); err != nil {
		return o, err
	}
	var err error
	if o.job.Port, err = strconv.Atoi(o.port); err != nil || o.job.Port < 1 || o.job.Port > 65535 {
		return o, cli.Usage(fmt.Errorf("invalid REGISTRY_PORT %q: use a number from 1 to 65535 (make ci-local JOB=release REGISTRY_PORT=%s)", o.port, release.DefaultPort))
	}
	if err := release.CheckVersion(o.job.Version); err != nil {
		return o, cli.Usage(err)
	}
	return o, nil
}

// runJob runs the job and says how it went; a job that fails is an error
// naming its failing step's message and the log.
func runJob(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker})
	if err != nil {
		return err
	}
	r, err := cilocal.New(ctx, p, o.job)
	if err != nil {
		return err
	}
	checkout, err := cilocal.ReadCheckout(ctx, p.Root)
	if err != nil {
		return err
	}
	if o.job.Job == "test" {
		fmt.Fprintln(stderr, "ci-local: the test job ends with make distclean on this engine, as on a runner thrown away after it (GO_DOCKER_TEST_DISTCLEAN=1)")
	}
	res, err := r.Do(ctx, stderr)
	if err != nil {
		return err
	}
	// What make readme renders into docs/ci.md, failed runs included, so
	// that an older run's figures do not stand for this one.
	saveErr := cilocal.NewReport(checkout, r, res, p.Docker.StandInBases()).Save(r.State)
	if !res.Passed {
		return errors.Join(errors.New("job "+o.job.Job+" failed after "+fmt.Sprintf("%.1f s", res.Seconds)+": "+res.Failure()+" (log: "+r.Log+")"), saveErr)
	}
	if saveErr != nil {
		return saveErr
	}
	fmt.Fprintf(stderr, "ci-local: job %s passed in %.1f s (out/ci-local/%s.json)\n", o.job.Job, res.Seconds, o.job.Job)
	return nil
}
