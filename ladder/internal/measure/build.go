package measure

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// rungTag is the one name of a rung's image in this run.
func (m *measurer) rungTag(r repo.Rung) string {
	return r.Image("go-docker-") + ":compare-" + m.runID
}

// build builds one rung in dir as make builds it: the final rung
// reproducibly.
func (m *measurer) build(r repo.Rung, scenario string, run int, dir string, noCache bool) (docker.BuildResult, error) {
	runs := m.Runs
	if strings.HasPrefix(scenario, "context") {
		runs = 1 // measured once: bytes, not seconds
	}
	m.say(r.Name, scenario, run, runs, "")
	res, err := m.Docker.Build(m.ctx, docker.BuildOptions{
		Dir: dir, Dockerfile: r.Dockerfile, Tag: m.rungTag(r), NoCache: noCache,
		BuildArgs:    map[string]string{"GO_VERSION": m.GoVersion, "ALPINE_VERSION": m.AlpineVersion},
		Reproducible: r.Reproducible(), SourceDateEpoch: m.epoch,
		LogFile: m.logFile(r.Name, scenario, run),
	})
	if err != nil {
		return res, fmt.Errorf("%s %s run %d: %w", r.Name, scenario, run, err)
	}
	m.remember(m.rungTag(r))
	m.say(r.Name, scenario, run, runs, fmt.Sprintf("%.1f s", res.Duration.Seconds()))
	return res, nil
}

// remember records the image a tag points at, for cleanup: each rebuild
// moves the tag and leaves the previous image untagged.
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

// inspectImages reads every rung's and peer's image as readers get it.
func (m *measurer) inspectImages() error {
	for i, r := range m.Rungs {
		res := &m.rep.Rungs[i]
		var err error
		if res.Layers, res.SizeBytes, res.LargestLayerBytes, err = m.imageFacts(m.rungTag(r)); err != nil {
			return err
		}
		res.Size = docker.HumanSize(res.SizeBytes)
	}
	for i := range m.Peers {
		res := &m.rep.Peers[i]
		var err error
		if res.Layers, res.SizeBytes, _, err = m.imageFacts(m.peers[i].Tag()); err != nil {
			return err
		}
		res.Size = docker.HumanSize(res.SizeBytes)
	}
	return nil
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

// contexts measures every rung's build context with and without
// .dockerignore, in fresh copies that hold a .git and 50 MB of build
// output in out/, so no earlier transfer helps.
func (m *measurer) contexts() error {
	for i, r := range m.Rungs {
		res := &m.rep.Rungs[i]
		for _, with := range []bool{true, false} {
			n, err := m.contextBytes(r, with)
			if err != nil {
				return err
			}
			if with {
				res.ContextBytes.WithDockerignore = n
			} else {
				res.ContextBytes.WithoutDockerignore = n
			}
		}
	}
	return nil
}

// contextBytes builds r once in a fresh copy and returns the context bytes
// BuildKit reported.
func (m *measurer) contextBytes(r repo.Rung, withDockerignore bool) (int64, error) {
	dir := filepath.Join(m.tmp, fmt.Sprintf("context-%s-%v", r.Name, withDockerignore))
	defer os.RemoveAll(dir)
	if err := repo.Copy(m.dir, dir); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "out"), 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "out", "build-output.bin"), make([]byte, 50_000_000), 0o644); err != nil {
		return 0, err
	}
	scenario := "context-with-dockerignore"
	if !withDockerignore {
		scenario = "context-without-dockerignore"
		if err := os.Remove(filepath.Join(dir, ".dockerignore")); err != nil {
			return 0, err
		}
	}
	b, err := m.build(r, scenario, 1, dir, false)
	if err != nil {
		return 0, err
	}
	if b.ContextBytes < 0 {
		return 0, fmt.Errorf("%s: the build log reports no context transfer; see %s", r.Name, m.logFile(r.Name, scenario, 1))
	}
	return b.ContextBytes, nil
}

// native times `go build` of one program on the host, with the final
// rung's flags and GOCACHE at m.gocache, and records it (run 0: untimed
// warm-up).
func (m *measurer) native(program, scenario string, run int) error {
	if run > 0 {
		m.say("native:"+program, scenario, run, m.Runs, "")
	}
	cmd := exec.CommandContext(m.ctx, "go", "build", "-trimpath", "-buildvcs=false", "-tags", "nomsgpack",
		"-ldflags=-s -w", "-o", filepath.Join(m.tmp, "native-"+program), "./"+program)
	cmd.Dir = m.dir
	cmd.Env = append(os.Environ(), "GOCACHE="+m.gocache, "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start).Seconds()
	if err != nil {
		return fmt.Errorf("native go build ./%s: %v: %s", program, err, strings.TrimSpace(string(out)))
	}
	if run > 0 {
		m.samples.add(nativeKey(program), scenario, d)
		m.say("native:"+program, scenario, run, m.Runs, fmt.Sprintf("%.1f s", d))
	}
	return nil
}
