package cilocal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/registry"
	"github.com/go-docker/go-docker/ladder/internal/release"
)

// Options are what a local run of a job needs beyond the workflow.
type Options struct {
	Act, Cosign string
	Job         string
	Version     string // the tag the release job runs on
	Port        int    // the release job's registry container, on 127.0.0.1
}

// New prepares a run of o.Job in the project p opened: the actions' local
// copies, and for each job what a hosted runner has that this machine
// gets otherwise. Its state lives in out/ci-local/.
func New(ctx context.Context, p *project.Project, o Options) (Run, error) {
	jobs, actions, err := Read(filepath.Join(p.Root, Workflow))
	if err != nil {
		return Run{}, err
	}
	if err := CheckJob(o.Job, jobs); err != nil {
		return Run{}, err
	}
	state := filepath.Join(p.Root, "out", "ci-local")
	copies, err := Copies(ctx, actions, filepath.Join(state, "actions"))
	if err != nil {
		return Run{}, err
	}
	r := Run{Act: o.Act, Dir: p.Root, Job: o.Job, State: state, LocalRepos: copies,
		Log: filepath.Join(state, "logs", o.Job+".log"), Env: RunnerEnv(),
		Vars: map[string]string{}, Secrets: map[string]string{}}
	switch o.Job {
	case "image":
		r.Vars, err = HostVars(ctx, p, state)
	case "test":
		err = goToolCache(filepath.Join(state, "act", "tool_cache"))
	case "release":
		if err = goToolCache(filepath.Join(state, "act", "tool_cache")); err == nil {
			err = forRelease(ctx, p, o, &r)
		}
	}
	return r, err
}

// RunnerEnv is the environment every local run adds to the job's:
// docker/build-push-action's build summary exports a build record with a
// helper image where buildx is older than v0.23, and uploads it to the
// runner's artifacts; neither is part of the job's work.
func RunnerEnv() map[string]string {
	return map[string]string{"DOCKER_BUILD_SUMMARY": "false", "DOCKER_BUILD_RECORD_UPLOAD": "false"}
}

// goToolCache puts this machine's Go where actions/setup-go looks first, in
// the runner's tool cache (act's, here): setup-go then downloads nothing.
// A hosted runner's image has Go there already.
func goToolCache(dir string) error {
	out, err := exec.Command("go", "env", "GOVERSION", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env: %v: the test job's setup-go needs this machine's Go", err)
	}
	f := strings.Fields(string(out))
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	if len(f) != 2 || arch == "" {
		return fmt.Errorf("go env GOVERSION GOROOT: unexpected %q on %s", out, runtime.GOARCH)
	}
	versionDir := filepath.Join(dir, "go", strings.TrimPrefix(f[0], "go"))
	if err := os.MkdirAll(versionDir, 0o755); err != nil {
		return err
	}
	link := filepath.Join(versionDir, arch)
	os.Remove(link)
	if err := os.Symlink(f[1], link); err != nil {
		return err
	}
	return os.WriteFile(link+".complete", nil, 0o644)
}

// forRelease gives the release job what its documentation asks for: a
// registry (the registry container on o.Port), the login secrets (that
// registry has no users: any name passes), a cosign key pair (secrets
// COSIGN_PRIVATE_KEY and COSIGN_PASSWORD, variable COSIGN_PUBLIC_KEY),
// and a tag push. The engine's own builder runs the release: it sees the
// stand-in SBOM generator, which a docker-container builder would pull.
func forRelease(ctx context.Context, p *project.Project, o Options, r *Run) error {
	image, err := p.RegistryImage(ctx)
	if err != nil {
		return err
	}
	reg, err := registry.Start(ctx, p.Docker, registry.Options{Image: image, Name: release.RegistryContainer(o.Port), Port: o.Port})
	if err != nil {
		return err
	}
	key := filepath.Join(r.State, "cosign", "cosign.key")
	if _, err := os.Stat(key); err != nil {
		if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
			return err
		}
		if err := release.GenerateKeyPair(ctx, o.Cosign, key); err != nil {
			return err
		}
	}
	priv, err := os.ReadFile(key)
	if err != nil {
		return err
	}
	pub, err := os.ReadFile(release.PublicKeyOf(key))
	if err != nil {
		return err
	}
	r.Vars["REGISTRY"] = reg.Addr + "/ci-local"
	r.Vars["BUILDX_DRIVER"] = "docker"
	r.Vars["COSIGN_PUBLIC_KEY"] = strings.TrimSpace(string(pub))
	r.Secrets["REGISTRY_USER"], r.Secrets["REGISTRY_TOKEN"] = "no-such-user", "no-such-token"
	r.Secrets["COSIGN_PRIVATE_KEY"], r.Secrets["COSIGN_PASSWORD"] = strings.TrimSpace(string(priv)), ""
	// make setup-cosign in the job finds the cosign this run has (act runs
	// the job in a copy of the checkout, without the ignored out/).
	r.Env["COSIGN"] = o.Cosign
	if strings.Contains(o.Cosign, "/") && !filepath.IsAbs(o.Cosign) {
		r.Env["COSIGN"] = filepath.Join(p.Root, o.Cosign)
	}
	r.Event = fmt.Sprintf(`{"ref": "refs/tags/%s"}`, o.Version)
	r.Workflow, err = Alone(p.Root, r.Job, filepath.Join(r.State, "workflows"))
	return err
}
