package peers

import (
	"context"
	"fmt"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// Env is what a measuring run lends its peers: the engine, the throwaway
// copy they build in, and where their scratch files and logs go.
type Env struct {
	Docker        docker.Docker
	Repo          string // the repository itself (only read: ko's go.mod)
	Dir           string // the throwaway copy every build runs in
	Tmp           string // scratch space removed after the run
	Logs          string // build logs
	RunID         string // names this run's images and cache ids
	GoVersion     string
	AlpineVersion string
	Say           func(msg string) // progress for set-up steps; may be nil
}

func (e Env) say(msg string) {
	if e.Say != nil {
		e.Say(msg)
	}
}

// A Runner is one peer set up for one run. Everything that differs between
// peers (how they build, what a cold build empties, what was adapted on
// this machine) lives behind it, so the measuring code treats them alike.
type Runner interface {
	// Tag is the image the peer's builds in this run are tagged with.
	Tag() string
	// Adapted says what this machine made the run change, if anything.
	Adapted() string
	// Scope gives the peer's cache mounts fresh ids starting with scope.
	Scope(scope string) error
	// Build builds the program once and returns the wall time. A cold build
	// starts from empty caches.
	Build(ctx context.Context, cold bool, logFile string) (time.Duration, error)
	// Refs lists every image reference the peer made, for cleanup.
	Refs() []string
}

// Prepare sets the peer up for a run in env (nothing here is timed).
func (p Peer) Prepare(ctx context.Context, env Env) (Runner, error) {
	if p.prepare == nil {
		return nil, fmt.Errorf("peer %q cannot be measured", p.Name)
	}
	return p.prepare(ctx, p, env)
}
