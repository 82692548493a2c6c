package cicompare

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/buildlog"
	"github.com/go-docker/go-docker/ladder/internal/cilocal"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/repo"
	"github.com/go-docker/go-docker/ladder/internal/sharedbuilder"
)

// BuildStep and the carrying steps are the image job's steps, by name.
const BuildStep = "Build the final rung for amd64 and arm64"

var carrySteps = []string{"Main Restore the cache mounts", "Main Put them into the builder's cache mounts",
	"Main Take the cache mounts out of the builder", "Post Restore the cache mounts"}

// Config says what to measure: act, and the shared builder's port on
// 127.0.0.1 (make shared-builder runs it; 0: leave it out).
type Config struct {
	Act               string
	SharedBuilderPort int
}

// Measure runs the image job twice per option, in a clone of the
// checkout's HEAD under out/ci-compare/, and returns the report.
func Measure(ctx context.Context, p *project.Project, c Config, w io.Writer) (Report, error) {
	dir := filepath.Join(p.Root, "out", "ci-compare")
	clone := filepath.Join(dir, "repo")
	os.RemoveAll(clone)
	if err := git(ctx, p.Root, "clone", "-q", p.Root, clone); err != nil {
		return Report{}, err
	}
	commit, err := repo.Head(ctx, clone)
	if err != nil {
		return Report{}, err
	}
	_, actions, err := cilocal.Read(filepath.Join(clone, cilocal.Workflow))
	if err != nil {
		return Report{}, err
	}
	copies, err := cilocal.Copies(ctx, actions, filepath.Join(p.Root, "out", "ci-local", "actions"))
	if err != nil {
		return Report{}, err
	}
	host, err := cilocal.HostVars(ctx, p, dir)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Machine: cilocal.ThisMachine(p.Docker.StandInBases()), Commit: commit}
	for i, o := range options(host, p.Root, c.SharedBuilderPort) {
		if err := git(ctx, clone, "reset", "-q", "--hard", commit); err != nil {
			return rep, err
		}
		state := filepath.Join(dir, fmt.Sprintf("option-%d", i+1))
		os.RemoveAll(state)
		r := cilocal.Run{Act: c.Act, Dir: clone, Job: "image", Vars: o.Vars, LocalRepos: copies, State: state, Env: cilocal.RunnerEnv()}
		fmt.Fprintf(w, "ci-compare: %s\n", o.Name)
		if o.Cold, err = job(ctx, r, filepath.Join(dir, "logs", fmt.Sprintf("option-%d-cold.log", i+1)), w); err != nil {
			return rep, err
		}
		if err := edit(ctx, clone); err != nil {
			return rep, err
		}
		if o.Edit, err = job(ctx, r, filepath.Join(dir, "logs", fmt.Sprintf("option-%d-edit.log", i+1)), w); err != nil {
			return rep, err
		}
		o.ActionsCacheBytes = size(filepath.Join(state, "actions-cache"))
		rep.Options = append(rep.Options, o)
	}
	return rep, nil
}

// options are the ways to keep a cache, with the variables each sets.
func options(host map[string]string, root string, sharedPort int) []Option {
	layers := maps.Clone(host)
	layers["CACHE_MOUNTS"] = "off"
	opts := []Option{
		{Name: "layer cache (type=gha)", Vars: layers},
		{Name: "layer cache and cache mounts carried", Vars: maps.Clone(host)},
	}
	if sharedPort == 0 {
		return opts
	}
	f := sharedbuilder.CertFiles(filepath.Join(root, "out", "shared-builder"))
	shared := maps.Clone(host)
	shared["BUILDX_DRIVER"] = "remote"
	shared["BUILDX_ENDPOINT"] = fmt.Sprintf("tcp://127.0.0.1:%d", sharedPort)
	shared["BUILDX_DRIVER_OPTS"] = fmt.Sprintf("cacert=%s\ncert=%s\nkey=%s\nservername=%s", f.CA, f.Cert, f.Key, sharedbuilder.ServerName)
	shared["CACHE_MOUNTS"], shared["GHA_CACHE"] = "off", "off"
	return append(opts, Option{Name: "shared builder (make shared-builder), warm from earlier builds", Vars: shared})
}

// job runs the image job once and reads what it did out of its log.
func job(ctx context.Context, r cilocal.Run, log string, w io.Writer) (Job, error) {
	r.Log = log
	res, err := r.Do(ctx, w)
	if err != nil {
		return Job{}, err
	}
	if !res.Passed {
		return Job{}, fmt.Errorf("the image job failed: %s (log: %s)", res.Failure(), log)
	}
	steps := cilocal.Steps(res.Raw)
	j := Job{Seconds: res.Seconds, BuildSeconds: steps["Main "+BuildStep]}
	for _, s := range carrySteps {
		j.CarrySeconds += steps[s]
	}
	p, err := buildlog.Parse(strings.NewReader(cilocal.StepOutput(res.Raw, BuildStep)))
	if err != nil {
		return j, err
	}
	if s, ok := p.Find("[linux/amd64 build "); ok {
		j.Packages = len(s.Packages())
	}
	fmt.Fprintf(w, "ci-compare:   job %.1f s, build %.1f s, carrying the cache mounts %.1f s, %d packages compiled for linux/amd64\n",
		j.Seconds, j.BuildSeconds, j.CarrySeconds, j.Packages)
	return j, nil
}

// edit makes a one-line edit that no earlier run made, and commits it:
// the next run is a new commit, as on CI.
func edit(ctx context.Context, clone string) error {
	main := filepath.Join(clone, "dependencies", "main.go")
	f, err := os.OpenFile(main, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\n// ci-compare edit %s\n", repo.NewRunID())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return git(ctx, clone, "-c", "user.name=ci-compare", "-c", "user.email=ci-compare@localhost", "commit", "-q", "-am", "a one-line edit")
}

func git(ctx context.Context, dir string, args ...string) error {
	_, err := output(ctx, dir, args...)
	return err
}

func output(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

// size is the bytes of the files under dir.
func size(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
