// Package registry runs a registry container that the engine pushes to
// over plain HTTP: published on a loopback port only, labelled so that
// make distclean finds it. The cache demo runs a throwaway one on a free
// port; make release keeps one per port between runs.
package registry

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/names"
)

// Options say which registry container to run.
type Options struct {
	// Image is the registry image in use (project.RegistryImage).
	Image string
	// Name and Port: a container of that name on 127.0.0.1:Port, started
	// again if it exists (make release's, which keeps what was pushed).
	// Without a Name: a new container on a free loopback port.
	Name string
	Port int
}

// Registry is a registry container published on a loopback port.
type Registry struct {
	Addr      string // 127.0.0.1:port, as the engine pushes to it
	Image     string
	Container string // its name, or its id
	d         docker.Docker
}

// Start makes sure the registry container of o runs, and returns when the
// registry answers. A port that is taken is a PortTakenError.
func Start(ctx context.Context, d docker.Docker, o Options) (*Registry, error) {
	r := &Registry{Image: o.Image, Container: o.Name, d: d}
	var err error
	if o.Name == "" {
		err = r.runAnywhere(ctx)
	} else {
		err = r.ensureNamed(ctx, o.Port)
	}
	if err != nil {
		return nil, err
	}
	if err := r.wait(ctx); err != nil {
		if o.Name == "" {
			r.Stop()
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", o.Name, err)
	}
	return r, nil
}

// runAnywhere runs a new container on a free loopback port, and reads
// which one it got.
func (r *Registry) runAnywhere(ctx context.Context) error {
	id, err := r.d.Output(ctx, "run", "-d", "--label", names.RegistryLabel+"=true", "-p", "127.0.0.1::5000", r.Image)
	if err != nil {
		return err
	}
	r.Container = strings.TrimSpace(id)
	port, err := r.d.Output(ctx, "port", r.Container, "5000/tcp")
	if err != nil {
		r.Stop()
		return err
	}
	r.Addr = strings.TrimSpace(strings.SplitN(strings.TrimSpace(port), "\n", 2)[0])
	return nil
}

// ensureNamed starts the named container that a previous run left (its
// images are in it), or runs a new one on 127.0.0.1:port.
func (r *Registry) ensureNamed(ctx context.Context, port int) error {
	r.Addr = "127.0.0.1:" + strconv.Itoa(port)
	switch running, exists := State(ctx, r.d, r.Container); {
	case running:
		return nil
	case exists:
		if _, err := r.d.Output(ctx, "start", r.Container); err != nil {
			return portError(err, port, "the registry container "+r.Container+" did not start")
		}
		return nil
	}
	if _, err := r.d.Output(ctx, "run", "-d", "--name", r.Container, "--label", names.RegistryLabel+"=true",
		"-p", r.Addr+":5000", r.Image); err != nil {
		r.d.Output(context.Background(), "rm", "-f", "-v", r.Container)
		return portError(err, port, "could not start the registry container "+r.Container)
	}
	return nil
}

// State tells whether the named registry container exists, and whether it
// runs.
func State(ctx context.Context, d docker.Docker, name string) (running, exists bool) {
	state, err := d.Output(ctx, "container", "inspect", "--format", "{{.State.Running}}", name)
	return err == nil && strings.TrimSpace(state) == "true", err == nil
}

// PortTakenError is a registry that could not start because its port on
// 127.0.0.1 is in use.
type PortTakenError struct{ Port int }

func (e *PortTakenError) Error() string {
	return fmt.Sprintf("port %d on 127.0.0.1 is taken: use another", e.Port)
}

// portError says in one line why the container did not start: its port
// is taken, or what docker said last.
func portError(err error, port int, what string) error {
	msg := err.Error()
	if strings.Contains(msg, "address already in use") || strings.Contains(msg, "port is already allocated") {
		return &PortTakenError{Port: port}
	}
	return fmt.Errorf("%s: %s", what, docker.LastLine(msg))
}

// wait waits up to 20 s until the registry answers; if it does not, the
// error quotes the container's last log line.
func (r *Registry) wait(ctx context.Context) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	logs, _ := r.d.CombinedOutput(ctx, "logs", r.Container)
	return fmt.Errorf("the registry container on %s did not answer within 20 s: %s", r.Addr, docker.LastLine(logs))
}

// Stop removes the registry container and its storage.
func (r *Registry) Stop() {
	r.d.Output(context.Background(), "rm", "-f", "-v", r.Container)
}
