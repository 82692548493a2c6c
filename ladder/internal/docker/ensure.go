package docker

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// What scripts/ensure-docker.sh decides, asked from Go: the script is the
// one place that sets up the engine, the stand-ins and the images the
// demos run, and the Makefile asks it too.

// StandInFlags asks scripts/ensure-docker.sh which stand-in base images are
// in use, and returns the --build-context flags that select them. The
// script is the one place that decides; the Makefile asks it too.
func (d Docker) StandInFlags(ctx context.Context, repo, goVersion, alpineVersion string) ([]string, error) {
	var env []string
	if goVersion != "" {
		env = append(env, "GO_VERSION="+goVersion)
	}
	if alpineVersion != "" {
		env = append(env, "ALPINE_VERSION="+alpineVersion)
	}
	out, err := d.ensureDocker(ctx, repo, "build-flags", env...)
	return strings.Fields(out), err
}

// RegistryImage asks scripts/ensure-docker.sh for the registry image to run
// (registry:3, or a stand-in where it cannot be pulled).
func (d Docker) RegistryImage(ctx context.Context, repo string) (string, error) {
	out, err := d.ensureDocker(ctx, repo, "registry-image")
	return strings.TrimSpace(out), err
}

// BuildKitImage makes sure the image of the shared builder's daemon is
// here (moby/buildkit, pinned, or a stand-in built from the BuildKit and
// runc Go modules where it cannot be pulled), and names it.
func (d Docker) BuildKitImage(ctx context.Context, repo string) (string, error) {
	if _, err := d.ensureDocker(ctx, repo, "buildkit"); err != nil {
		return "", err
	}
	out, err := d.ensureDocker(ctx, repo, "buildkit-image")
	return strings.TrimSpace(out), err
}

// ensureDocker runs scripts/ensure-docker.sh with one argument, for this
// CLI and the extra environment given, and returns what it printed.
func (d Docker) ensureDocker(ctx context.Context, repo, arg string, env ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(repo, "scripts", "ensure-docker.sh"), arg)
	cmd.Env = append(append(append(os.Environ(), d.Env...), "DOCKER="+d.bin()), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("scripts/ensure-docker.sh %s: %w: %s", arg, err, LastLine(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// SetUp runs scripts/ensure-docker.sh with one argument that makes sure an
// image is here ("registry", "buildkit", "sbom-scanner"): pulled, or a
// stand-in built where it cannot be.
func (d Docker) SetUp(ctx context.Context, repo, what string) error {
	_, err := d.ensureDocker(ctx, repo, what)
	return err
}

// SBOMScannerImage makes sure BuildKit's SBOM generator image is here
// (docker/buildkit-syft-scanner, or a stand-in built from the syft Go
// module where it cannot be pulled), and names it.
func (d Docker) SBOMScannerImage(ctx context.Context, repo string) (string, error) {
	if err := d.SetUp(ctx, repo, "sbom-scanner"); err != nil {
		return "", err
	}
	out, err := d.ensureDocker(ctx, repo, "sbom-scanner-image")
	return strings.TrimSpace(out), err
}
