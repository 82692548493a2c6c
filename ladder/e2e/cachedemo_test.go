//go:build e2e

package e2e

// Beyond one machine: make cache-demo shares the layer cache through a
// registry, and shows what does not travel with it; then a shared
// builder, which carries the cache mounts too.

import (
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	"github.com/go-docker/go-docker/ladder/internal/names"
)

func TestCacheDemoReusesLayersFromTheRegistry(t *testing.T) {
	ctx := engine(t)
	registriesBefore := dockerList(t, ctx, "ps", "-aq", "--no-trunc", "--filter", "label="+names.RegistryLabel)
	shared := func() map[string]bool {
		set := map[string]bool{}
		for kind, args := range map[string][]string{"container": {"ps", "-aq"}, "volume": {"volume", "ls", "-q"}, "network": {"network", "ls", "-q"}} {
			for k := range dockerList(t, ctx, append(args, "--filter", "label="+names.SharedBuilderLabel)...) {
				set[kind+" "+k] = true
			}
		}
		return set
	}
	sharedBefore := shared()
	demo, err := cachedemo.Run(ctx, proj, logDir(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(demo.Modes) != 3 || demo.Modes[0].Name != "inline" || demo.Modes[1].Name != "registry-max" || demo.Modes[2].Name != cachedemo.SharedBuilderMode {
		t.Fatalf("modes: got %+v, want inline, registry-max and shared-builder", demo.Modes)
	}
	for _, m := range demo.Modes[:2] {
		t.Run(m.Name, func(t *testing.T) {
			// On an empty builder, --cache-from the registry answered every
			// instruction: all steps CACHED, nothing ran.
			if !m.ImportedFromRegistry {
				t.Error("empty-builder build: no 'importing cache manifest from' the registry in its log")
			}
			if m.NoopSteps.Ran != 0 || m.NoopSteps.Cached == 0 {
				t.Errorf("empty-builder build: %d steps ran and %d were CACHED, want 0 ran and some CACHED", m.NoopSteps.Ran, m.NoopSteps.Cached)
			}
			if m.CacheBytes <= 0 {
				t.Errorf("cache bytes in the registry: got %d, want some", m.CacheBytes)
			}
			// What did not travel: the cache mounts. After an edit on an
			// empty builder, go build compiled gin and the rest again.
			if m.PackagesCompiledAfterEdit < 10 {
				t.Errorf("packages compiled after an edit on an empty builder: got %d, want all of them (the GOCACHE mount does not travel)", m.PackagesCompiledAfterEdit)
			}
		})
	}
	// mode=max carries the build stage's layers too: more steps come back
	// CACHED after an edit than with the inline cache, which holds only the
	// image's own.
	if in, max := demo.Modes[0], demo.Modes[1]; max.StepsCachedAfterEdit < in.StepsCachedAfterEdit {
		t.Errorf("steps CACHED after an edit: registry-max %d, inline %d; want max at least as many", max.StepsCachedAfterEdit, in.StepsCachedAfterEdit)
	}
	t.Run(cachedemo.SharedBuilderMode, func(t *testing.T) { checkSharedBuilder(t, demo) })
	// The demo's registry container is gone (one an earlier, killed run
	// left behind is not this run's).
	if left := added(registriesBefore, dockerList(t, ctx, "ps", "-aq", "--no-trunc", "--filter", "label="+names.RegistryLabel)); len(left) > 0 {
		t.Errorf("registry containers left behind: %v", left)
	}
	// So is the shared builder: its daemon, state volume and network.
	if left := added(sharedBefore, shared()); len(left) > 0 {
		t.Errorf("shared-builder containers, volumes or networks left behind: %v", left)
	}
}

// checkSharedBuilder: client B, a new client of a builder client A had
// warmed, compiled only the edited package after an edit, found every
// step CACHED with nothing changed, and the daemon let in only a client
// whose certificate its CA signed, in real connection attempts.
func checkSharedBuilder(t *testing.T, demo cachedemo.Report) {
	m, sb := demo.Modes[2], demo.SharedBuilder
	if sb == nil {
		t.Fatal("no shared_builder record in the report")
	}
	if m.NoopSteps.Ran != 0 || m.NoopSteps.Cached == 0 {
		t.Errorf("client B, nothing changed: %d steps ran and %d were CACHED, want 0 ran", m.NoopSteps.Ran, m.NoopSteps.Cached)
	}
	if m.PackagesCompiledAfterEdit < 1 || m.PackagesCompiledAfterEdit > 3 {
		t.Errorf("client B after an edit: go build -v listed %d packages, want the edited one (at most 3): the GOCACHE mount is the daemon's", m.PackagesCompiledAfterEdit)
	}
	if !sb.AcceptedClientCert {
		t.Error("the daemon refused a client with the CA's certificate: the refusals would prove nothing")
	}
	if !sb.RefusedWithoutClientCert {
		t.Errorf("a client without a certificate was not refused in the TLS handshake (error: %q)", sb.WithoutClientCertError)
	}
	if !sb.RefusedOtherCA {
		t.Errorf("a client whose certificate another CA signed was not refused in the TLS handshake (error: %q)", sb.OtherCAError)
	}
	if !strings.HasPrefix(sb.Endpoint, "tcp://127.0.0.1:") {
		t.Errorf("endpoint %q: want the loopback interface only", sb.Endpoint)
	}
	if sb.PushedBytes <= 0 {
		t.Errorf("client B's push: %d bytes in the registry for %s, want the image", sb.PushedBytes, sb.PushedRef)
	}
}
