// Package measure times the ladder's rungs in a throwaway copy of the
// repository (cold, no-op, edit, dependency change), next to a native go
// build and the peers, and writes the report that make compare prints.
package measure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/peers"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// Config is what a compare run measures.
type Config struct {
	Repo          string // the repository root (only read, never written)
	Out           string // where compare.json, compare.md, compare.svg and logs/ go
	Rungs         []repo.Rung
	Peers         []peers.Peer // measured beside the rungs, in the same scenarios
	Runs          int
	Docker        docker.Docker
	GoVersion     string // for the base image names
	AlpineVersion string
	Progress      io.Writer
}

// Validate checks a Config before anything is measured. Its errors are one
// line and name the fix. The caller runs it once, before Measure, and
// gives Measure a Docker whose engine answers (project.Open).
func (c Config) Validate() error {
	if c.Runs < 1 || c.Runs > MaxRuns {
		return fmt.Errorf("RUNS=%d: use a number from 1 to %d (make compare RUNS=3)", c.Runs, MaxRuns)
	}
	if len(c.Rungs) == 0 {
		return errors.New("no rungs to measure: name some, e.g. RUNGS=simple,final")
	}
	if _, err := repo.Root(c.Repo); err != nil {
		return err
	}
	return nil
}

// measurer holds the state of one run.
type measurer struct {
	Config
	ctx         context.Context
	dir         string // the throwaway copy
	tmp         string
	logs        string
	start       time.Time
	runID       string
	dockerfiles map[string]string // originals, by path relative to dir
	editN       int
	images      map[string]bool // ids of every image this run built
	peers       []peers.Runner  // c.Peers, set up for this run
	goFlags     []string        // of the native builds (NativeFlags)
	gocache     string          // GOCACHE of the native builds
	samples     samples
	rep         Report // filled in step by step
}

// Measure runs every scenario on a valid Config (see Validate) and returns
// the report. It works in a throwaway copy of the repository and removes
// the images and build cache it created, whatever happens.
func Measure(ctx context.Context, c Config) (Report, error) {
	m := &measurer{Config: c, ctx: ctx, start: time.Now(), runID: repo.NewRunID(), samples: samples{}}
	m.logs = filepath.Join(c.Out, "logs")
	var err error
	if m.goFlags, err = NativeFlags(c.Repo); err != nil {
		return Report{}, err
	}
	before, err := c.Docker.CacheRecordIDs(ctx)
	if err != nil {
		return Report{}, err
	}
	if m.tmp, err = os.MkdirTemp("", "go-docker-compare-"); err != nil {
		return Report{}, err
	}
	defer func() {
		m.cleanup(before)
		// ko's module cache is in there, read-only as go writes it.
		if err := repo.RemoveAll(m.tmp); err != nil && m.Progress != nil {
			fmt.Fprintf(m.Progress, "compare: could not remove its temporary folder: %v\n", err)
		}
	}()
	if err := m.setUp(); err != nil {
		return m.rep, err
	}
	// The story of a run, in order. Each scenario builds every rung and
	// then every peer, run after run (see round).
	for _, step := range []func() error{
		m.cold,          // empty caches: what a first build costs
		m.inspectImages, // the images as readers get them, from unedited sources
		m.contexts,      // what .dockerignore keeps out of the build context
		m.noop,          // nothing changed
		m.edit,          // one line of the program changed
		m.dep,           // a dependency added
	} {
		if err := step(); err != nil {
			return m.rep, err
		}
	}
	m.summarise()
	m.say("done", "", 0, 0, "")
	return m.rep, nil
}

// setUp makes the throwaway copy, reads the environment and prepares the
// peers, and starts the report with what is known before any build.
func (m *measurer) setUp() error {
	rep := &m.rep
	*rep = Report{SchemaVersion: SchemaVersion, Runs: m.Runs,
		CacheReset: "--no-cache, and fresh cache-mount ids in a throwaway copy of the repository (your own build cache is not touched)"}
	m.dir = filepath.Join(m.tmp, "repo")
	m.gocache = filepath.Join(m.tmp, "native-gocache")
	if err := m.prepareCopy(m.dir); err != nil {
		return err
	}
	var err error
	if rep.Environment, err = m.environment(); err != nil {
		return err
	}
	for _, r := range m.Rungs {
		rep.Rungs = append(rep.Rungs, RungResult{Number: r.Number, Name: r.Name, Dockerfile: r.Dockerfile, Program: r.Program, Image: r.Image("go-docker-")})
	}
	if err := m.preparePeers(); err != nil {
		return err
	}
	for i, p := range m.Peers {
		rep.Peers = append(rep.Peers, PeerResult{Name: p.Name, Summary: p.Summary, Dockerfile: p.Dockerfile,
			Image: m.peers[i].Tag(), Adapted: m.peers[i].Adapted()})
	}
	rep.Native = map[string]Native{}
	return nil
}

// summarise turns the samples into the report's statistics.
func (m *measurer) summarise() {
	rep := &m.rep
	for i := range rep.Rungs {
		s := m.samples[rungKey(rep.Rungs[i].Name)]
		rep.Rungs[i].BuildS = buildTimes(s)
		rep.Rungs[i].EditBuildStepS = NewStats(s["edit-step"])
		rep.Rungs[i].EditBreakdownS = EditBreakdown{Context: NewStats(s["bd-context"]), Metadata: NewStats(s["bd-metadata"]),
			GoBuild: NewStats(s["bd-gobuild"]), Steps: NewStats(s["bd-steps"]), Export: NewStats(s["bd-export"]), Other: NewStats(s["bd-other"]),
			Make: NewStats(s["bd-make"])}
	}
	for i := range rep.Peers {
		rep.Peers[i].BuildS = buildTimes(m.samples[peerKey(rep.Peers[i].Name)])
	}
	for _, p := range m.programs() {
		s := m.samples[nativeKey(p)]
		rep.Native[p] = Native{Cold: NewStats(s["cold"]), Edit: NewStats(s["edit"])}
	}
	rep.GeneratedAt = time.Now().UTC()
}

// samples are timings in seconds, by subject (rungKey, peerKey, nativeKey)
// and scenario.
type samples map[string]map[string][]float64

func (s samples) add(subject, scenario string, secs float64) {
	if s[subject] == nil {
		s[subject] = map[string][]float64{}
	}
	s[subject][scenario] = append(s[subject][scenario], secs)
}

func rungKey(name string) string   { return "rung:" + name }
func peerKey(name string) string   { return "peer:" + name }
func nativeKey(prog string) string { return "native:" + prog }

// buildTimes summarises one rung's or peer's samples, by scenario.
func buildTimes(s map[string][]float64) BuildTimes {
	return BuildTimes{Cold: NewStats(s["cold"]), Noop: NewStats(s["noop"]), Edit: NewStats(s["edit"]), Dep: NewStats(s["dep"])}
}
