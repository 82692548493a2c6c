// Package cilocal runs a job of the project's GitHub Actions workflow on
// this machine with act (github.com/nektos/act), a real local runner: the
// job's steps run on the host (act's self-hosted platform) with its Docker
// engine, the actions are their public sources at the versions the
// workflow pins, and the Actions cache is act's own cache server on
// 127.0.0.1. make ci-local and make ci-compare use it; see docs/ci.md.
package cilocal

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Workflow is the workflow file the runner runs.
const Workflow = ".github/workflows/ci.yml"

// An Action is one `uses: OWNER/REPO@VERSION` of the workflow.
type Action struct{ Repo, Version string }

func (a Action) String() string { return a.Repo + "@" + a.Version }

var (
	usesRE = regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(\S+)\s*$`)
	jobRE  = regexp.MustCompile(`(?m)^  ([A-Za-z_][A-Za-z0-9_-]*):\s*$`)
)

// Read returns the workflow's jobs, in order, and the actions it uses.
func Read(file string) (jobs []string, actions []Action, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	s := string(b)
	i := strings.Index(s, "\njobs:\n")
	if i < 0 {
		return nil, nil, fmt.Errorf("%s has no jobs", file)
	}
	for _, m := range jobRE.FindAllStringSubmatch(s[i:], -1) {
		jobs = append(jobs, m[1])
	}
	for _, m := range usesRE.FindAllStringSubmatch(s, -1) {
		a := Action{Repo: m[1], Version: m[2]}
		if !slices.Contains(actions, a) {
			actions = append(actions, a)
		}
	}
	return jobs, actions, nil
}

// CheckJob tells, in one line that names the fix, whether job is one of
// the workflow's.
func CheckJob(job string, jobs []string) error {
	if slices.Contains(jobs, job) {
		return nil
	}
	return fmt.Errorf("unknown JOB %q: use one of %s's jobs, %s (make ci-local JOB=image)", job, Workflow, strings.Join(jobs, ", "))
}

// Alone writes a copy of the workflow whose job runs alone, into dir, and
// returns its path: act runs a job's needs first (the release job's is
// the test job, the whole end-to-end suite), so the copy drops the job's
// needs: line and changes nothing else. Run the needed job on its own.
func Alone(root, job, dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, Workflow))
	if err != nil {
		return "", err
	}
	s := string(b)
	start := strings.Index(s, "\n  "+job+":\n")
	if start < 0 {
		return "", fmt.Errorf("%s has no job %s", Workflow, job)
	}
	end := len(s)
	if m := jobRE.FindStringIndex(s[start+len(job)+5:]); m != nil {
		end = start + len(job) + 5 + m[0]
	}
	body := regexp.MustCompile(`(?m)^    needs:.*\n`).ReplaceAllString(s[start:end], "")
	path := filepath.Join(dir, job+"-alone.yml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(s[:start]+body+s[end:]), 0o644)
}
