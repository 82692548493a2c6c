package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// Run makes the release o asks for (make release), or checks one that was
// pushed (make verify-release, o.Verify), in the project p opened. What
// it did goes to w, a line each; its error is one line that names the fix.
func Run(ctx context.Context, p *project.Project, o Options, w io.Writer) error {
	j, err := o.check()
	if err != nil {
		return err
	}
	if o.Verify {
		return j.verify(ctx, p, w)
	}
	return j.publish(ctx, p, w)
}

// publish checks that the release can be made and checked, builds and
// pushes it, and says how to check it.
func (j job) publish(ctx context.Context, p *project.Project, w io.Writer) error {
	bo, err := j.preflight(ctx, p)
	if err != nil {
		return err
	}
	if bo.Generator, err = p.SBOMScannerImage(ctx); err != nil {
		return err
	}
	s := j.signer()
	if err := s.EnsureKey(ctx, p.Root, w); err != nil {
		return err
	}
	if j.Registry == "" {
		addr, err := startRegistry(ctx, p, j.port)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "release: registry container %s on %s (make distclean removes it)\n", RegistryContainer(j.port), addr)
	}
	fmt.Fprintf(w, "release: building %s for %s, with an SBOM (%s) and provenance (mode=max)\n",
		j.Dockerfile, strings.Join(j.platforms, ", "), bo.Generator)
	if err := Build(ctx, p.Docker, bo, filepath.Join(p.Root, "out", "logs", "release.log")); err != nil {
		return err
	}
	r, err := Inspect(ctx, p.Docker, bo.Ref)
	if err != nil {
		return err
	}
	if err := s.Sign(ctx, p.Root, bo.Ref, r.Digest); err != nil {
		return err
	}
	j.report(w, bo, r)
	return nil
}

// preflight checks, before anything is built, what would make the release
// one that cannot be pushed or checked: uncommitted changes (unless
// allowed), a builder that cannot push an index with attestations, no
// commit to date it by. It returns the build to run.
func (j job) preflight(ctx context.Context, p *project.Project) (BuildOptions, error) {
	dirty, err := Dirty(ctx, p.Root)
	if err != nil {
		return BuildOptions{}, err
	}
	if dirty && !j.AllowDirty {
		return BuildOptions{}, errors.New("the checkout has uncommitted changes (git status), which the commit a provenance names does not hold: commit them, or make release ALLOW_DIRTY=1 to release it marked <commit>-dirty")
	}
	if err := canPushIndex(ctx, p.Docker, j.Registry != ""); err != nil {
		return BuildOptions{}, err
	}
	epoch, err := repo.CommitTime(ctx, p.Root)
	if err != nil {
		return BuildOptions{}, fmt.Errorf("a release is built from a git checkout, whose commit its provenance names: %v", err)
	}
	bo := BuildOptions{Root: p.Root, Dockerfile: j.Dockerfile, Ref: j.ref(), Version: j.Version,
		Platforms: j.platforms, SourceDateEpoch: epoch, BuildArgs: map[string]string{},
		ExtraFlags: strings.Fields(j.BuildFlags), Dirty: dirty}
	for arg, v := range map[string]string{"GO_VERSION": j.GoVersion, "ALPINE_VERSION": j.AlpineVersion} {
		if v != "" {
			bo.BuildArgs[arg] = v
		}
	}
	if j.Package != DefaultPackage {
		bo.BuildArgs["PACKAGE"] = j.Package
	}
	return bo, nil
}

// canPushIndex tells, in one line, why the current builder cannot push a
// multi-platform index with attestations, if it cannot: the engine's own
// builder (the docker driver) needs the containerd image store for both.
// Another builder (docker-container, remote) runs BuildKit elsewhere: its
// 127.0.0.1 is not this machine's, so it needs a REGISTRY.
func canPushIndex(ctx context.Context, d docker.Docker, registry bool) error {
	out, err := d.Output(ctx, "buildx", "inspect")
	if err != nil {
		return err
	}
	if !regexp.MustCompile(`(?m)^Driver:\s+docker\s*$`).MatchString(out) {
		if !registry {
			return errors.New("the current buildx builder is not the engine's own, and cannot reach the local registry container on 127.0.0.1: set REGISTRY=registry.example.com/you, or docker buildx use default")
		}
		return nil
	}
	info, err := d.Output(ctx, "info", "--format", "{{json .DriverStatus}}")
	if err != nil {
		return err
	}
	if strings.Contains(info, "io.containerd.snapshotter") {
		return nil
	}
	return errors.New("the engine's builder pushes several platforms with attestations only from the containerd image store: turn it on (Docker Desktop: Settings, General, containerd for pulling and storing images; Docker Engine: \"features\": {\"containerd-snapshotter\": true} in daemon.json), or use a docker-container builder with REGISTRY set")
}

// report says what was pushed, and how to check it.
func (j job) report(w io.Writer, bo BuildOptions, r Release) {
	fmt.Fprintf(w, "release: pushed %s\n", bo.Ref)
	fmt.Fprintf(w, "release:   index        %s\n", r.Digest)
	for _, p := range j.platforms {
		fmt.Fprintf(w, "release:   %-12s %s\n", p, r.Platforms[p].Digest)
	}
	fmt.Fprintf(w, "release:   signed with  %s (cosign; verify-release checks it with %s)\n", j.SigningKey, j.signer().PublicKey)
	if bo.Dirty {
		fmt.Fprintln(w, "release: warning: built with uncommitted changes (ALLOW_DIRTY=1): its provenance names the commit with -dirty, which make verify-release refuses without ALLOW_DIRTY=1")
	}
	fmt.Fprintf(w, "release: check it with %s\n", j.verifyCommand(bo.Dirty))
	if j.Registry == "" {
		fmt.Fprintf(w, "release: the engine keeps a copy tagged %s (make distclean removes it)\n", bo.Ref)
	}
}
