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
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/render"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// main runs the command the way every command of ladder/cmd runs.
func main() { cli.Main(run) }

// run is the command as a test calls it: parse the flags, then rewrite
// the pages, and turn the outcome into an exit code.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = readme(ctx, o, stderr)
	}
	return cli.ExitCode("readme", err, stderr)
}

// options are the command's flags.
type options struct {
	repo, out   string
	transcripts bool
	cacheDemo   bool
	page        string
}

// parseFlags reads the flags; usage errors name make readme, since make
// is how most readers run the command.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("readme", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.out, "out", "", "where compare.json and cache-demo.json are (default: out/ in the repository)")
	fs.BoolVar(&o.transcripts, "transcripts", false, "also rerun the commands of every transcript (builds images; takes a while)")
	fs.BoolVar(&o.cacheDemo, "cache-demo-only", false, "rewrite only the cache demo's blocks, from out/cache-demo.json (after make cache-demo, without a make compare)")
	fs.StringVar(&o.page, "transcripts-of", "", "rerun only the transcripts of this page (e.g. docs/release.md), and change nothing else")
	if err := cli.Parse(fs, args, stderr, "make readme"); err != nil {
		return o, err
	}
	if o.page != "" && (o.cacheDemo || o.transcripts) {
		return o, cli.Usage(fmt.Errorf("-transcripts-of goes alone (make readme-page PAGE=%s)", o.page))
	}
	if o.cacheDemo && o.transcripts {
		return o, cli.Usage(fmt.Errorf("-cache-demo-only and -transcripts: choose one (make readme-cache-demo, or make readme)"))
	}
	return o, nil
}

// readme rewrites the generated parts of the pages from the results in
// the output folder.
func readme(ctx context.Context, o options, stderr io.Writer) error {
	root, err := repo.Root(o.repo)
	if err != nil {
		return cli.Usage(err)
	}
	out := o.out
	if out == "" {
		out = filepath.Join(root, "out")
	}
	if o.page != "" {
		if err := render.UpdatePageTranscripts(ctx, root, o.page); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "readme: reran the transcripts of", o.page)
		return nil
	}
	if o.cacheDemo {
		pages, err := render.UpdateCacheDemo(root, out)
		if err != nil {
			return err
		}
		fmt.Fprintln(stderr, "readme: updated the cache demo's blocks of", pages)
		return nil
	}
	if err := render.UpdateDocs(ctx, root, out, o.transcripts); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "readme: updated README.md, docs/*.md and", render.ChartPath)
	return nil
}
