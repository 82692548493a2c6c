//go:build e2e

package e2e

// Tests that need one kind of image store, and skips that CI turns into
// failures: a test that cannot run where CI=true must say so loudly, or a
// CI engine of the other kind would silently lose its coverage.

import (
	"context"
	"os"
	"strings"
	"testing"
)

// containerdStore reports whether the engine keeps images in the containerd
// image store (Docker Desktop and fresh Engine 29 installs) rather than the
// classic one.
func containerdStore(ctx context.Context) (bool, error) {
	out, err := docker.Output(ctx, "info", "--format", "{{json .DriverStatus}}")
	if err != nil {
		return false, err
	}
	return strings.Contains(out, "io.containerd.snapshotter"), nil
}

// requireContainerdStore skips the test on the classic image store, saying
// why, or fails it there under CI=true.
func requireContainerdStore(t *testing.T, why string) {
	t.Helper()
	containerd, err := containerdStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !containerd {
		skipOrFailInCI(t, "needs the containerd image store: "+why)
	}
}

// skipOrFailInCI skips the test, or fails it under CI=true, where every
// test must run.
func skipOrFailInCI(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true, where every test must run, and this one cannot: %s", reason)
	}
	t.Skip(reason)
}
