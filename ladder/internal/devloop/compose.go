package devloop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// Compose runs `docker compose` on the repository's compose.yaml.
type Compose struct {
	Docker  docker.Docker
	Root    string
	Project string   // the project name; empty: compose.yaml's (go-docker)
	Env     []string // PORT=..., IMAGE_PREFIX=...
	files   []string
}

// NewCompose points Compose at compose.yaml and, where builds use
// stand-in bases, at the file offline/setup.sh wrote beside its build flags
// (standIns, "" for none), which gives the app service's build the same
// --build-context flags as make's: what a reader with the official images
// sees stays compose.yaml alone.
func NewCompose(d docker.Docker, root, project string, env []string, standIns string) *Compose {
	c := &Compose{Docker: d, Root: root, Project: project, Env: env, files: []string{filepath.Join(root, "compose.yaml")}}
	if standIns != "" {
		c.files = append(c.files, standIns)
	}
	return c
}

// Args are the arguments of `docker compose` before a subcommand.
func (c *Compose) Args(args ...string) []string {
	a := []string{"compose", "--project-directory", c.Root}
	for _, f := range c.files {
		a = append(a, "-f", f)
	}
	if c.Project != "" {
		a = append(a, "-p", c.Project)
	}
	return append(a, args...)
}

// Command is `docker compose ARGS` in the repository, with Env.
func (c *Compose) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := c.Docker.Command(ctx, c.Args(args...)...)
	cmd.Dir = c.Root
	cmd.Env = append(append(os.Environ(), c.Docker.Env...), c.Env...)
	return cmd
}

// Run runs `docker compose ARGS` and returns an error of one line.
func (c *Compose) Run(ctx context.Context, args ...string) (string, error) {
	out, err := c.Command(ctx, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("docker compose %s: %s", strings.Join(args, " "), docker.LastLine(string(out)))
	}
	return string(out), nil
}
