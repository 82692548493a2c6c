package release

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// RegistryContainer is the name of the registry container make release
// pushes to when no REGISTRY is given: one per port, so that the tests'
// registry (on a port of their own) never touches a reader's.
func RegistryContainer(port int) string { return "go-docker-registry-" + strconv.Itoa(port) }

// LocalRegistry is the address of that registry, as the engine pushes to
// it: loopback, which the engine allows over plain HTTP.
func LocalRegistry(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// EnsureRegistry makes sure the registry container for port runs: it
// starts the one a previous make release left (its images are in it), or
// runs a new one of the registry image scripts/ensure-docker.sh names
// (registry:3, or a stand-in), published on 127.0.0.1:port only, with the
// label make distclean removes it by. It returns when the registry answers.
func EnsureRegistry(ctx context.Context, d docker.Docker, root string, port int) (string, error) {
	name, addr := RegistryContainer(port), LocalRegistry(port)
	state, err := d.Output(ctx, "container", "inspect", "--format", "{{.State.Running}}", name)
	switch {
	case err == nil && strings.TrimSpace(state) == "true":
	case err == nil:
		if _, err := d.Output(ctx, "start", name); err != nil {
			return "", portError(err, port, "the registry container "+name+" did not start")
		}
	default:
		image, err := d.RegistryImage(ctx, root)
		if err != nil {
			return "", err
		}
		if _, err := d.Output(ctx, "image", "inspect", image); err != nil {
			return "", fmt.Errorf("no registry image %s: run make setup-registry", image)
		}
		if _, err := d.Output(ctx, "run", "-d", "--name", name, "--label", cachedemo.RegistryLabel+"=true",
			"-p", addr+":5000", image); err != nil {
			d.Output(context.Background(), "rm", "-f", "-v", name)
			return "", portError(err, port, "could not start the registry container "+name)
		}
	}
	if err := cachedemo.WaitForRegistry(ctx, d, addr, name); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return addr, nil
}

// portError says in one line that the port is taken, when it is.
func portError(err error, port int, what string) error {
	msg := err.Error()
	if strings.Contains(msg, "address already in use") || strings.Contains(msg, "port is already allocated") {
		return fmt.Errorf("port %d on 127.0.0.1 is taken: use another, e.g. make release REGISTRY_PORT=%d", port, port+1)
	}
	return fmt.Errorf("%s: %s", what, docker.LastLine(msg))
}

// RegistryState tells whether the registry container for port exists, and
// whether it runs: make verify-release without REGISTRY reads from it.
func RegistryState(ctx context.Context, d docker.Docker, port int) (running, exists bool) {
	state, err := d.Output(ctx, "container", "inspect", "--format", "{{.State.Running}}", RegistryContainer(port))
	return err == nil && strings.TrimSpace(state) == "true", err == nil
}
