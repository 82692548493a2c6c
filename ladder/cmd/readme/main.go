// Command readme rewrites the generated parts of README.md and docs/*.md
// (results table, chart, figures) from the last out/compare.json and
// out/cache-demo.json. With -transcripts it also reruns the commands of
// every transcript, in a throwaway copy of the repository, so uncommitted
// work is never touched. `make readme-results` and `make readme` run it.
//
//	go run ./cmd/readme -repo .. -transcripts
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/go-docker/go-docker/ladder/internal/render"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// main cancels the work on Ctrl-C or SIGTERM, so that what it started is
// cleaned up, and exits with the code run returns.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

// usageError marks bad input: exit code 2.
type usageError struct{ error }

// run is the command as a test calls it: parse the flags, then rewrite
// the pages, and turn the outcome into an exit code.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = readme(ctx, o, stderr)
	}
	return exitCode(err, stderr)
}

// exitCode tells a failure in one line and maps it to the exit code the
// Makefile and CI read: 0 for success and -h, 2 for bad input, 1 for
// anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "readme:", err)
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// options are the command's flags.
type options struct {
	repo, out   string
	transcripts bool
}

// parseFlags reads the flags; usage errors name make readme, since make
// is how most readers run the command.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("readme", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.out, "out", "", "where compare.json and cache-demo.json are (default: out/ in the repository)")
	fs.BoolVar(&o.transcripts, "transcripts", false, "also rerun the commands of every transcript (builds images; takes a while)")
	return o, parse(fs, args, stderr, "make readme")
}

// parse parses args, flags only: -h prints the flags and is no failure;
// anything else wrong is a usage error that names the fix.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer, fromMake string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return err
		}
		return usageError{fmt.Errorf("%v (see %s -h; from make: %s)", err, fs.Name(), fromMake)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q: flags only (see %s -h)", fs.Arg(0), fs.Name())}
	}
	return nil
}

// readme rewrites the generated parts of the pages from the results in
// the output folder.
func readme(ctx context.Context, o options, stderr io.Writer) error {
	root, err := repo.Root(o.repo)
	if err != nil {
		return usageError{err}
	}
	out := o.out
	if out == "" {
		out = filepath.Join(root, "out")
	}
	if err := render.UpdateDocs(ctx, root, out, o.transcripts); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "readme: updated README.md, docs/*.md and", render.ChartPath)
	return nil
}
