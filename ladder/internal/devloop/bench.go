package devloop

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// make dev-compare: each loop times unique edits, from the file's write to
// the first 200 whose body carries the edit's marker, in a throwaway copy
// of the repository. "direct" loops run their commands themselves from
// the write on, as the native loop does; "watcher" loops are what make dev
// gives: a watcher notices the write first.

// A Sample is one edit's timings, in seconds from the write.
type Sample struct {
	Serving float64            // the first 200 with the marker
	Healthy float64            // the new container healthy (0: no health check)
	Parts   map[string]float64 // the steps, in the loop's order
}

// A LoopReport is one loop's samples and their medians.
type LoopReport struct {
	Name     string                   `json:"name"`
	Mode     string                   `json:"mode"` // "direct" or "watcher"
	Summary  string                   `json:"summary"`
	Serving  measure.Stats            `json:"edit_to_serving_s"`
	Healthy  *measure.Stats           `json:"edit_to_healthy_s,omitempty"`
	Parts    []string                 `json:"parts"`
	PartS    map[string]measure.Stats `json:"part_s"`
	XNative  float64                  `json:"x_native"` // median serving / native's
	Skipped  string                   `json:"skipped,omitempty"`
	samples  []Sample
	hasCheck bool
}

// A Report is make dev-compare's out/dev-loop.json.
type Report struct {
	GeneratedAt  time.Time    `json:"generated_at"`
	CPUs         int          `json:"cpus"`
	OSArch       string       `json:"os_arch"`
	Edits        int          `json:"edits"`
	StandInBases bool         `json:"stand_in_bases"`
	GoVersion    string       `json:"go_version"`
	Loops        []LoopReport `json:"loops"`
}

// A Bench is one make dev-compare run.
type Bench struct {
	Ctx       context.Context
	Docker    docker.Docker
	Root      string // the repository, only read
	Dir       string // the throwaway copy every loop edits
	Prefix    string // of the images it makes
	Project   string // its Compose project
	Edits     int
	GoVersion string
	Log       io.Writer
	compose   *Compose
	port      string
}

// NewBench copies the repository and sets up its Compose project.
func NewBench(ctx context.Context, d docker.Docker, root, tmp string, edits int, goVersion, alpineVersion string, log io.Writer) (*Bench, error) {
	b := &Bench{Ctx: ctx, Docker: d, Root: root, Dir: filepath.Join(tmp, "repo"), Edits: edits, GoVersion: goVersion, Log: log,
		Prefix: "go-docker-devcompare-", Project: "go-docker-devcompare-" + repo.NewRunID()}
	if err := repo.Copy(root, b.Dir); err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	b.port = port
	standIns := project.ComposeStandIns(b.Dir, goVersion, alpineVersion)
	b.compose = NewCompose(d, b.Dir, b.Project, []string{"PORT=" + port, "IMAGE_PREFIX=" + b.Prefix}, standIns)
	return b, nil
}

// edit writes a new greeting into the program: the marker its GET / then
// answers with, unlike every answer before.
func (b *Bench) edit() (marker string, at time.Time, err error) {
	tag := "dev " + repo.NewRunID()
	at = time.Now()
	err = repo.EditGreeting(filepath.Join(b.Dir, "dependencies", "main.go"), tag)
	return "Hello, " + tag + "!", at, err
}

// loop times b.Edits edits after one untimed warm-up. one makes an edit and
// returns its sample.
func (b *Bench) loop(l *LoopReport, one func() (Sample, error)) error {
	for i := 0; i <= b.Edits; i++ {
		s, err := one()
		if err != nil {
			return fmt.Errorf("%s (%s), edit %d: %w", l.Name, l.Mode, i, err)
		}
		if i == 0 {
			continue
		}
		l.samples = append(l.samples, s)
		fmt.Fprintf(b.Log, "dev-compare: %-22s %-7s edit %d/%d: serving after %.2f s\n", l.Name, l.Mode, i, b.Edits, s.Serving)
	}
	return nil
}

// since is the seconds from t0 to t.
func since(t0, t time.Time) float64 { return t.Sub(t0).Seconds() }

// Summarize turns samples into medians, and ratios to native's median.
func Summarize(loops []LoopReport) {
	var native float64
	for i := range loops {
		l := &loops[i]
		var serving, healthy []float64
		parts := map[string][]float64{}
		for _, s := range l.samples {
			serving = append(serving, s.Serving)
			if s.Healthy > 0 {
				healthy = append(healthy, s.Healthy)
			}
			for k, v := range s.Parts {
				parts[k] = append(parts[k], v)
			}
		}
		l.Serving = measure.NewStats(serving)
		if len(healthy) > 0 {
			h := measure.NewStats(healthy)
			l.Healthy = &h
		}
		l.PartS = map[string]measure.Stats{}
		for k, v := range parts {
			l.PartS[k] = measure.NewStats(v)
		}
		if l.Name == "native" {
			native = l.Serving.Median
		}
	}
	for i := range loops {
		if native > 0 && loops[i].Serving.Median > 0 {
			loops[i].XNative = loops[i].Serving.Median / native
		}
	}
}

// WriteReport writes the report as JSON, whole or not at all.
func WriteReport(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// errorf is fmt.Errorf, named for the loops' one-line errors.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// makeIn runs make in dir and returns its output.
func makeIn(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "make", append([]string{"-s"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// lastLine is the last line of a command's output that says something.
func lastLine(out string) string { return docker.LastLine(out) }
