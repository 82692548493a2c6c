// Command cache-demo shows how far the final rung's caches travel: it runs
// a registry container, builds the final rung cold exporting its layer
// cache (inline, then registry mode=max), empties its own images and build
// cache (an empty CI runner), and rebuilds from the registry, unchanged and
// after an edit. It writes out/cache-demo.json.
// `make cache-demo` runs it; see docs/ci.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("cache-demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	repoDir := fs.String("repo", ".", "the go-docker repository (or a folder inside it)")
	out := fs.String("out", "", "output folder (default: out/ in the repository)")
	dockerBin := fs.String("docker", "docker", "the docker CLI")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "cache-demo: %v (see go run ./cmd/cache-demo -h)\n", err)
		return 2
	}
	root, err := repo.Root(*repoDir)
	if err != nil {
		fmt.Fprintln(stderr, "cache-demo:", err)
		return 2
	}
	if *out == "" {
		*out = filepath.Join(root, "out")
	}
	result := filepath.Join(*out, "cache-demo.json")
	if err := os.Remove(result); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stderr, "cache-demo:", err)
		return 1
	}
	d := docker.Docker{Bin: *dockerBin}
	if d.BaseFlags, err = d.StandInFlags(ctx, root, "", ""); err != nil {
		fmt.Fprintln(stderr, "cache-demo:", err)
		return 1
	}
	demo, err := cachedemo.Run(ctx, d, root, filepath.Join(*out, "logs"), stderr)
	if err != nil {
		fmt.Fprintln(stderr, "cache-demo:", err)
		return 1
	}
	js, err := json.MarshalIndent(demo, "", "  ")
	if err == nil {
		err = os.WriteFile(result+".tmp", append(js, '\n'), 0o644)
	}
	if err == nil {
		err = os.Rename(result+".tmp", result)
	}
	if err != nil {
		fmt.Fprintln(stderr, "cache-demo:", err)
		return 1
	}
	for _, m := range demo.Modes {
		fmt.Fprintf(stderr, "cache-demo: %s: cold %.1f s, empty builder %.1f s, after an edit %.1f s, %s in the registry\n",
			m.Name, m.ColdS, m.EmptyBuilderNoopS, m.EmptyBuilderEditS, docker.HumanSize(m.CacheBytes))
	}
	fmt.Fprintln(stderr, "cache-demo: wrote", result)
	return 0
}
