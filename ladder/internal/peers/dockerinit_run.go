package peers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// dockerInitRunner builds the docker init Dockerfile in the copy, adapted
// for stand-in bases where the machine has them.
type dockerInitRunner struct {
	peer       Peer
	env        Env
	dockerfile string   // the Dockerfile as read, adapted if needed
	aliases    []string // --build-context flags for its bases, with stand-ins
}

func prepareDockerInit(_ context.Context, p Peer, env Env) (Runner, error) {
	b, err := os.ReadFile(filepath.Join(env.Dir, p.Dockerfile))
	if err != nil {
		return nil, err
	}
	r := &dockerInitRunner{peer: p, env: env, dockerfile: string(b)}
	if env.Docker.StandInBases() {
		if r.dockerfile, err = AdaptForStandIns(r.dockerfile); err != nil {
			return nil, err
		}
		r.aliases = StandInAliases(env.Docker.BaseFlags, env.GoVersion, env.AlpineVersion)
	}
	return r, nil
}

func (r *dockerInitRunner) Tag() string {
	return "go-docker-peer-" + r.peer.Name + ":compare-" + r.env.RunID
}

func (r *dockerInitRunner) Adapted() string {
	if r.env.Docker.StandInBases() {
		return StandInSteps
	}
	return ""
}

// Scope writes the Dockerfile with its cache mounts given ids under scope
// (see ScopeCacheMounts).
func (r *dockerInitRunner) Scope(scope string) error {
	return os.WriteFile(filepath.Join(r.env.Dir, r.peer.Dockerfile), []byte(ScopeCacheMounts(r.dockerfile, scope)), 0o644)
}

// Build runs docker build; a cold one adds --no-cache (its cache mounts are
// fresh from Scope) and must show the go build step ran.
func (r *dockerInitRunner) Build(ctx context.Context, cold bool, logFile string) (time.Duration, error) {
	res, err := r.env.Docker.Build(ctx, docker.BuildOptions{
		Dir: r.env.Dir, Dockerfile: r.peer.Dockerfile, Tag: r.Tag(), NoCache: cold,
		BuildArgs: map[string]string{"GO_VERSION": r.env.GoVersion}, ExtraFlags: r.aliases, LogFile: logFile,
	})
	if err != nil {
		return 0, err
	}
	if cold {
		if b, ok := res.Find("go build"); !ok || b.Cached {
			return 0, fmt.Errorf("the cold build was not cold (its go build step did not run); see %s", logFile)
		}
	}
	return res.Duration, nil
}

func (r *dockerInitRunner) Refs() []string { return []string{r.Tag()} }
