//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
)

// A Container is a running container started by runContainer.
type Container struct {
	d    dockercli.Docker
	ID   string
	Addr string // host:port that reaches the container's port 8080
}

// runContainer starts image detached with port 8080 published on a free loopback
// port, plus any extra `docker run` flags.
func runContainer(ctx context.Context, d dockercli.Docker, image string, flags ...string) (*Container, error) {
	args := append([]string{"run", "-d", "-p", "127.0.0.1::8080"}, flags...)
	args = append(args, image)
	out, err := d.Output(ctx, args...)
	if err != nil {
		return nil, err
	}
	c := &Container{d: d, ID: strings.TrimSpace(out)}
	port, err := d.Output(ctx, "port", c.ID, "8080/tcp")
	if err != nil {
		c.Remove(context.Background())
		return nil, err
	}
	// "127.0.0.1:49153", possibly followed by an IPv6 line.
	c.Addr = strings.TrimSpace(strings.SplitN(strings.TrimSpace(port), "\n", 2)[0])
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		c.Remove(context.Background())
		return nil, fmt.Errorf("docker port %s: unexpected %q", c.ID, port)
	}
	return c, nil
}

// Get GETs path from the container and returns the status and body.
func (c *Container) Get(ctx context.Context, path string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Addr+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// WaitReady polls /healthz until it answers 200, or ctx ends.
func (c *Container) WaitReady(ctx context.Context) error {
	for {
		status, _, err := c.Get(ctx, "/healthz")
		if err == nil && status == http.StatusOK {
			return nil
		}
		select {
		case <-ctx.Done():
			logs, _ := c.Logs(context.Background())
			return fmt.Errorf("container %.12s never answered /healthz (last: %d, %v); logs: %s", c.ID, status, err, logs)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Logs returns the container's output.
func (c *Container) Logs(ctx context.Context) (string, error) {
	cmd := []string{"logs", c.ID}
	out, err := c.d.CombinedOutput(ctx, cmd...)
	return out, err
}

// Inspect returns one field of `docker inspect`, by Go template.
func (c *Container) Inspect(ctx context.Context, format string) (string, error) {
	out, err := c.d.Output(ctx, "inspect", "--format", format, c.ID)
	return strings.TrimSpace(out), err
}

// Stop runs docker stop with a grace period: a program that has not exited
// when it ends is killed (exit code 137).
func (c *Container) Stop(ctx context.Context, grace time.Duration) error {
	_, err := c.d.Output(ctx, "stop", "-t", fmt.Sprint(int(grace.Seconds())), c.ID)
	return err
}

// Remove force-removes the container.
func (c *Container) Remove(ctx context.Context) error {
	_, err := c.d.Output(ctx, "rm", "-f", c.ID)
	return err
}
