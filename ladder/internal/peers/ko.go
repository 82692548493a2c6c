package peers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// KoVersion is the ko that peers/ko/go.mod pins (a lint test keeps the two
// equal).
const KoVersion = "v0.19.1"

// KoModule is ko's Go module; peers/ko/go.mod requires it as a tool, so
// its dependencies stay out of both the tutorial's and the ladder's go.mod.
const KoModule = "github.com/google/ko"

// KoDir holds ko's configuration (.ko.yaml), its base image's Dockerfile
// and the module that pins ko, relative to the repository root.
const KoDir = "peers/ko"

// KoBaseDockerfile builds the base image ko layers the binary on.
const KoBaseDockerfile = KoDir + "/base.Dockerfile"

// KoConfig is the part of .ko.yaml the comparison depends on.
type KoConfig struct {
	DefaultBaseImage string    `yaml:"defaultBaseImage"`
	Builds           []KoBuild `yaml:"builds"`
}

// KoBuild is one entry of .ko.yaml's builds.
type KoBuild struct {
	ID      string   `yaml:"id"`
	Main    string   `yaml:"main"`
	Env     []string `yaml:"env"`
	Flags   []string `yaml:"flags"`
	Ldflags []string `yaml:"ldflags"`
}

// LoadKoConfig reads peers/ko/.ko.yaml of the repository at root.
func LoadKoConfig(root string) (KoConfig, error) {
	var c KoConfig
	b, err := os.ReadFile(filepath.Join(root, KoDir, ".ko.yaml"))
	if err != nil {
		return c, err
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s/.ko.yaml: %w", KoDir, err)
	}
	return c, nil
}

// Build returns the build of the given main package ("./dependencies").
func (c KoConfig) Build(main string) (KoBuild, bool) {
	for _, b := range c.Builds {
		if b.Main == main {
			return b, true
		}
	}
	return KoBuild{}, false
}

// InstallKo builds ko from the module peers/ko/go.mod pins into bin. The
// go command's build cache makes every build after the first one quick.
func InstallKo(ctx context.Context, root, bin string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, KoModule)
	cmd.Dir = filepath.Join(root, KoDir)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building ko from %s/go.mod: %v: %s (PEERS=docker-init measures without ko)", KoDir, err, docker.LastLine(string(out)))
	}
	return nil
}

// KoRun is one `ko build` of the program into the engine.
type KoRun struct {
	Bin        string // the ko binary
	Dir        string // the repository (copy) to build in
	Repo       string // the image name, ko.local/...
	Tag        string
	Base       string // the base image, ko.local/...:tag
	GoCache    string // GOCACHE and GOMODCACHE for the go build ko runs
	GoModCache string
	DockerHost string // the engine ko loads the image into (DOCKER_HOST); empty: ko's default
	LogFile    string
}

// Run runs ko build and returns the image it loaded (by digest tag) and
// the wall time of the command.
func (k KoRun) Run(ctx context.Context) (string, time.Duration, error) {
	cmd := exec.CommandContext(ctx, k.Bin, "build", "--bare", "--sbom=none", "--tags", k.Tag, "./"+Program)
	cmd.Dir = k.Dir
	cmd.Env = append(os.Environ(),
		"KO_CONFIG_PATH="+filepath.Join(k.Dir, KoDir),
		"KO_DOCKER_REPO="+k.Repo,
		"KO_DEFAULTBASEIMAGE="+k.Base,
		"GOCACHE="+k.GoCache, "GOMODCACHE="+k.GoModCache,
		"GOFLAGS=", "GOTOOLCHAIN=local",
		// The base's platform, as for docker build without --platform.
		"KO_DEFAULTPLATFORMS=")
	if k.DockerHost != "" {
		cmd.Env = append(cmd.Env, "DOCKER_HOST="+k.DockerHost)
	}
	var stdout, log bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &log
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	log.WriteString(stdout.String())
	if k.LogFile != "" {
		if werr := os.MkdirAll(filepath.Dir(k.LogFile), 0o755); werr == nil {
			os.WriteFile(k.LogFile, log.Bytes(), 0o644)
		}
	}
	if err != nil {
		return "", d, fmt.Errorf("ko build failed (%v); see %s: %s", err, k.LogFile, docker.LastLine(log.String()))
	}
	return strings.TrimSpace(stdout.String()), d, nil
}
