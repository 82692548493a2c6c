package release

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/registry"
)

// RegistryContainer is the name of the registry container make release
// pushes to when no REGISTRY is given: one per port, so that the tests'
// registry (on a port of their own) never touches a reader's.
func RegistryContainer(port int) string { return names.RegistryContainer + "-" + strconv.Itoa(port) }

// LocalRegistry is the address of that registry, as the engine pushes to
// it: loopback, which the engine allows over plain HTTP.
func LocalRegistry(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// startRegistry makes sure the registry container for port runs, kept
// between releases (its images are in it), and returns its address once
// it answers.
func startRegistry(ctx context.Context, p *project.Project, port int) (string, error) {
	image, err := p.RegistryImage(ctx)
	if err != nil {
		return "", err
	}
	r, err := registry.Start(ctx, p.Docker, registry.Options{Image: image, Name: RegistryContainer(port), Port: port})
	var taken *registry.PortTakenError
	if errors.As(err, &taken) {
		return "", fmt.Errorf("%w, e.g. make release REGISTRY_PORT=%d", err, port+1)
	}
	if err != nil {
		return "", err
	}
	return r.Addr, nil
}

// checkRegistry tells, in one line, why make verify-release cannot read
// from the registry container for port, if it cannot.
func (j job) checkRegistry(ctx context.Context, p *project.Project) error {
	name := RegistryContainer(j.port)
	switch running, exists := registry.State(ctx, p.Docker, name); {
	case !exists:
		return fmt.Errorf("no release registry on %s (container %s): run make release VERSION=%s first", LocalRegistry(j.port), name, j.Version)
	case !running:
		return fmt.Errorf("the release registry container %s is stopped: docker start %s, then retry", name, name)
	}
	return nil
}
