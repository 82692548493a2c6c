package release

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// verify checks the pushed release against what make release built from
// this checkout: its platforms, labels, SBOMs and provenance.
func (j job) verify(ctx context.Context, p *project.Project, w io.Writer) error {
	if j.Registry == "" {
		if err := j.checkRegistry(ctx, p); err != nil {
			return err
		}
	}
	want := Want{Version: j.Version, Platforms: j.platforms, Revision: j.Commit, Dockerfile: j.Dockerfile, AllowDirty: j.AllowDirty}
	var err error
	if want.Revision == "" {
		if want.Revision, err = head(ctx, p.Root); err != nil {
			return err
		}
	}
	if want.Modules, err = DirectModules(ctx, p.Root, j.Package, j.Tags); err != nil {
		return err
	}
	r, err := Inspect(ctx, p.Docker, j.ref())
	if err != nil {
		return err
	}
	s := j.signer()
	want.PublicKey = s.PublicKey
	if r.Unsigned, err = s.Verify(ctx, p.Root, j.ref(), r.Digest); err != nil {
		return err
	}
	lines, err := Verify(r, want)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(w, "verify-release: ok:", l)
	}
	fmt.Fprintf(w, "verify-release: %s (%s) passes\n", j.ref(), r.Digest)
	return nil
}

// head is the commit checked out in dir: what a provenance must name when
// no COMMIT is given.
func head(ctx context.Context, dir string) (string, error) {
	h, err := repo.Head(ctx, dir)
	if err != nil {
		return "", fmt.Errorf("%v: give the commit to expect, COMMIT=<hash>", err)
	}
	return h, nil
}

// Want is what a release must be to pass Verify.
type Want struct {
	Version    string
	Platforms  []string
	Modules    []Module // each must be in every platform's SBOM
	Revision   string   // the commit
	Dockerfile string
	// AllowDirty accepts a release built from a tree with uncommitted
	// changes, whose provenance names the commit with "-dirty" (make
	// release ALLOW_DIRTY=1). Without it such a release fails.
	AllowDirty bool
	// PublicKey: a signature by it must sign the index (Release.Unsigned
	// empty); it names the key in what Verify says.
	PublicKey string
}

// Verify checks a release against want. It returns one line per check
// passed, or an error that lists, in one line, every check that failed.
func Verify(r Release, want Want) ([]string, error) {
	var ok, bad []string
	if want.PublicKey != "" && r.Unsigned != "" {
		bad = append(bad, fmt.Sprintf("no signature by %s signs the index %s the tag points to (%s): another image was pushed under the tag, or the release was not signed with its key", want.PublicKey, r.Digest, r.Unsigned))
	}
	for _, name := range want.Platforms {
		if _, found := r.Platforms[name]; !found {
			bad = append(bad, fmt.Sprintf("%s is missing (the index has %s)", name, strings.Join(slices.Sorted(maps.Keys(r.Platforms)), ", ")))
		}
	}
	if len(bad) == 0 {
		ok = append(ok, fmt.Sprintf("platforms: %s", strings.Join(want.Platforms, ", ")))
	}
	for _, name := range want.Platforms {
		p, found := r.Platforms[name]
		if !found {
			continue
		}
		if got := p.Labels[VersionLabel]; got != want.Version {
			bad = append(bad, fmt.Sprintf("%s: label %s is %q, want %q", name, VersionLabel, got, want.Version))
		}
		switch {
		case p.SBOM == nil:
			bad = append(bad, name+": no SBOM attestation (build with --sbom=true, as make release does)")
		default:
			for _, m := range want.Modules {
				if !slices.Contains(p.SBOM[m.Path], m.Version) {
					got := "not listed"
					if vs := p.SBOM[m.Path]; len(vs) > 0 {
						got = "listed at " + strings.Join(vs, ", ")
					}
					bad = append(bad, fmt.Sprintf("%s: the SBOM lacks %s %s (%s)", name, m.Path, m.Version, got))
				}
			}
		}
		switch pr := p.Provenance; {
		case pr == nil:
			bad = append(bad, name+": no provenance attestation (build with --provenance=mode=max, as make release does)")
		default:
			if pr.Revision != want.Revision && !(want.AllowDirty && pr.Revision == want.Revision+"-dirty") {
				got := pr.Revision
				switch {
				case got == "":
					got = "no commit (built with BUILDX_GIT_INFO=0, or outside a git checkout)"
				case got == want.Revision+"-dirty":
					got += " (built from a tree with uncommitted changes; ALLOW_DIRTY=1 accepts it)"
				}
				bad = append(bad, fmt.Sprintf("%s: the provenance names %s, want commit %s", name, got, want.Revision))
			}
			if pr.Mode != "max" {
				bad = append(bad, name+": the provenance is mode=min, without the build's definition (build with --provenance=mode=max)")
			}
			if want.Dockerfile != "" && pr.Dockerfile != want.Dockerfile {
				bad = append(bad, fmt.Sprintf("%s: the provenance names Dockerfile %q, want %q", name, pr.Dockerfile, want.Dockerfile))
			}
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s fails verification: %s", r.Ref, strings.Join(bad, "; "))
	}
	mods := make([]string, len(want.Modules))
	for i, m := range want.Modules {
		mods[i] = m.Path + " " + m.Version
	}
	if want.PublicKey != "" {
		ok = append(ok, fmt.Sprintf("signature: the index %s is signed by %s (cosign, no transparency log)", r.Digest, want.PublicKey))
	}
	ok = append(ok,
		fmt.Sprintf("labels: %s=%s on every platform", VersionLabel, want.Version),
		fmt.Sprintf("SBOM of every platform lists %s", strings.Join(mods, ", ")),
		fmt.Sprintf("provenance (mode=max) of every platform names commit %s and %s", want.Revision, want.Dockerfile))
	if want.AllowDirty && slices.ContainsFunc(want.Platforms, func(p string) bool {
		return r.Platforms[p].Provenance.Revision == want.Revision+"-dirty"
	}) {
		ok = append(ok, "built from uncommitted changes (-dirty), accepted with ALLOW_DIRTY=1")
	}
	return ok, nil
}
