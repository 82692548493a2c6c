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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("readme", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	repoDir := fs.String("repo", ".", "the go-docker repository (or a folder inside it)")
	out := fs.String("out", "", "where compare.json and cache-demo.json are (default: out/ in the repository)")
	transcripts := fs.Bool("transcripts", false, "also rerun the commands of every transcript (builds images; takes a while)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "readme: %v (see readme -h; from make: make readme)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "readme: unexpected argument %q: flags only (see readme -h)\n", fs.Arg(0))
		return 2
	}
	root, err := repo.Root(*repoDir)
	if err != nil {
		fmt.Fprintln(stderr, "readme:", err)
		return 2
	}
	if *out == "" {
		*out = filepath.Join(root, "out")
	}
	if err := render.UpdateDocs(ctx, root, *out, *transcripts); err != nil {
		fmt.Fprintln(stderr, "readme:", err)
		return 1
	}
	fmt.Fprintln(stderr, "readme: updated README.md, docs/*.md and", render.ChartPath)
	return 0
}
