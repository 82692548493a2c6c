package cachedemo

import (
	"context"
	"os"
	"path/filepath"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/repo"
	"github.com/go-docker/go-docker/ladder/internal/sharedbuilder"
)

// SharedBuilderMode names the third mode: no cache export at all, one
// BuildKit daemon that every client builds on.
const SharedBuilderMode = "shared-builder"

// SharedBuilder is what the shared-builder mode recorded besides its row.
type SharedBuilder struct {
	Image    string `json:"image"`    // what ran buildkitd
	Endpoint string `json:"endpoint"` // tcp://127.0.0.1:port: loopback only
	// Real connection attempts to the daemon: a TLS handshake, then the
	// HTTP/2 preface a gRPC client sends. The client with the CA's
	// certificate must get in, or the refusals would prove nothing.
	AcceptedClientCert       bool   `json:"accepted_client_cert"`
	RefusedWithoutClientCert bool   `json:"refused_without_client_cert"`
	RefusedOtherCA           bool   `json:"refused_other_ca"`
	WithoutClientCertError   string `json:"without_client_cert_error"`
	OtherCAError             string `json:"other_ca_error"`
	// Client B's edit rebuild with --load (the image travels back to the
	// engine as a tarball) and, after another edit, pushed to the registry
	// instead; each with the part BuildKit spent exporting.
	EditLoadS    float64 `json:"edit_load_s"`
	LoadExportS  float64 `json:"load_export_s"`
	EditPushS    float64 `json:"edit_push_s"`
	PushExportS  float64 `json:"push_export_s"`
	PushedRef    string  `json:"pushed_ref"`
	PushedBytes  int64   `json:"pushed_bytes"`
	ClientsBuilt int     `json:"clients"` // DOCKER_CONFIG folders that built: A and B
}

// sharedBuilder measures the third mode. Client A builds the rung cold on
// a new shared daemon; client B, with a DOCKER_CONFIG and buildx state of
// its own that never built, rebuilds it unchanged, then after an edit.
// The row's "empty builder" columns are client B's: a client that is
// new, on a builder that is not.
func (s *demo) sharedBuilder(ctx context.Context, tmp string) (Mode, *SharedBuilder, error) {
	m := Mode{Name: SharedBuilderMode}
	certs := filepath.Join(tmp, "certs")
	if err := sharedbuilder.WriteCerts(certs); err != nil {
		return m, nil, err
	}
	daemon, stop, err := s.startDaemon(ctx, certs)
	defer stop()
	if err != nil {
		return m, nil, err
	}
	sb := &SharedBuilder{Image: s.buildkitImage, Endpoint: daemon.Endpoint()}
	m.CacheRef = sb.Endpoint
	s.say("%s: buildkitd (%s) on %s, mutual TLS", m.Name, sb.Image, sb.Endpoint)
	if err := s.probe(ctx, daemon, certs, sb); err != nil {
		return m, sb, err
	}
	a, b, err := s.newClients(ctx, daemon, certs, tmp)
	if err != nil {
		return m, sb, err
	}
	sb.ClientsBuilt = 2
	if err := s.sharedColdAndNoop(ctx, a, b, &m); err != nil {
		return m, sb, err
	}
	if err := s.sharedEdits(ctx, b, &m, sb); err != nil {
		return m, sb, err
	}
	return m, sb, os.WriteFile(s.main, s.original, 0o644)
}

// startDaemon runs the shared daemon, with the certificates in certs, on a
// network of its own that the registry joins, so the daemon can push to it
// by name. stop undoes what was done, in reverse order: call it even when
// startDaemon fails.
func (s *demo) startDaemon(ctx context.Context, certs string) (daemon *sharedbuilder.Daemon, stop func(), err error) {
	var undo []func()
	stop = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	network := "go-docker-demo" + s.runID
	if _, err := s.d.Output(ctx, "network", "create", "--label", names.SharedBuilderLabel+"=true", network); err != nil {
		return nil, stop, err
	}
	undo = append(undo, func() { s.d.Output(context.Background(), "network", "rm", network) })
	if _, err := s.d.Output(ctx, "network", "connect", "--alias", "registry", network, s.reg.Container); err != nil {
		return nil, stop, err
	}
	undo = append(undo, func() { s.d.Output(context.Background(), "network", "disconnect", "-f", network, s.reg.Container) })
	daemon, err = sharedbuilder.Start(ctx, s.d, sharedbuilder.Options{Name: network + "-buildkitd", Image: s.buildkitImage,
		CertDir: certs, Network: network, HTTPRegistries: []string{"registry:5000"}})
	if err != nil {
		return nil, stop, err
	}
	undo = append(undo, daemon.Stop)
	return daemon, stop, nil
}

// newClients are clients A and B: each a Docker client of its own with a
// builder on the daemon. The stand-in bases, if any, go to the daemon
// through the build session.
func (s *demo) newClients(ctx context.Context, daemon *sharedbuilder.Daemon, certs, tmp string) (a, b docker.Docker, err error) {
	d := s.d
	if d.BaseFlags, err = sharedbuilder.OCILayoutFlags(ctx, s.d, s.d.BaseFlags, filepath.Join(tmp, "bases")); err != nil {
		return a, b, err
	}
	files := sharedbuilder.CertFiles(certs)
	if a, err = sharedbuilder.NewClient(ctx, d, filepath.Join(tmp, "client-a"), "go-docker-a", daemon, files); err != nil {
		return a, b, err
	}
	b, err = sharedbuilder.NewClient(ctx, d, filepath.Join(tmp, "client-b"), "go-docker-b", daemon, files)
	return a, b, err
}

// on are the flags that build on a client's builder.
func on(builder string) []string { return []string{"--builder", builder} }

// sharedColdAndNoop: client A builds the unedited rung cold; client B,
// new, rebuilds it unchanged.
func (s *demo) sharedColdAndNoop(ctx context.Context, a, b docker.Docker, m *Mode) error {
	if err := os.WriteFile(s.main, s.original, 0o644); err != nil {
		return err
	}
	cold, err := s.buildOn(ctx, a, m.Name, "client-a-cold", docker.BuildOptions{Tag: s.local, NoCache: true, ExtraFlags: on("go-docker-a")})
	if err != nil {
		return err
	}
	m.ColdS = cold.Duration.Seconds()
	s.dropLocal()
	noop, err := s.buildOn(ctx, b, m.Name, "client-b-noop", docker.BuildOptions{Tag: s.local, ExtraFlags: on("go-docker-b")})
	if err != nil {
		return err
	}
	m.EmptyBuilderNoopS = noop.Duration.Seconds()
	m.NoopSteps.Ran, m.NoopSteps.Cached = noop.Ran()
	s.dropLocal()
	return nil
}

// sharedEdits: client B rebuilds after an edit with --load, then, after
// another edit, pushing to the registry instead of loading.
func (s *demo) sharedEdits(ctx context.Context, b docker.Docker, m *Mode, sb *SharedBuilder) error {
	if err := repo.EditGreeting(s.main, "cache demo shared builder load "+s.runID); err != nil {
		return err
	}
	edit, err := s.buildOn(ctx, b, m.Name, "client-b-edit", docker.BuildOptions{Tag: s.local, ExtraFlags: on("go-docker-b")})
	if err != nil {
		return err
	}
	m.EmptyBuilderEditS = edit.Duration.Seconds()
	m.StepsRunAfterEdit, m.StepsCachedAfterEdit = edit.Ran()
	if st, ok := edit.Find("go build"); ok {
		m.PackagesCompiledAfterEdit = len(st.Packages())
	}
	sb.EditLoadS, sb.LoadExportS = m.EmptyBuilderEditS, edit.Breakdown(m.EmptyBuilderEditS).Export
	s.dropLocal()

	if err := repo.EditGreeting(s.main, "cache demo shared builder push "+s.runID); err != nil {
		return err
	}
	tag := "shared-" + s.runID
	sb.PushedRef = "registry:5000/" + s.rung.Image("go-docker-") + ":" + tag
	push, err := s.buildOn(ctx, b, m.Name, "client-b-edit-push", docker.BuildOptions{
		Output: "type=image,name=" + sb.PushedRef + ",push=true", ExtraFlags: on("go-docker-b")})
	if err != nil {
		return err
	}
	sb.EditPushS, sb.PushExportS = push.Duration.Seconds(), push.Breakdown(push.Duration.Seconds()).Export
	if sb.PushedBytes, err = s.reg.Bytes(ctx, s.rung.Image("go-docker-"), tag); err != nil {
		return err
	}
	s.say("%s: client B after an edit: %.1f s with --load, %.1f s pushing %s", m.Name, sb.EditLoadS, sb.EditPushS, docker.HumanSize(sb.PushedBytes))
	return nil
}

// probe makes the three real connection attempts SharedBuilder records.
func (s *demo) probe(ctx context.Context, daemon *sharedbuilder.Daemon, certs string, sb *SharedBuilder) error {
	good, err := sharedbuilder.LoadClient(certs)
	if err != nil {
		return err
	}
	stranger, err := sharedbuilder.StrangerCert()
	if err != nil {
		return err
	}
	sb.AcceptedClientCert = sharedbuilder.Probe(ctx, daemon.Addr, good) == nil
	noCert := sharedbuilder.Probe(ctx, daemon.Addr, sharedbuilder.ClientTLS{CA: good.CA})
	sb.RefusedWithoutClientCert = noCert != nil && sharedbuilder.Refused(noCert)
	other := sharedbuilder.Probe(ctx, daemon.Addr, sharedbuilder.ClientTLS{CA: good.CA, Cert: stranger})
	sb.RefusedOtherCA = other != nil && sharedbuilder.Refused(other)
	if noCert != nil {
		sb.WithoutClientCertError = noCert.Error()
	}
	if other != nil {
		sb.OtherCAError = other.Error()
	}
	s.say("%s: client certificate accepted: %v; without one refused: %v (%s); another CA's refused: %v (%s)", SharedBuilderMode,
		sb.AcceptedClientCert, sb.RefusedWithoutClientCert, sb.WithoutClientCertError, sb.RefusedOtherCA, sb.OtherCAError)
	return nil
}

// dropLocal removes the image a --load put into the engine, so the next
// load leaves no untagged one behind.
func (s *demo) dropLocal() {
	s.d.Output(context.Background(), "image", "rm", "-f", s.local)
}
