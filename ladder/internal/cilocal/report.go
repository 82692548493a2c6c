package cilocal

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/release"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// A Report is out/ci-local/JOB.json: one run of a job, which make readme
// renders into docs/ci.md (the test job's time, which CI does not run).
type Report struct {
	Machine
	Commit  string   `json:"commit"` // the checkout's HEAD
	Dirty   bool     `json:"dirty"`  // with changes not committed
	Job     string   `json:"job"`
	UID     int      `json:"uid"` // who ran it (0: root)
	Groups  []string `json:"groups"`
	Passed  bool     `json:"passed"`
	Seconds float64  `json:"seconds"` // the whole act run
	Failure string   `json:"failure,omitempty"`
	Steps   []Step   `json:"steps"` // the job's main steps, in order
}

// Machine is where and when a report of a job's runs was made (its
// fields are the report's own in JSON).
type Machine struct {
	GeneratedAt  time.Time `json:"generated_at"`
	CPUs         int       `json:"cpus"`
	OSArch       string    `json:"os_arch"`
	StandInBases bool      `json:"stand_in_bases"`
}

// ThisMachine is this machine, now, building on stand-in base images or not.
func ThisMachine(standIns bool) Machine {
	return Machine{GeneratedAt: time.Now().UTC(), CPUs: runtime.NumCPU(), OSArch: runtime.GOOS + "/" + runtime.GOARCH, StandInBases: standIns}
}

// A Step is one main step of a job and the seconds it took.
type Step struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	Passed  bool    `json:"passed"`
}

// A Checkout is the commit a run starts from, read before it starts: a
// commit made while the job runs is not what ran.
type Checkout struct {
	Commit string
	Dirty  bool // with changes not committed
}

// ReadCheckout is dir's HEAD and whether it has changes not committed.
func ReadCheckout(ctx context.Context, dir string) (Checkout, error) {
	head, err := repo.Head(ctx, dir)
	if err != nil {
		return Checkout{}, fmt.Errorf("%v: ci-local runs a git checkout's workflow", err)
	}
	dirty, err := release.Dirty(ctx, dir)
	return Checkout{Commit: head, Dirty: dirty}, err
}

// NewReport is what the run r of the checkout c did, on this machine, by
// this user, now.
func NewReport(c Checkout, r Run, res Result, standIns bool) Report {
	rep := Report{Machine: ThisMachine(standIns), Commit: c.Commit, Dirty: c.Dirty, Job: r.Job, UID: os.Getuid(), Groups: groups(),
		Passed: res.Passed, Seconds: res.Seconds, Steps: MainSteps(res.Raw)}
	if !res.Passed {
		rep.Failure = res.Failure()
	}
	return rep
}

// Save writes the report to DIR/JOB.json, whole or not at all.
func (rep Report) Save(dir string) error {
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return devloop.WriteReport(filepath.Join(dir, rep.Job+".json"), append(js, '\n'))
}

// groups are the names of the groups this process is in.
func groups() []string {
	var names []string
	gids, err := os.Getgroups()
	if err != nil {
		return nil
	}
	for _, gid := range gids {
		if g, err := user.LookupGroupId(strconv.Itoa(gid)); err == nil {
			names = append(names, g.Name)
		}
	}
	return names
}
