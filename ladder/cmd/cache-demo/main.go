// Command cache-demo shows how far the final rung's caches travel: it runs
// a registry container, builds the final rung cold exporting its layer
// cache (inline, then registry mode=max), empties its own images and build
// cache (an empty CI runner), and rebuilds from the registry, unchanged and
// after an edit; then it does the same through one shared BuildKit daemon,
// from a client that never built. It writes out/cache-demo.json.
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
	"path/filepath"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/project"
)

// main runs the command the way every command of ladder/cmd runs.
func main() { cli.Main(run) }

// run is the command as a test calls it: parse the flags, then run the
// demo and write its report, and turn the outcome into an exit code.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = cacheDemo(ctx, o, stderr)
	}
	return cli.ExitCode("cache-demo", err, stderr)
}

// options are the command's flags.
type options struct {
	repo, out, docker string
}

// parseFlags reads the flags; usage errors name make cache-demo, since
// make is how most readers run the command.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("cache-demo", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.out, "out", "", "output folder (default: out/ in the repository)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	return o, cli.Parse(fs, args, stderr, "make cache-demo")
}

// cacheDemo runs the demo and writes out/cache-demo.json. The last run's
// report is removed first, so a failed run leaves none to mistake for its
// own.
func cacheDemo(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker})
	if err != nil {
		return err
	}
	out := o.out
	if out == "" {
		out = filepath.Join(p.Root, "out")
	}
	result := filepath.Join(out, "cache-demo.json")
	if err := os.Remove(result); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	demo, err := cachedemo.Run(ctx, p, filepath.Join(out, "logs"), stderr)
	if err != nil {
		return err
	}
	if err := writeReport(result, demo); err != nil {
		return err
	}
	for _, m := range demo.Modes {
		if m.Name == cachedemo.SharedBuilderMode {
			fmt.Fprintf(stderr, "cache-demo: %s: client A cold %.1f s; client B, new: nothing changed %.1f s, after an edit %.1f s (%d packages compiled)\n",
				m.Name, m.ColdS, m.EmptyBuilderNoopS, m.EmptyBuilderEditS, m.PackagesCompiledAfterEdit)
			continue
		}
		fmt.Fprintf(stderr, "cache-demo: %s: cold %.1f s, empty builder %.1f s, after an edit %.1f s, %s in the registry\n",
			m.Name, m.ColdS, m.EmptyBuilderNoopS, m.EmptyBuilderEditS, docker.HumanSize(m.CacheBytes))
	}
	fmt.Fprintln(stderr, "cache-demo: wrote", result)
	return nil
}

// writeReport writes the report under a temporary name, then renames it:
// a failure leaves nothing that looks complete.
func writeReport(path string, demo cachedemo.Report) error {
	js, err := json.MarshalIndent(demo, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+".tmp", append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}
