// Package cachedemo measures what a remote build cache carries: the final
// rung built cold with a cache export to a registry container, then rebuilt
// on an empty builder from that cache, unchanged and after an edit; and,
// as a third mode, what one shared BuildKit daemon carries to a new client.
package cachedemo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/registry"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// Report is out/cache-demo.json: the final rung rebuilt on an empty
// builder from a layer cache kept in a registry, once per way of exporting
// that cache.
type Report struct {
	GeneratedAt   time.Time `json:"generated_at"`
	RegistryImage string    `json:"registry_image"` // what ran the registry
	StandInBases  bool      `json:"stand_in_bases"`
	Modes         []Mode    `json:"modes"`
	// SharedBuilder is the shared-builder mode's own record: the daemon,
	// the refused connections, and what --load and a push cost.
	SharedBuilder *SharedBuilder `json:"shared_builder,omitempty"`
}

// Mode is one way of exporting the layer cache.
type Mode struct {
	// Name is "inline" (the cache metadata rides in the pushed image),
	// "registry-max" (a cache manifest of its own, every stage's layers:
	// --cache-to type=registry,mode=max) or "shared-builder" (no export:
	// one BuildKit daemon, cache mounts included, that every client
	// builds on; its "empty builder" builds are a new client's).
	Name     string `json:"name"`
	CacheRef string `json:"cache_ref"` // what --cache-from names; shared-builder: the daemon's endpoint
	// ColdS: no cache at all, exporting the cache. EmptyBuilderNoopS: an
	// empty builder, --cache-from the registry, nothing changed.
	// EmptyBuilderEditS: the same after a one-line edit.
	ColdS             float64 `json:"cold_s"`
	EmptyBuilderNoopS float64 `json:"empty_builder_noop_s"`
	EmptyBuilderEditS float64 `json:"empty_builder_edit_s"`
	// What the logs showed: the no-op build imported the cache from the
	// registry; how many Dockerfile steps ran or were CACHED.
	ImportedFromRegistry bool       `json:"imported_from_registry"`
	NoopSteps            StepCounts `json:"noop_steps"`
	StepsCachedAfterEdit int        `json:"steps_cached_after_edit"`
	StepsRunAfterEdit    int        `json:"steps_run_after_edit"`
	// PackagesCompiledAfterEdit is how many packages go build -v listed,
	// its "go: downloading" lines left out: the GOCACHE mount does not
	// travel, so all of them.
	PackagesCompiledAfterEdit int `json:"packages_compiled_after_edit"`
	// CacheBytes is what the registry stores for CacheRef: the manifest's
	// blobs (for inline, the image itself).
	CacheBytes int64 `json:"cache_bytes"`
}

// StepCounts counts a build's Dockerfile steps.
type StepCounts struct {
	Ran    int `json:"ran"`
	Cached int `json:"cached"`
}

// modes are the ways of exporting the layer cache the demo compares, in
// the order the report lists them.
var modes = []string{"inline", "registry-max"}

// Run rebuilds the production rung (final) on an empty builder from a
// registry, for each way of exporting the layer cache: inline, and
// registry mode=max; then on a shared builder from a new client (see
// sharedBuilder). It works in a throwaway copy with cache-mount ids of its
// own, and removes the images, build cache and containers it made.
func Run(ctx context.Context, p *project.Project, logDir string, progress io.Writer) (Report, error) {
	rep := Report{GeneratedAt: time.Now().UTC(), StandInBases: p.Docker.StandInBases()}
	s, err := newDemo(ctx, p, logDir, progress)
	if err != nil {
		return rep, err
	}
	if s.reg, err = registry.Start(ctx, s.d, registry.Options{Image: s.registryImage}); err != nil {
		return rep, err
	}
	defer s.reg.Stop()
	rep.RegistryImage = s.reg.Image
	s.say("registry %s on %s", s.reg.Image, s.reg.Addr)

	tmp, err := os.MkdirTemp("", "go-docker-cache-demo-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	if err := s.prepareCopy(ctx, p.Root, filepath.Join(tmp, "repo")); err != nil {
		return rep, err
	}
	defer s.emptyBuilder()
	for _, mode := range modes {
		m, err := s.measureMode(ctx, mode)
		if err != nil {
			return rep, err
		}
		rep.Modes = append(rep.Modes, m)
	}
	m, sb, err := s.sharedBuilder(ctx, tmp)
	if err != nil {
		return rep, err
	}
	rep.Modes, rep.SharedBuilder = append(rep.Modes, m), sb
	return rep, nil
}

// newDemo reads what the demo builds, the production rung, and names the
// images it runs, so that one that is missing fails the demo before it
// starts anything.
func newDemo(ctx context.Context, p *project.Project, logDir string, progress io.Writer) (*demo, error) {
	rungs, err := repo.Load(p.Root)
	if err != nil {
		return nil, err
	}
	s := &demo{d: p.Docker, rung: repo.Production(rungs), logDir: logDir, progress: progress}
	if s.registryImage, err = p.RegistryImage(ctx); err != nil {
		return nil, err
	}
	if s.buildkitImage, err = p.BuildKitImage(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// demo is what the steps of one Run share: the rung, the images, the
// registry, the throwaway copy, and what to remove when emptying the
// builder.
type demo struct {
	d        docker.Docker
	rung     repo.Rung
	logDir   string
	progress io.Writer
	// The images the demo runs (project.RegistryImage, BuildKitImage).
	registryImage, buildkitImage string
	reg                          *registry.Registry

	dir      string          // the throwaway copy of the repository
	main     string          // the rung's main.go in that copy
	original []byte          // main.go before any edit
	runID    string          // makes this run's tags and cache ids its own
	local    string          // the local tag of every build
	before   map[string]bool // build-cache records older than the demo
	pushed   []string        // images tagged for the registry
}

// say reports progress, one line per step, when Run was given a writer.
func (s *demo) say(format string, a ...any) {
	if s.progress != nil {
		fmt.Fprintf(s.progress, "cache-demo: "+format+"\n", a...)
	}
}

// prepareCopy copies the repository to dir with cache-mount ids of this
// run's own, and notes the build cache that was there before, so that
// emptying the builder touches nothing the demo did not make.
func (s *demo) prepareCopy(ctx context.Context, root, dir string) error {
	if err := repo.Copy(root, dir); err != nil {
		return err
	}
	s.dir, s.runID = dir, repo.NewRunID()
	if err := repo.ScopeDockerfile(filepath.Join(dir, s.rung.Dockerfile), names.CacheIDPrefix+"demo"+s.runID+"-"); err != nil {
		return err
	}
	var err error
	if s.before, err = s.d.CacheRecordIDs(ctx); err != nil {
		return err
	}
	s.local = s.rung.Image("go-docker-") + ":cache-demo-" + s.runID
	s.main = filepath.Join(dir, s.rung.Program, "main.go")
	s.original, err = os.ReadFile(s.main)
	return err
}

// measureMode is one row of the report: a cold build exporting the cache,
// then, each on an emptied builder, a rebuild from the registry with
// nothing changed and one after an edit.
func (s *demo) measureMode(ctx context.Context, mode string) (Mode, error) {
	m := Mode{Name: mode}
	if err := s.coldBuild(ctx, &m); err != nil {
		return m, err
	}
	s.emptyBuilder()
	if err := s.rebuildUnchanged(ctx, &m); err != nil {
		return m, err
	}
	s.emptyBuilder()
	if err := s.rebuildAfterEdit(ctx, &m); err != nil {
		return m, err
	}
	s.emptyBuilder()
	return m, nil
}

// coldBuild builds the unedited rung with no cache at all, exporting its
// cache the mode's way, and weighs what the registry then holds.
func (s *demo) coldBuild(ctx context.Context, m *Mode) error {
	if err := os.WriteFile(s.main, s.original, 0o644); err != nil {
		return err
	}
	var cold docker.BuildOptions
	var cacheRepo, cacheTag string
	switch m.Name {
	case "inline":
		cacheRepo, cacheTag = s.rung.Image("go-docker-"), "inline-"+s.runID
		m.CacheRef = s.reg.Addr + "/" + cacheRepo + ":" + cacheTag
		cold = docker.BuildOptions{Tag: m.CacheRef, NoCache: true, CacheTo: "type=inline"}
		s.pushed = append(s.pushed, m.CacheRef)
	case "registry-max":
		cacheRepo, cacheTag = "go-docker-cache", "max-"+s.runID
		m.CacheRef = s.reg.Addr + "/" + cacheRepo + ":" + cacheTag
		cold = docker.BuildOptions{Tag: s.local, NoCache: true, CacheTo: "type=registry,ref=" + m.CacheRef + ",mode=max"}
	}
	res, err := s.build(ctx, m.Name, "cold", cold)
	if err != nil {
		return err
	}
	m.ColdS = res.Duration.Seconds()
	// An inline cache travels in the image: it reaches the registry only
	// when the image is pushed.
	if m.Name == "inline" {
		if _, err := s.d.Output(ctx, "push", m.CacheRef); err != nil {
			return err
		}
	}
	if m.CacheBytes, err = s.reg.Bytes(ctx, cacheRepo, cacheTag); err != nil {
		return err
	}
	s.say("%s: %s in the registry as %s; emptying the builder", m.Name, docker.HumanSize(m.CacheBytes), m.CacheRef)
	return nil
}

// rebuildUnchanged rebuilds on an empty builder from the registry with
// nothing changed, and reads from the log whether the cache was imported
// and how many steps it spared.
func (s *demo) rebuildUnchanged(ctx context.Context, m *Mode) error {
	noop, err := s.build(ctx, m.Name, "empty-builder-noop", docker.BuildOptions{Tag: s.local, CacheFrom: "type=registry,ref=" + m.CacheRef})
	if err != nil {
		return err
	}
	m.EmptyBuilderNoopS = noop.Duration.Seconds()
	m.NoopSteps.Ran, m.NoopSteps.Cached = noop.Ran()
	_, m.ImportedFromRegistry = noop.Find("importing cache manifest from " + m.CacheRef)
	return nil
}

// rebuildAfterEdit is a new runner after a one-line edit, with only the
// registry to help: which steps ran, and how many packages go build
// compiled again.
func (s *demo) rebuildAfterEdit(ctx context.Context, m *Mode) error {
	if err := repo.EditGreeting(s.main, "cache demo "+m.Name+" "+s.runID); err != nil {
		return err
	}
	edit, err := s.build(ctx, m.Name, "empty-builder-edit", docker.BuildOptions{Tag: s.local, CacheFrom: "type=registry,ref=" + m.CacheRef})
	if err != nil {
		return err
	}
	m.EmptyBuilderEditS = edit.Duration.Seconds()
	m.StepsRunAfterEdit, m.StepsCachedAfterEdit = edit.Ran()
	if b, ok := edit.Find("go build"); ok {
		m.PackagesCompiledAfterEdit = len(b.Packages())
	}
	return nil
}

// build runs one build of the rung in the copy, with its own log file, and
// names the mode and the build in its progress lines and errors.
func (s *demo) build(ctx context.Context, mode, name string, opts docker.BuildOptions) (docker.BuildResult, error) {
	return s.buildOn(ctx, s.d, mode, name, opts)
}

// buildOn is build by another Docker client than the demo's own.
func (s *demo) buildOn(ctx context.Context, c docker.Docker, mode, name string, opts docker.BuildOptions) (docker.BuildResult, error) {
	opts.Dir, opts.Dockerfile = s.dir, s.rung.Dockerfile
	opts.LogFile = filepath.Join(s.logDir, "cache-demo-"+mode+"-"+name+".log")
	s.say("%s: %s build...", mode, name)
	res, err := c.Build(ctx, opts)
	if err != nil {
		return res, fmt.Errorf("cache demo, %s %s build: %w", mode, name, err)
	}
	s.say("%s: %s build: %.1f s", mode, name, res.Duration.Seconds())
	return res, nil
}

// emptyBuilder removes every image and build-cache record the demo made:
// the next build starts as on a new CI runner. It runs even when the
// demo's context was cancelled, so an interrupted demo leaves nothing.
func (s *demo) emptyBuilder() {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s.d.Output(c, append([]string{"image", "rm", "-f", s.local}, s.pushed...)...)
	s.d.PruneCacheSince(c, s.before)
}
