package peers

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// koRepo is the name ko loads the peer's images under: ko.local/ is ko's
// name for "the engine, not a registry".
const koRepo = "ko.local/go-docker-peer-ko"

// koRunner runs ko build in the copy, with GOCACHE and GOMODCACHE of its
// own (a cold build empties them) and a base image built locally.
type koRunner struct {
	env                 Env
	bin                 string
	base                string // base image tag, ko.local/...
	host                string // the engine ko loads images into
	goCache, goModCache string
	refs                []string // every image reference ko loaded
}

// prepareKo builds ko from peers/ko/go.mod and its base image.
func prepareKo(ctx context.Context, _ Peer, env Env) (Runner, error) {
	env.say("building ko " + KoVersion + " from " + KoDir + "/go.mod")
	r := &koRunner{env: env, bin: filepath.Join(env.Tmp, "ko"),
		base:    "ko.local/go-docker-peer-ko-base:compare-" + env.RunID,
		goCache: filepath.Join(env.Tmp, "ko-gocache"), goModCache: filepath.Join(env.Tmp, "ko-gomodcache")}
	if err := InstallKo(ctx, env.Repo, r.bin); err != nil {
		return nil, err
	}
	if _, err := env.Docker.Build(ctx, docker.BuildOptions{
		Dir: env.Dir, Dockerfile: KoBaseDockerfile, Tag: r.base,
		BuildArgs: map[string]string{"GO_VERSION": env.GoVersion},
		LogFile:   filepath.Join(env.Logs, "peer-ko-base.log"),
	}); err != nil {
		return nil, fmt.Errorf("ko's base image: %w", err)
	}
	var err error
	if r.host, err = env.Docker.Host(ctx); err != nil {
		// Not a runner, so no one else will remove the base it built.
		env.Docker.Output(context.WithoutCancel(ctx), "image", "rm", r.base)
		return nil, err
	}
	return r, nil
}

func (r *koRunner) Tag() string { return koRepo + ":compare-" + r.env.RunID }

func (r *koRunner) Adapted() string {
	return "base image built locally from " + KoBaseDockerfile + " and read from the engine (ko.local), in place of ko's default base from a registry; no SBOM"
}

// Scope has nothing to do: ko has no cache mounts, and a cold build
// empties its own cache folders instead.
func (r *koRunner) Scope(string) error { return nil }

func (r *koRunner) Build(ctx context.Context, cold bool, logFile string) (time.Duration, error) {
	if cold {
		for _, d := range []string{r.goCache, r.goModCache} {
			if err := repo.RemoveAll(d); err != nil {
				return 0, err
			}
		}
	}
	ref, d, err := KoRun{
		Bin: r.bin, Dir: r.env.Dir, Repo: koRepo, Tag: "compare-" + r.env.RunID, Base: r.base,
		GoCache: r.goCache, GoModCache: r.goModCache, DockerHost: r.host, LogFile: logFile,
	}.Run(ctx)
	if ref != "" {
		r.refs = append(r.refs, ref)
	}
	return d, err
}

func (r *koRunner) Refs() []string { return append([]string{r.Tag(), r.base}, r.refs...) }
