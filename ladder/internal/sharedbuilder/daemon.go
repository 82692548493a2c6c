package sharedbuilder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/names"
)

// daemonPort is where buildkitd listens inside its container.
const daemonPort = "1234"

// Options say how to run the daemon.
type Options struct {
	Name     string // container name; its state volume is Name-state
	Image    string // moby/buildkit, or its stand-in (project.BuildKitImage)
	CertDir  string // from WriteCerts: the daemon gets the CA and the server pair
	HostPort string // the port on 127.0.0.1; empty: any free one
	// Network, if set, is a Docker network the daemon joins, and
	// HTTPRegistries are registries on it to push to without TLS (the
	// cache demo's registry container).
	Network        string
	HTTPRegistries []string
}

// Daemon is a running shared BuildKit daemon.
type Daemon struct {
	Name  string
	Image string
	Addr  string // 127.0.0.1:port
	d     docker.Docker
}

// Endpoint is what buildx's remote driver is given.
func (b *Daemon) Endpoint() string { return "tcp://" + b.Addr }

// Start runs buildkitd in a container: privileged (it runs build steps in
// containers of its own), its state in a volume (both labelled
// names.SharedBuilderLabel, for make distclean), its port published on
// the loopback interface only, and mutual TLS: --tlscacert makes it
// demand a client certificate that the CA signed. The certificates and
// the configuration are copied in before it starts (docker cp), so it
// works where the engine cannot see this folder (a remote DOCKER_HOST).
// It returns once a client with the CA's certificate is let in.
func Start(ctx context.Context, d docker.Docker, o Options) (*Daemon, error) {
	if !HaveCerts(o.CertDir) {
		return nil, fmt.Errorf("no certificates in %s", o.CertDir)
	}
	stage, err := os.MkdirTemp("", "go-docker-buildkitd-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	if err := stageConfig(stage, o); err != nil {
		return nil, err
	}
	b := &Daemon{Name: o.Name, Image: o.Image, d: d}
	args := []string{"create", "--name", o.Name, "--label", names.SharedBuilderLabel + "=true", "--privileged",
		"-p", "127.0.0.1:" + o.HostPort + ":" + daemonPort,
		"--mount", "type=volume,src=" + o.Name + "-state,dst=/var/lib/buildkit,volume-label=" + names.SharedBuilderLabel + "=true"}
	if o.Network != "" {
		args = append(args, "--network", o.Network)
	}
	args = append(args, o.Image, "--addr", "tcp://0.0.0.0:"+daemonPort,
		"--tlscacert", "/etc/buildkit/certs/"+CAFile,
		"--tlscert", "/etc/buildkit/certs/"+ServerCertFile,
		"--tlskey", "/etc/buildkit/certs/"+ServerKeyFile)
	if _, err := d.Output(ctx, args...); err != nil {
		return nil, err
	}
	// A failure removes the container only: the state volume, and the
	// cache in it, are what a restart must keep (make distclean removes it).
	if _, err := d.Output(ctx, "cp", stage+"/.", o.Name+":/etc/buildkit/"); err != nil {
		b.removeContainer()
		return nil, err
	}
	if _, err := d.Output(ctx, "start", o.Name); err != nil {
		b.removeContainer()
		if o.HostPort == "" {
			return nil, fmt.Errorf("could not start buildkitd in %s: %s", o.Name, firstLine(err.Error()))
		}
		return nil, fmt.Errorf("could not start buildkitd on 127.0.0.1:%s (%s): is the port taken? Choose another: make shared-builder SHARED_BUILDER_PORT=PORT",
			o.HostPort, firstLine(err.Error()))
	}
	port, err := d.Output(ctx, "port", o.Name, daemonPort+"/tcp")
	if err != nil {
		b.removeContainer()
		return nil, err
	}
	b.Addr = strings.TrimSpace(strings.SplitN(strings.TrimSpace(port), "\n", 2)[0])
	if err := b.waitReady(ctx, o.CertDir); err != nil {
		b.removeContainer()
		return nil, err
	}
	return b, nil
}

// firstLine is the first line of a multi-line error, for a one-line message.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// stageConfig lays out what the daemon's /etc/buildkit gets: the CA, the
// server pair (readable by the daemon only), and buildkitd.toml, which
// buildkitd reads from there.
func stageConfig(stage string, o Options) error {
	certs := filepath.Join(stage, "certs")
	if err := os.MkdirAll(certs, 0o755); err != nil {
		return err
	}
	for _, f := range []string{CAFile, ServerCertFile, ServerKeyFile} {
		b, err := os.ReadFile(filepath.Join(o.CertDir, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(certs, f), b, 0o600); err != nil {
			return err
		}
	}
	var toml strings.Builder
	toml.WriteString("# Written by go-docker's shared builder.\n")
	for _, r := range o.HTTPRegistries {
		fmt.Fprintf(&toml, "\n[registry.%q]\n  http = true\n", r)
	}
	return os.WriteFile(filepath.Join(stage, "buildkitd.toml"), []byte(toml.String()), 0o644)
}

// waitReady waits up to 30 s for the daemon to let a certified client in.
func (b *Daemon) waitReady(ctx context.Context, certDir string) error {
	c, err := LoadClient(certDir)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err = Probe(ctx, b.Addr, c)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			logs, _ := b.d.CombinedOutput(context.Background(), "logs", "--tail", "5", b.Name)
			return fmt.Errorf("buildkitd in %s did not answer on %s within 30 s (%v): %s", b.Name, b.Addr, err, docker.LastLine(logs))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop removes the container and its state volume, the cache with it (the
// cache demo's daemon is a throwaway). It runs even when the caller's
// context was cancelled.
func (b *Daemon) Stop() {
	b.removeContainer()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.d.Output(ctx, "volume", "rm", "-f", b.Name+"-state")
}

// removeContainer removes the daemon's container and keeps its volume.
func (b *Daemon) removeContainer() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.d.Output(ctx, "rm", "-f", b.Name)
}
