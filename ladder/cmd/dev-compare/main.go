// Command dev-compare is make dev-compare: it times the edit → serving
// loops of make dev (docs/dev-loop.md) against a native go build and a
// process restart, ko, and make final + docker run, each over unique edits
// of a throwaway copy of the repository, and writes out/dev-loop.json.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/project"
)

func main() { cli.Main(run) }

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == nil {
		err = compare(ctx, o, stderr)
	}
	return cli.ExitCode("dev-compare", err, stderr)
}

// loopKeys name the loops for -loops, in the order they run.
var loopKeys = []string{"final", "native", "fast", "fast-watcher", "image", "image-watcher", "ko"}

type options struct {
	repo, docker, goVersion, alpineVersion, loops string
	edits                                         int
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("dev-compare", flag.ContinueOnError)
	fs.StringVar(&o.repo, "repo", ".", "the go-docker repository (or a folder inside it)")
	fs.StringVar(&o.docker, "docker", "docker", "the docker CLI")
	fs.IntVar(&o.edits, "edits", 5, "timed edits per loop (after one untimed)")
	fs.StringVar(&o.loops, "loops", "", "some loops only, by key: final,native,fast,fast-watcher,image,image-watcher,ko (empty: all; final always runs first)")
	fs.StringVar(&o.goVersion, "go-version", project.DefaultGoVersion, "GO_VERSION")
	fs.StringVar(&o.alpineVersion, "alpine-version", project.DefaultAlpineVersion, "ALPINE_VERSION")
	if err := cli.Parse(fs, args, stderr, "make dev-compare EDITS=5"); err != nil {
		return o, err
	}
	for _, k := range strings.Split(o.loops, ",") {
		if k != "" && !slices.Contains(loopKeys, strings.TrimSpace(k)) {
			return o, cli.Usage(fmt.Errorf("unknown loop %q: use some of %s (make dev-compare LOOPS=fast,native)", k, strings.Join(loopKeys, ",")))
		}
	}
	if o.edits < 1 || o.edits > 100 {
		return o, cli.Usage(fmt.Errorf("invalid EDITS %d: use 1 to 100 (make dev-compare EDITS=5)", o.edits))
	}
	return o, nil
}

// compare runs every loop in one run and writes the report; the last
// report is removed first, so a failed run leaves none to mistake for its
// own.
func compare(ctx context.Context, o options, stderr io.Writer) error {
	p, err := project.Open(ctx, project.Options{Repo: o.repo, Docker: o.docker, GoVersion: o.goVersion, AlpineVersion: o.alpineVersion})
	if err != nil {
		return err
	}
	result := filepath.Join(p.Root, "out", "dev-loop.json")
	os.Remove(result)
	tmp, err := os.MkdirTemp("", "go-docker-dev-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b, err := devloop.NewBench(ctx, p.Docker, p.Root, tmp, o.edits, o.goVersion, o.alpineVersion, stderr)
	if err != nil {
		return err
	}
	defer cleanup(p, b)
	rep := devloop.Report{GeneratedAt: time.Now().UTC(), CPUs: runtime.NumCPU(), OSArch: runtime.GOOS + "/" + runtime.GOARCH, Edits: o.edits, StandInBases: p.Docker.StandInBases(), GoVersion: o.goVersion}
	// make final first: the fast loops run the image it builds.
	loops := []struct {
		key string
		run func() (devloop.LoopReport, error)
	}{{"final", b.MakeFinal}, {"native", b.Native}, {"fast", b.FastDirect}, {"fast-watcher", b.FastWatcher},
		{"image", b.ImageDirect}, {"image-watcher", b.ImageWatcher}, {"ko", func() (devloop.LoopReport, error) { return b.Ko(tmp) }}}
	for _, loop := range loops {
		if o.loops != "" && loop.key != "final" && !strings.Contains(","+o.loops+",", ","+loop.key+",") {
			continue
		}
		l, err := loop.run()
		if err != nil {
			return err
		}
		rep.Loops = append(rep.Loops, l)
	}
	devloop.Summarize(rep.Loops)
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := devloop.WriteReport(result, append(js, '\n')); err != nil {
		return err
	}
	fmt.Fprint(stderr, devloop.Table(rep))
	fmt.Fprintln(stderr, "dev-compare: wrote", result)
	return nil
}

// cleanup removes the run's Compose project and images.
func cleanup(p *project.Project, b *devloop.Bench) {
	ctx := context.Background()
	out, _ := p.Docker.Output(ctx, "images", "-q", "--filter", "reference="+b.Prefix+"*")
	if ids := strings.Fields(out); len(ids) > 0 {
		p.Docker.Output(ctx, append([]string{"image", "rm", "-f"}, ids...)...)
	}
}
