// Command compare measures every rung of the ladder side by side (image
// size, cold, no-op, edit and dependency-change builds, build context) and
// the native `go build` floor, and writes out/compare.json, out/compare.md
// and out/compare.svg. `make compare` runs it; see docs/results.md.
//
//	go run ./cmd/compare -runs 3 -rungs simple,final
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
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/peers"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/render"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// main runs the command the way every command of ladder/cmd runs.
func main() { cli.Main(run) }

// run is the command as a test calls it: parse the flags, then measure and
// write, and turn the outcome into an exit code.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = compare(ctx, o, stderr)
	}
	return cli.ExitCode("compare", err, stderr)
}

// options are the command's flags.
type options struct {
	runs                            int
	rungs, peers, repo, out, docker string
	goVersion, alpineVersion        string
}

// parseFlags reads the flags; the make variables that set them are named
// in the usage errors, since make is how most readers run the command.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.IntVar(&o.runs, "runs", 3, fmt.Sprintf("timed runs per scenario, 1 to %d; the report gives medians", measure.MaxRuns))
	fs.StringVar(&o.rungs, "rungs", "", "comma-separated rungs to measure (default: all of dockerfiles/rungs.txt)")
	fs.StringVar(&o.peers, "peers", "all", "comma-separated peers to measure beside the rungs ("+strings.Join(peers.Names(), ", ")+"), all or none")
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.out, "out", "", "output folder (default: out/ in the repository)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.StringVar(&o.goVersion, "go-version", "1.26", "GO_VERSION build arg: the golang:<v>-alpine base")
	fs.StringVar(&o.alpineVersion, "alpine-version", "3.23", "ALPINE_VERSION build arg: the alpine:<v> base")
	return o, cli.Parse(fs, args, stderr, "make compare RUNS=3 RUNGS=simple,final")
}

// compare measures and writes the report. Everything that can be checked
// is checked before the last run's results are removed.
func compare(ctx context.Context, o options, stderr io.Writer) error {
	cfg, err := configure(ctx, o, stderr)
	if err != nil {
		return err
	}
	// From here on, results of an earlier run would be mistaken for this
	// one's if this one fails: remove them first, write the new ones last.
	for _, f := range results {
		if err := os.Remove(filepath.Join(cfg.Out, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	rep, err := measure.Measure(ctx, cfg)
	if err != nil {
		return err
	}
	files, err := reportFiles(rep, cfg.Repo)
	if err != nil {
		return err
	}
	if err := writeAll(cfg.Out, files); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "compare: wrote %s, %s and %s (build logs in %s)\n",
		filepath.Join(cfg.Out, results[0]), filepath.Join(cfg.Out, results[1]), filepath.Join(cfg.Out, results[2]), filepath.Join(cfg.Out, "logs"))
	return nil
}

// configure turns the flags into the measurement's configuration and
// checks it: bad input is a usage error, found before the engine is
// asked, and an engine that does not answer fails here, before anything
// is removed or measured. This is the one place that checks:
// measure.Measure trusts its caller.
func configure(ctx context.Context, o options, stderr io.Writer) (measure.Config, error) {
	cfg := measure.Config{Runs: o.runs, GoVersion: o.goVersion, AlpineVersion: o.alpineVersion, Progress: stderr}
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker, GoVersion: o.goVersion, AlpineVersion: o.alpineVersion,
		Check: func(root string) error { return o.selection(root, &cfg) }})
	if err != nil {
		return cfg, err
	}
	cfg.Docker = p.Docker
	return cfg, nil
}

// selection fills in what the flags select in the repository at root: the
// output folder, the rungs and the peers, and checks the whole.
func (o options) selection(root string, cfg *measure.Config) error {
	cfg.Repo, cfg.Out = root, o.out
	if cfg.Out == "" {
		cfg.Out = filepath.Join(root, "out")
	}
	all, err := repo.Load(root)
	if err != nil {
		return err
	}
	if cfg.Rungs, err = repo.Select(all, o.rungs); err != nil {
		return cli.Usage(fmt.Errorf("%v (make compare RUNGS=simple,final)", err))
	}
	if cfg.Peers, err = peers.Select(o.peers); err != nil {
		return cli.Usage(fmt.Errorf("%v (make compare PEERS=ko)", err))
	}
	if err := cfg.Validate(); err != nil {
		return cli.Usage(err)
	}
	return nil
}

// results are the files compare writes to the output folder.
var results = []string{"compare.json", "compare.md", "compare.svg"}

// reportFiles renders the report as each of results: the JSON, checked
// against the schema readers rely on, the table and the chart, which
// single out the catalogue's production rung.
func reportFiles(rep measure.Report, root string) (map[string][]byte, error) {
	rungs, err := repo.Load(root)
	if err != nil {
		return nil, err
	}
	production := repo.Production(rungs).Name
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	// What the schema promises readers, the report keeps.
	if err := measure.ValidateSchema(filepath.Join(root, "ladder", "compare.schema.json"), js); err != nil {
		return nil, fmt.Errorf("the report does not match ladder/compare.schema.json: %w", err)
	}
	svg, err := render.Chart(rep, production)
	if err != nil {
		return nil, fmt.Errorf("drawing the chart: %w", err)
	}
	return map[string][]byte{"compare.json": append(js, '\n'), "compare.md": []byte(render.Table(rep, "..", production)), "compare.svg": svg}, nil
}

// writeAll writes every file under a temporary name, then renames them
// all: a failure leaves nothing that looks complete.
func writeAll(out string, files map[string][]byte) error {
	for _, f := range results {
		if err := os.WriteFile(filepath.Join(out, f+".tmp"), files[f], 0o644); err != nil {
			return err
		}
	}
	for _, f := range results {
		if err := os.Rename(filepath.Join(out, f+".tmp"), filepath.Join(out, f)); err != nil {
			return err
		}
	}
	return nil
}
