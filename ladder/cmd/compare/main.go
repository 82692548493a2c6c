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
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/peers"
	"github.com/go-docker/go-docker/ladder/internal/render"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

// usageError marks bad input: exit code 2.
type usageError struct{ error }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	err := compare(ctx, args, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(stderr, "compare:", err)
		var u usageError
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
}

func compare(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runs := fs.Int("runs", 3, fmt.Sprintf("timed runs per scenario, 1 to %d; the report gives medians", measure.MaxRuns))
	rungs := fs.String("rungs", "", "comma-separated rungs to measure (default: all of dockerfiles/rungs.txt)")
	peerList := fs.String("peers", "all", "comma-separated peers to measure beside the rungs ("+strings.Join(peers.Names(), ", ")+"), all or none")
	repoDir := fs.String("repo", ".", "the go-docker repository (or a folder inside it)")
	out := fs.String("out", "", "output folder (default: out/ in the repository)")
	dockerBin := fs.String("docker", "docker", "the docker CLI")
	goVersion := fs.String("go-version", "1.26", "GO_VERSION build arg: the golang:<v>-alpine base")
	alpineVersion := fs.String("alpine-version", "3.23", "ALPINE_VERSION build arg: the alpine:<v> base")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return err
		}
		return usageError{fmt.Errorf("%v (see compare -h; from make: make compare RUNS=3 RUNGS=simple,final)", err)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q: flags only (see compare -h)", fs.Arg(0))}
	}
	root, err := repo.Root(*repoDir)
	if err != nil {
		return usageError{err}
	}
	if *out == "" {
		*out = filepath.Join(root, "out")
	}
	all, err := repo.Load(root)
	if err != nil {
		return err
	}
	selected, err := repo.Select(all, *rungs)
	if err != nil {
		return usageError{fmt.Errorf("%v (make compare RUNGS=simple,final)", err)}
	}
	selectedPeers, err := peers.Select(*peerList)
	if err != nil {
		return usageError{fmt.Errorf("%v (make compare PEERS=ko)", err)}
	}
	cfg := measure.Config{
		Repo: root, Out: *out, Rungs: selected, Peers: selectedPeers, Runs: *runs,
		Docker: docker.Docker{Bin: *dockerBin}, GoVersion: *goVersion, AlpineVersion: *alpineVersion,
		Progress: stderr,
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	if err := cfg.Docker.Ping(ctx); err != nil {
		return err
	}
	// Stand-in base images, where scripts/ensure-docker.sh made them.
	if cfg.Docker.BaseFlags, err = cfg.Docker.StandInFlags(ctx, root, *goVersion, *alpineVersion); err != nil {
		return err
	}

	// From here on, results of an earlier run would be mistaken for this
	// one's if this one fails: remove them first, write the new ones last.
	files := map[string]string{"json": "compare.json", "md": "compare.md", "svg": "compare.svg"}
	for _, f := range files {
		if err := os.Remove(filepath.Join(*out, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	rep, err := measure.Measure(ctx, cfg)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	// What the schema promises readers, the report keeps.
	if err := measure.ValidateSchema(filepath.Join(root, "ladder", "compare.schema.json"), js); err != nil {
		return fmt.Errorf("the report does not match ladder/compare.schema.json: %w", err)
	}
	svg, err := render.Chart(rep)
	if err != nil {
		return fmt.Errorf("drawing the chart: %w", err)
	}
	contents := map[string][]byte{"json": append(js, '\n'), "md": []byte(render.Table(rep, "..")), "svg": svg}
	// Write all three under temporary names, then rename: a failure leaves
	// nothing that looks complete.
	for k, f := range files {
		if err := os.WriteFile(filepath.Join(*out, f+".tmp"), contents[k], 0o644); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := os.Rename(filepath.Join(*out, f+".tmp"), filepath.Join(*out, f)); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "compare: wrote %s, %s and %s (build logs in %s)\n",
		filepath.Join(*out, files["json"]), filepath.Join(*out, files["md"]), filepath.Join(*out, files["svg"]), filepath.Join(*out, "logs"))
	return nil
}
