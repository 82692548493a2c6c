package cilocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/devloop"
)

// A Run is one job of the workflow, run by act on the host.
type Run struct {
	Act string // the act command
	Dir string // the checkout whose workflow runs (act copies it)
	Job string
	// Workflow is the workflow file, relative to Dir (empty: Workflow).
	Workflow string
	// Event is the event's JSON (a tag push: {"ref": "refs/tags/v1"});
	// empty: a push to the checked-out branch.
	Event string
	// Vars and Secrets are the repository's variables and secrets, as the
	// workflow reads them (vars.NAME, secrets.NAME); Env is added to every
	// step's environment.
	Vars, Secrets, Env map[string]string
	LocalRepos         []string // Copies' flags
	// State holds act's caches: the actions', the tool cache, and the
	// Actions cache (its cache server's storage), which a later run of
	// the same State finds, as a later workflow run finds the last one's.
	State string
	Log   string // the file act's whole output goes to
}

// A Result is what a run did.
type Result struct {
	Passed  bool
	Seconds float64 // the whole act run, from start to exit
	Output  string  // act's output, its "[ci/JOB]   | " prefixes removed
	Raw     string  // act's output as it printed it
}

// Args is act's command line for the run, its artifact server on port.
func (r Run) Args(eventFile, port string) []string {
	wf := r.Workflow
	if wf == "" {
		wf = Workflow
	}
	args := []string{"push", "-j", r.Job, "-W", wf,
		// The job runs on this machine, not in a runner image.
		"-P", "ubuntu-latest=-self-hosted",
		// Every server act starts listens on loopback only.
		"--cache-server-addr", "127.0.0.1", "--cache-server-path", filepath.Join(r.State, "actions-cache"),
		"--artifact-server-addr", "127.0.0.1", "--artifact-server-port", port,
		"--artifact-server-path", filepath.Join(r.State, "artifacts"),
		"--action-cache-path", filepath.Join(r.State, "act"), "--action-offline-mode"}
	if eventFile != "" {
		args = append(args, "-e", eventFile)
	}
	for _, kv := range []struct {
		flag string
		m    map[string]string
	}{{"--var", r.Vars}, {"--secret", r.Secrets}, {"--env", r.Env}} {
		for _, k := range sortedKeys(kv.m) {
			args = append(args, kv.flag, k+"="+kv.m[k])
		}
	}
	return append(args, r.LocalRepos...)
}

// Do runs the job and writes act's output to r.Log; w gets a line when it
// starts. Its error is for a run that could not be made; a job that
// failed is a Result that did not pass.
func (r Run) Do(ctx context.Context, w io.Writer) (Result, error) {
	port, err := devloop.FreePort()
	if err != nil {
		return Result{}, err
	}
	var eventFile string
	if r.Event != "" {
		eventFile = filepath.Join(r.State, "event.json")
		if err := os.WriteFile(eventFile, []byte(r.Event), 0o644); err != nil {
			return Result{}, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(r.Log), 0o755); err != nil {
		return Result{}, err
	}
	act := r.Act
	if strings.Contains(act, "/") {
		// A path, from this process's folder: act runs in r.Dir.
		if act, err = filepath.Abs(act); err != nil {
			return Result{}, err
		}
	}
	cmd := exec.CommandContext(ctx, act, r.Args(eventFile, port)...)
	cmd.Dir = r.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	fmt.Fprintf(w, "ci-local: act runs job %s of %s (log: %s)\n", r.Job, Workflow, r.Log)
	start := time.Now()
	runErr := cmd.Run()
	res := Result{Seconds: time.Since(start).Seconds(), Output: unprefix(out.String()), Raw: out.String()}
	if err := os.WriteFile(r.Log, out.Bytes(), 0o644); err != nil {
		return res, err
	}
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return res, fmt.Errorf("act: %v (make setup-act installs it)", runErr)
	}
	res.Passed = runErr == nil && strings.Contains(out.String(), "Job succeeded")
	return res, nil
}

// prefixRE is what act puts before each line a step prints.
var prefixRE = regexp.MustCompile(`(?m)^\[[^\]]+\]\s+\| ?`)

// unprefix removes act's prefixes from the lines steps printed.
func unprefix(s string) string { return prefixRE.ReplaceAllString(s, "") }

// Failure is the line of act's output that says why a job failed: its
// last ::error::, or its last line.
func (res Result) Failure() string {
	lines := strings.Split(strings.TrimSpace(res.Output), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if _, msg, ok := strings.Cut(lines[i], "::error::"); ok {
			return strings.TrimSpace(msg)
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stepRE is act's line that ends a step: its outcome, its name and how long
// it took (time.Duration's form).
var stepRE = regexp.MustCompile(`(?m)^\[[^\]]+\]\s+\S+\s+(Success|Failure) - (Main|Post) (.+?) \[([0-9a-zµ.]+)\]\s*$`)

// Steps are the seconds each step took, by "Main NAME" or "Post NAME".
func Steps(rawLog string) map[string]float64 {
	steps := map[string]float64{}
	for _, m := range stepRE.FindAllStringSubmatch(rawLog, -1) {
		if d, err := time.ParseDuration(m[4]); err == nil {
			steps[m[2]+" "+m[3]] += d.Seconds()
		}
	}
	return steps
}

// MainSteps are the job's main steps in the order they ran, each with
// its seconds and outcome.
func MainSteps(rawLog string) []Step {
	var steps []Step
	for _, m := range stepRE.FindAllStringSubmatch(rawLog, -1) {
		if d, err := time.ParseDuration(m[4]); err == nil && m[2] == "Main" {
			steps = append(steps, Step{Name: m[3], Seconds: d.Seconds(), Passed: m[1] == "Success"})
		}
	}
	return steps
}

// StepOutput is what the step "Main NAME" printed, act's prefixes removed.
func StepOutput(rawLog, name string) string {
	start := strings.Index(rawLog, "⭐ Run Main "+name+"\n")
	if start < 0 {
		return ""
	}
	rest := rawLog[start:]
	if end := strings.Index(rest[1:], "⭐ Run "); end >= 0 {
		rest = rest[:end+1]
	}
	return unprefix(rest)
}
