// Package measure times the ladder's rungs in a throwaway copy of the
// repository (cold, no-op, edit, dependency change), next to a native go
// build, and writes the report that make compare prints.
package measure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/peers"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// MaxRuns is the largest RUNS the dep scenario supports: each run adds a
// version of DepModule that no earlier run used, so that no layer cache
// can answer it.
var MaxRuns = len(depVersions)

// DepModule is the small module the dep scenario adds to go.mod and uses.
const DepModule = "github.com/google/uuid"

var depVersions = []string{"v1.6.0", "v1.5.0", "v1.4.0", "v1.3.1", "v1.3.0", "v1.2.0", "v1.1.5", "v1.1.4"}

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
// line and name the fix.
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
	epoch       int64           // SOURCE_DATE_EPOCH: the copy's last commit
	peer        peerState
}

// Measure runs every scenario and returns the report. It works in a
// throwaway copy of the repository and removes the images and build cache
// it created, whatever happens.
func Measure(ctx context.Context, c Config) (rep Report, err error) {
	if err := c.Validate(); err != nil {
		return rep, err
	}
	if err := c.Docker.Ping(ctx); err != nil {
		return rep, err
	}
	m := &measurer{Config: c, ctx: ctx, start: time.Now(), runID: repo.NewRunID()}
	m.logs = filepath.Join(c.Out, "logs")
	if m.tmp, err = os.MkdirTemp("", "go-docker-compare-"); err != nil {
		return rep, err
	}
	before, err := c.Docker.CacheRecordIDs(ctx)
	if err != nil {
		return rep, err
	}
	defer func() {
		m.cleanup(before)
		os.RemoveAll(m.tmp)
	}()

	m.dir = filepath.Join(m.tmp, "repo")
	if err := m.prepareCopy(m.dir); err != nil {
		return rep, err
	}
	if rep.Environment, err = m.environment(); err != nil {
		return rep, err
	}
	if err := m.preparePeers(); err != nil {
		return rep, err
	}
	rep.SchemaVersion = SchemaVersion
	rep.Runs = c.Runs
	rep.CacheReset = "--no-cache, and fresh cache-mount ids in a throwaway copy of the repository (your own build cache is not touched)"
	results := make([]RungResult, len(c.Rungs))
	samples := map[string]map[string][]float64{} // rung -> scenario -> seconds
	for i, r := range c.Rungs {
		results[i] = RungResult{Number: r.Number, Name: r.Name, Dockerfile: r.Dockerfile, Program: r.Program, Image: r.Image("go-docker-")}
		samples[r.Name] = map[string][]float64{}
	}
	peerResults := make([]PeerResult, len(c.Peers))
	peerSamples := map[string]map[string][]float64{} // peer -> scenario -> seconds
	for i, p := range c.Peers {
		peerResults[i] = PeerResult{Name: p.Name, Summary: p.Summary, Dockerfile: p.Dockerfile, Image: m.peerTag(p), Adapted: m.peerAdapted(p)}
		peerSamples[p.Name] = map[string][]float64{}
	}
	// measurePeers builds every peer in one scenario; edit edits the
	// program before each build, as the rungs' edit scenario does.
	measurePeers := func(scenario string, run int, cold, edit bool) error {
		for _, p := range c.Peers {
			if edit {
				if err := m.editProgram(peers.Program); err != nil {
					return err
				}
			}
			d, err := m.buildPeer(p, scenario, run, cold)
			if err != nil {
				return err
			}
			peerSamples[p.Name][scenario] = append(peerSamples[p.Name][scenario], d)
		}
		return nil
	}
	native := map[string]map[string][]float64{}
	for _, p := range m.programs() {
		native[p] = map[string][]float64{}
	}
	gocache := filepath.Join(m.tmp, "native-gocache")

	// Cold: each round gets fresh cache-mount ids and --no-cache; the native
	// floor gets an empty GOCACHE. Rounds alternate rungs so drift cancels.
	for run := 1; run <= c.Runs; run++ {
		if err := m.setScope(fmt.Sprintf("go-docker-cmp%s-%d-", m.runID, run)); err != nil {
			return rep, err
		}
		for i, r := range c.Rungs {
			res, err := m.build(r, "cold", run, m.dir, true)
			if err != nil {
				return rep, err
			}
			samples[r.Name]["cold"] = append(samples[r.Name]["cold"], res.Duration.Seconds())
			if run == c.Runs {
				if results[i].ColdCheck, err = coldCheck(r, res.Progress); err != nil {
					return rep, fmt.Errorf("%s: the cold build was not cold (%v); see %s", r.Name, err, m.logFile(r.Name, "cold", run))
				}
			}
		}
		if err := measurePeers("cold", run, true, false); err != nil {
			return rep, err
		}
		for _, p := range m.programs() {
			os.RemoveAll(gocache)
			d, err := m.native(p, gocache, "cold", run)
			if err != nil {
				return rep, err
			}
			native[p]["cold"] = append(native[p]["cold"], d)
		}
	}
	// The images as readers get them, from unedited sources.
	for i := range results {
		if err := m.inspect(&results[i]); err != nil {
			return rep, err
		}
	}
	for i, p := range c.Peers {
		if err := m.inspectPeer(&peerResults[i], p); err != nil {
			return rep, err
		}
	}
	// Context bytes, each in a fresh copy so no earlier transfer helps.
	for i, r := range c.Rungs {
		if err := m.context(r, &results[i]); err != nil {
			return rep, err
		}
	}
	// Warm GOCACHE for the native edits.
	for _, p := range m.programs() {
		if _, err := m.native(p, gocache, "warm", 0); err != nil {
			return rep, err
		}
	}
	for run := 1; run <= c.Runs; run++ {
		for _, r := range c.Rungs {
			res, err := m.build(r, "noop", run, m.dir, false)
			if err != nil {
				return rep, err
			}
			samples[r.Name]["noop"] = append(samples[r.Name]["noop"], res.Duration.Seconds())
		}
		if err := measurePeers("noop", run, false, false); err != nil {
			return rep, err
		}
	}
	for run := 1; run <= c.Runs; run++ {
		for _, p := range m.programs() {
			if err := m.editProgram(p); err != nil {
				return rep, err
			}
			d, err := m.native(p, gocache, "edit", run)
			if err != nil {
				return rep, err
			}
			native[p]["edit"] = append(native[p]["edit"], d)
		}
		for _, r := range c.Rungs {
			if err := m.editProgram(r.Program); err != nil {
				return rep, err
			}
			res, err := m.build(r, "edit", run, m.dir, false)
			if err != nil {
				return rep, err
			}
			samples[r.Name]["edit"] = append(samples[r.Name]["edit"], res.Duration.Seconds())
			if st, ok := res.Find("go build"); ok && st.Done {
				samples[r.Name]["edit-step"] = append(samples[r.Name]["edit-step"], st.Seconds)
			}
			b := res.Breakdown(res.Duration.Seconds())
			for k, v := range map[string]float64{"bd-context": b.Context, "bd-metadata": b.Metadata, "bd-gobuild": b.GoBuild,
				"bd-steps": b.Steps, "bd-export": b.Export, "bd-other": b.Other} {
				samples[r.Name][k] = append(samples[r.Name][k], v)
			}
		}
		if err := measurePeers("edit", run, false, true); err != nil {
			return rep, err
		}
	}
	for run := 1; run <= c.Runs; run++ {
		if err := m.addDependency(depVersions[run-1]); err != nil {
			return rep, err
		}
		for _, r := range c.Rungs {
			res, err := m.build(r, "dep", run, m.dir, false)
			if err != nil {
				return rep, err
			}
			samples[r.Name]["dep"] = append(samples[r.Name]["dep"], res.Duration.Seconds())
		}
		if err := measurePeers("dep", run, false, false); err != nil {
			return rep, err
		}
	}

	for i := range results {
		s := samples[results[i].Name]
		results[i].BuildS = buildTimes(s)
		results[i].EditBuildStepS = NewStats(s["edit-step"])
		results[i].EditBreakdownS = EditBreakdown{Context: NewStats(s["bd-context"]), Metadata: NewStats(s["bd-metadata"]),
			GoBuild: NewStats(s["bd-gobuild"]), Steps: NewStats(s["bd-steps"]), Export: NewStats(s["bd-export"]), Other: NewStats(s["bd-other"])}
	}
	rep.Rungs = results
	for i := range peerResults {
		peerResults[i].BuildS = buildTimes(peerSamples[peerResults[i].Name])
	}
	rep.Peers = peerResults
	rep.Native = map[string]Native{}
	for p, s := range native {
		rep.Native[p] = Native{Cold: NewStats(s["cold"]), Edit: NewStats(s["edit"])}
	}
	rep.GeneratedAt = time.Now().UTC()
	m.say("done", "", 0, 0, "")
	return rep, nil
}

// programs lists the Go packages the measured rungs build, in ladder
// order, and the one the peers build.
func (m *measurer) programs() []string {
	var ps []string
	for _, r := range m.Rungs {
		if !slices.Contains(ps, r.Program) {
			ps = append(ps, r.Program)
		}
	}
	if len(m.Peers) > 0 && !slices.Contains(ps, peers.Program) {
		ps = append(ps, peers.Program)
	}
	return ps
}

func (m *measurer) say(rung, scenario string, run, runs int, extra string) {
	if m.Progress == nil {
		return
	}
	el := time.Since(m.start).Round(time.Second)
	if run > 0 {
		fmt.Fprintf(m.Progress, "compare [%s] %-12s %-5s run %d/%d %s\n", el, rung, scenario, run, runs, extra)
	} else {
		fmt.Fprintf(m.Progress, "compare [%s] %s %s %s\n", el, rung, scenario, extra)
	}
}

func (m *measurer) logFile(rung, scenario string, run int) string {
	return filepath.Join(m.logs, fmt.Sprintf("%s-%s-%d.log", rung, scenario, run))
}

// prepareCopy copies the repository to dir with a .git and records the
// Dockerfiles so setScope can rewrite their cache ids.
func (m *measurer) prepareCopy(dir string) error {
	if err := repo.Copy(m.Repo, dir); err != nil {
		return fmt.Errorf("copying the repository: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		// A tree without history (say, from an archive): give it one, as
		// every real project has.
		for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=compare", "-c", "user.email=compare@localhost", "commit", "-qm", "snapshot"}} {
			if out, err := exec.CommandContext(m.ctx, "git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
				return fmt.Errorf("git %s: %v: %s", args[0], err, out)
			}
		}
	}
	var err error
	if m.epoch, err = repo.CommitTime(m.ctx, dir); err != nil {
		return err
	}
	m.dockerfiles = map[string]string{}
	for _, r := range m.Rungs {
		b, err := os.ReadFile(filepath.Join(dir, r.Dockerfile))
		if err != nil {
			return err
		}
		m.dockerfiles[r.Dockerfile] = string(b)
	}
	return nil
}

// setScope rewrites every cache-mount id in the copy's Dockerfiles to start
// with scope: new ids are empty cache mounts, and the reader's own
// go-docker-gomod and go-docker-gocache are never used or emptied.
func (m *measurer) setScope(scope string) error {
	for rel, orig := range m.dockerfiles {
		if err := os.WriteFile(filepath.Join(m.dir, rel), []byte(repo.ScopeCacheIDs(orig, scope)), 0o644); err != nil {
			return err
		}
	}
	return m.scopePeers(scope)
}

func (m *measurer) build(r repo.Rung, scenario string, run int, dir string, noCache bool) (docker.BuildResult, error) {
	runs := m.Runs
	if strings.HasPrefix(scenario, "context") {
		runs = 1 // measured once: bytes, not seconds
	}
	m.say(r.Name, scenario, run, runs, "")
	// Each rung is built as make builds it: the final rung reproducibly.
	res, err := m.Docker.Build(m.ctx, docker.BuildOptions{
		Dir: dir, Dockerfile: r.Dockerfile, Tag: r.Image("go-docker-") + ":compare-" + m.runID, NoCache: noCache,
		BuildArgs:    map[string]string{"GO_VERSION": m.GoVersion, "ALPINE_VERSION": m.AlpineVersion},
		Reproducible: r.Reproducible(), SourceDateEpoch: m.epoch,
		LogFile: m.logFile(r.Name, scenario, run),
	})
	if err != nil {
		return res, fmt.Errorf("%s %s run %d: %w", r.Name, scenario, run, err)
	}
	// Each rebuild moves the tag and leaves the previous image untagged:
	// remember every id, so cleanup can remove them all.
	m.remember(r.Image("go-docker-") + ":compare-" + m.runID)
	m.say(r.Name, scenario, run, runs, fmt.Sprintf("%.1f s", res.Duration.Seconds()))
	return res, nil
}

// remember records the image a tag points at, for cleanup.
func (m *measurer) remember(tag string) {
	if img, err := m.Docker.Inspect(m.ctx, tag); err == nil {
		if m.images == nil {
			m.images = map[string]bool{}
		}
		m.images[img.ID] = true
	}
}

// coldCheck confirms from the log that a cold build did the work.
func coldCheck(r repo.Rung, p buildlog.Progress) (ColdCheck, error) {
	c := ColdCheck{}
	// BuildKit may still answer trivial steps (WORKDIR) from its cache;
	// what must run is the compile.
	c.StepsRun, c.StepsCached = p.Ran()
	if b, ok := p.Find("go build"); !ok || b.Cached {
		return c, errors.New("the go build step did not run")
	}
	// A rung that downloads modules must have downloaded them, and one that
	// lists what it compiles must have compiled gin.
	if dl, ok := p.Find("go mod download"); ok {
		c.ModulesDownloaded = dl.Done && !dl.Cached
		if !c.ModulesDownloaded {
			return c, errors.New("no go mod download step ran")
		}
		if b, ok := p.Find("go build -v"); ok {
			gin := false
			for _, l := range b.Output {
				if strings.HasPrefix(l, "github.com/gin-gonic/gin") {
					gin = true
				}
			}
			c.GinCompiled = &gin
			if !gin {
				return c, errors.New("go build -v did not list gin")
			}
		}
	}
	return c, nil
}

func (m *measurer) inspect(res *RungResult) error {
	var err error
	res.Layers, res.SizeBytes, res.LargestLayerBytes, err = m.imageFacts(res.Image + ":compare-" + m.runID)
	res.Size = docker.HumanSize(res.SizeBytes)
	return err
}

// imageFacts returns an image's layer count, unpacked size and largest
// layer.
func (m *measurer) imageFacts(tag string) (layers int, size, largest int64, err error) {
	img, err := m.Docker.Inspect(m.ctx, tag)
	if err != nil {
		return 0, 0, 0, err
	}
	size, largest, err = m.Docker.Sizes(m.ctx, tag)
	return img.Layers, size, largest, err
}

// buildTimes summarises one rung's or peer's samples, by scenario.
func buildTimes(s map[string][]float64) BuildTimes {
	return BuildTimes{Cold: NewStats(s["cold"]), Noop: NewStats(s["noop"]), Edit: NewStats(s["edit"]), Dep: NewStats(s["dep"])}
}

// context measures the build context with and without .dockerignore, in
// fresh copies that hold a .git and 50 MB of build output in out/.
func (m *measurer) context(r repo.Rung, res *RungResult) error {
	for _, with := range []bool{true, false} {
		dir := filepath.Join(m.tmp, fmt.Sprintf("context-%s-%v", r.Name, with))
		if err := repo.Copy(m.dir, dir); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, "out"), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "out", "build-output.bin"), make([]byte, 50_000_000), 0o644); err != nil {
			return err
		}
		scenario := "context-with-dockerignore"
		if !with {
			scenario = "context-without-dockerignore"
			if err := os.Remove(filepath.Join(dir, ".dockerignore")); err != nil {
				return err
			}
		}
		b, err := m.build(r, scenario, 1, dir, false)
		if err != nil {
			return err
		}
		if b.ContextBytes < 0 {
			return fmt.Errorf("%s: the build log reports no context transfer; see %s", r.Name, m.logFile(r.Name, scenario, 1))
		}
		if with {
			res.ContextBytes.WithDockerignore = b.ContextBytes
		} else {
			res.ContextBytes.WithoutDockerignore = b.ContextBytes
		}
		os.RemoveAll(dir)
	}
	return nil
}

// native times `go build` of one program on the host, with the final
// rung's flags and GOCACHE at gocache.
func (m *measurer) native(program, gocache, scenario string, run int) (float64, error) {
	if run > 0 {
		m.say("native:"+program, scenario, run, m.Runs, "")
	}
	cmd := exec.CommandContext(m.ctx, "go", "build", "-trimpath", "-buildvcs=false", "-tags", "nomsgpack",
		"-ldflags=-s -w", "-o", filepath.Join(m.tmp, "native-"+program), "./"+program)
	cmd.Dir = m.dir
	cmd.Env = append(os.Environ(), "GOCACHE="+gocache, "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start).Seconds()
	if err != nil {
		return 0, fmt.Errorf("native go build ./%s: %v: %s", program, err, strings.TrimSpace(string(out)))
	}
	if run > 0 {
		m.say("native:"+program, scenario, run, m.Runs, fmt.Sprintf("%.1f s", d))
	}
	return d, nil
}

// editProgram changes one line of program/main.go, differently each time.
func (m *measurer) editProgram(program string) error {
	m.editN++
	return repo.EditGreeting(filepath.Join(m.dir, program, "main.go"), fmt.Sprintf("compare %s-%d", m.runID, m.editN))
}

// addDependency adds DepModule at version to the copy's go.mod and go.sum
// and uses it from every measured program.
func (m *measurer) addDependency(version string) error {
	m.say(DepModule+"@"+version, "dep", 0, 0, "added to go.mod")
	for _, p := range m.programs() {
		src := "package main\n\n// Added by make compare's dep scenario.\nimport \"github.com/google/uuid\"\n\nvar _ = uuid.NewString\n"
		if err := os.WriteFile(filepath.Join(m.dir, p, "compare_dep.go"), []byte(src), 0o644); err != nil {
			return err
		}
	}
	for _, args := range [][]string{{"get", DepModule + "@" + version}, {"mod", "tidy"}} {
		cmd := exec.CommandContext(m.ctx, "go", args...)
		cmd.Dir = m.dir
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

func (m *measurer) environment() (Environment, error) {
	env := Environment{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	out, err := m.Docker.Output(m.ctx, "version", "--format", "{{json .}}")
	if err != nil {
		return env, err
	}
	var v struct {
		Client struct{ Version, Os, Arch string }
		Server struct{ Version, Os, Arch string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		return env, fmt.Errorf("parsing docker version: %w", err)
	}
	env.DockerClient, env.DockerServer = v.Client.Version, v.Server.Version
	env.OSArch = v.Server.Os + "/" + v.Server.Arch
	if goOut, err := exec.CommandContext(m.ctx, "go", "env", "GOVERSION").Output(); err == nil {
		env.Go = strings.TrimSpace(string(goOut))
	}
	if bk, err := m.Docker.Output(m.ctx, "buildx", "inspect"); err == nil {
		env.BuildKit = ParseBuildKitVersion(bk)
	}
	env.StandInBases = m.Docker.StandInBases()
	return env, nil
}

// ParseBuildKitVersion reads the BuildKit version from `docker buildx inspect`.
func ParseBuildKitVersion(out string) string {
	for _, l := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok && (strings.TrimSpace(k) == "BuildKit version" || strings.TrimSpace(k) == "Buildkit") {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// cleanup removes the images this run tagged and the build cache records it
// created (its cache mounts above all), and nothing else.
func (m *measurer) cleanup(before map[string]bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	refs := m.peerRefs()
	for _, r := range m.Rungs {
		refs = append(refs, r.Image("go-docker-")+":compare-"+m.runID)
	}
	for _, ref := range refs {
		m.Docker.Output(ctx, "image", "rm", ref)
	}
	// Without -f: an image that also carries one of the reader's tags (the
	// same content as their go-docker-final, say) is refused, not deleted.
	for id := range m.images {
		m.Docker.Output(ctx, "image", "rm", id)
	}
	if before == nil {
		return
	}
	m.Docker.PruneCacheSince(ctx, before)
}
