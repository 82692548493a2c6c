package measure

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// rungTag is the one name of a rung's image in this run: make's name for
// it, with a tag of this run's, so the reader's own images keep theirs.
func (m *measurer) rungTag(r repo.Rung) string {
	return r.Image("go-docker-") + ":" + m.imageTag()
}

func (m *measurer) imageTag() string { return "compare-" + m.runID }

// A rungBuild is one `make <rung>`: what BuildKit logged, the wall time of
// make, and that of the docker build it ran.
type rungBuild struct {
	docker.BuildResult         // Duration: make's wall time
	DockerSeconds      float64 // the docker build alone, as make timed it
}

// build builds one rung in dir the way the README tells readers to:
// `make <rung>`, so what is timed is the loop they type, make's own work
// included. A cold build adds BUILD_FLAGS=--no-cache.
func (m *measurer) build(r repo.Rung, scenario string, run int, dir string, noCache bool) (rungBuild, error) {
	runs := m.Runs
	if strings.HasPrefix(scenario, "context") {
		runs = 1 // measured once: bytes, not seconds
	}
	m.say(r.Name, scenario, run, runs, "")
	buildFlags := ""
	if noCache {
		buildFlags = "--no-cache"
	}
	args := m.makeArgs(r.Name, buildFlags)
	// What an earlier build left must not pass for this one's.
	logs := filepath.Join(dir, "out", "logs", "build-"+r.Name)
	os.Remove(logs + ".log")
	os.Remove(logs + ".seconds")
	cmd := m.makeCommand(dir, args)
	start := time.Now()
	out, runErr := cmd.CombinedOutput()
	res := rungBuild{BuildResult: docker.BuildResult{Duration: time.Since(start)}}
	// The log keeps BuildKit's output, then make's own lines.
	logFile := m.logFile(r.Name, scenario, run)
	buildkit, _ := os.ReadFile(logs + ".log")
	res.Log = string(buildkit)
	if err := writeLog(logFile, append(buildkit, append([]byte("\n# make "+strings.Join(args, " ")+"\n"), out...)...)); err != nil {
		return res, err
	}
	if runErr != nil {
		return res, fmt.Errorf("%s %s run %d: make %s failed (%v); see %s: %s", r.Name, scenario, run, r.Name, runErr, logFile, lastLine(out))
	}
	var err error
	if res.Progress, err = buildlog.Parse(strings.NewReader(res.Log)); err != nil {
		return res, err
	}
	if res.DockerSeconds, err = readSeconds(logs + ".seconds"); err != nil {
		return res, err
	}
	m.remember(m.rungTag(r))
	m.say(r.Name, scenario, run, runs, fmt.Sprintf("%.1f s", res.Duration.Seconds()))
	return res, nil
}

// makeArgs are the arguments of `make target` in a copy: every variable
// the build reads is set, so nothing of the reader's own make command
// (make compare IMAGE_PREFIX=..., say) reaches it.
func (m *measurer) makeArgs(target, buildFlags string) []string {
	bin := m.Docker.Bin
	if bin == "" {
		bin = "docker"
	}
	return []string{target, "DOCKER=" + bin, "IMAGE_PREFIX=go-docker-", "IMAGE_TAG=" + m.imageTag(),
		"GO_VERSION=" + m.GoVersion, "ALPINE_VERSION=" + m.AlpineVersion,
		"PLATFORM=", "VERSION=dev", "BUILD_FLAGS=" + buildFlags}
}

// makeCommand is make in dir, without the variables of the make that may
// have started this tool, in a process group of its own: cancelling it
// stops the docker build under it too, not make alone.
func (m *measurer) makeCommand(dir string, args []string) *exec.Cmd {
	cmd := exec.CommandContext(m.ctx, "make", args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

// makeIn runs an untimed make target in dir.
func (m *measurer) makeIn(dir, target string) error {
	if out, err := m.makeCommand(dir, m.makeArgs(target, "")).CombinedOutput(); err != nil {
		return fmt.Errorf("make %s: %v: %s", target, err, lastLine(out))
	}
	return nil
}

// makeError matches the line make adds when a recipe fails ("make: ***
// [final] Error 1", "make[1]: *** [Makefile:140: final] Error 1").
var makeError = regexp.MustCompile(`^make(\[\d+\])?: \*\*\* `)

// lastLine is the last line of make's output that is not make's own
// "***" line: the recipe's one-line error, which names the fix.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !makeError.MatchString(l) {
			return l
		}
	}
	return docker.LastLine(string(out))
}

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

// readSeconds reads the wall time make wrote for a build.
func readSeconds(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("make wrote no build time: %w", err)
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}

func writeLog(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
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
			gin := b.Lists("github.com/gin-gonic/gin")
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
	// The copy skips out/; give it the set-up stamp, so make does not set
	// up again for every context build.
	if stamp := filepath.Join(m.dir, "out", "setup"); fileExists(stamp) {
		if err := repo.Copy(stamp, filepath.Join(dir, "out", "setup")); err != nil {
			return 0, err
		}
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
