package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// A Release is what a registry holds under one reference, as
// `docker buildx imagetools inspect` reads it.
type Release struct {
	Ref       string
	Digest    string              // the index's
	Platforms map[string]Platform // by os/arch[/variant]
}

// Platform is one platform's image and what is attached to it.
type Platform struct {
	Digest string // the image manifest's: the same from any clone of a commit
	Labels map[string]string
	// SBOM: the packages of its SPDX document, name to versions; nil when
	// the release has no SBOM for this platform.
	SBOM map[string][]string
	// Provenance: nil when the release has none for this platform.
	Provenance *Provenance
}

// Provenance is what a SLSA provenance attestation says of the build.
type Provenance struct {
	Revision   string // the git commit (buildx adds "-dirty" to it for a changed tree)
	Source     string // the repository's remote, where buildx found one
	Dockerfile string
	Mode       string // "max" when it holds the build's full definition
}

// inspectFormat asks imagetools for everything in one call: the index,
// each platform's image config, and the attestations.
const inspectFormat = `{"manifest":{{json .Manifest}},"image":{{json .Image}},"sbom":{{json .SBOM}},"provenance":{{json .Provenance}}}`

// Inspect reads a release from its registry with the docker CLI's buildx,
// which uses the CLI's logins (docker login) for a real registry.
func Inspect(ctx context.Context, d docker.Docker, ref string) (Release, error) {
	out, err := d.Output(ctx, "buildx", "imagetools", "inspect", ref, "--format", inspectFormat)
	if err != nil {
		msg := docker.LastLine(err.Error())
		if strings.Contains(msg, "not found") {
			return Release{}, fmt.Errorf("%s: no such image in the registry: run make release with the same VERSION first", ref)
		}
		return Release{}, fmt.Errorf("%s: cannot read it: %s", ref, msg)
	}
	return Parse(ref, []byte(out))
}

// Parse reads the JSON of inspectFormat.
func Parse(ref string, data []byte) (Release, error) {
	var raw struct {
		Manifest struct {
			MediaType string `json:"mediaType"`
			Digest    string `json:"digest"`
			Manifests []struct {
				Digest   string `json:"digest"`
				Platform *struct {
					OS           string `json:"os"`
					Architecture string `json:"architecture"`
					Variant      string `json:"variant"`
				} `json:"platform"`
				Annotations map[string]string `json:"annotations"`
			} `json:"manifests"`
		} `json:"manifest"`
		Image      json.RawMessage `json:"image"`
		SBOM       json.RawMessage `json:"sbom"`
		Provenance json.RawMessage `json:"provenance"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Release{}, fmt.Errorf("%s: reading imagetools inspect: %w", ref, err)
	}
	if !strings.Contains(raw.Manifest.MediaType, "index") && !strings.Contains(raw.Manifest.MediaType, "manifest.list") {
		return Release{}, fmt.Errorf("%s is a single image (%s), not a multi-platform index: build it with make release", ref, raw.Manifest.MediaType)
	}
	r := Release{Ref: ref, Digest: raw.Manifest.Digest, Platforms: map[string]Platform{}}
	for _, m := range raw.Manifest.Manifests {
		// Attestation manifests are listed as unknown/unknown.
		if m.Platform == nil || m.Platform.OS == "unknown" || m.Annotations["vnd.docker.reference.type"] != "" {
			continue
		}
		name := m.Platform.OS + "/" + m.Platform.Architecture
		if m.Platform.Variant != "" {
			name += "/" + m.Platform.Variant
		}
		r.Platforms[name] = Platform{Digest: m.Digest}
	}
	// With one platform in the index, imagetools gives its image config and
	// attestations as they are, not in maps keyed by platform.
	var single string
	if len(r.Platforms) == 1 {
		for name := range r.Platforms {
			single = name
		}
	}
	images, err := byPlatform(raw.Image, single, "architecture")
	if err != nil {
		return Release{}, fmt.Errorf("%s: reading the image configs: %w", ref, err)
	}
	sboms, err := byPlatform(raw.SBOM, single, "SPDX")
	if err != nil {
		return Release{}, fmt.Errorf("%s: reading the SBOMs: %w", ref, err)
	}
	provs, err := byPlatform(raw.Provenance, single, "SLSA")
	if err != nil {
		return Release{}, fmt.Errorf("%s: reading the provenance: %w", ref, err)
	}
	for name, p := range r.Platforms {
		var image struct {
			Config struct {
				Labels map[string]string `json:"Labels"`
			} `json:"config"`
		}
		if c, ok := images[name]; ok {
			if err := json.Unmarshal(c, &image); err != nil {
				return Release{}, fmt.Errorf("%s: the image config of %s: %w", ref, name, err)
			}
		}
		p.Labels = image.Config.Labels
		if s, ok := sboms[name]; ok {
			pkgs, err := parseSBOM(s)
			if err != nil {
				return Release{}, fmt.Errorf("%s: the SBOM of %s: %w", ref, name, err)
			}
			p.SBOM = pkgs
		}
		if s, ok := provs[name]; ok {
			prov, err := parseProvenance(s)
			if err != nil {
				return Release{}, fmt.Errorf("%s: the provenance of %s: %w", ref, name, err)
			}
			p.Provenance = prov
		}
		r.Platforms[name] = p
	}
	return r, nil
}

// byPlatform reads imagetools' map of platform to value; with a single
// platform, a value that has the key marker is that platform's alone.
func byPlatform(data json.RawMessage, single, marker string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if len(data) == 0 || string(data) == "null" {
		return m, nil
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if _, ok := m[marker]; ok && single != "" {
		return map[string]json.RawMessage{single: data}, nil
	}
	return m, nil
}

// parseSBOM reads the packages of an SPDX document ({"SPDX": {...}}).
func parseSBOM(data json.RawMessage) (map[string][]string, error) {
	var s struct {
		SPDX *struct {
			Packages []struct {
				Name        string `json:"name"`
				VersionInfo string `json:"versionInfo"`
			} `json:"packages"`
		} `json:"SPDX"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.SPDX == nil {
		return nil, nil
	}
	pkgs := map[string][]string{}
	for _, p := range s.SPDX.Packages {
		pkgs[p.Name] = append(pkgs[p.Name], p.VersionInfo)
	}
	return pkgs, nil
}

// parseProvenance reads a SLSA provenance ({"SLSA": {...}}), in either
// format BuildKit writes: v1 (buildDefinition, runDetails) or v0.2
// (invocation, metadata).
func parseProvenance(data json.RawMessage) (*Provenance, error) {
	type vcs struct {
		Revision string `json:"revision"`
		Source   string `json:"source"`
	}
	var s struct {
		SLSA *struct {
			// v1
			BuildDefinition *struct {
				ExternalParameters struct {
					ConfigSource struct {
						Path string `json:"path"`
					} `json:"configSource"`
				} `json:"externalParameters"`
				InternalParameters struct {
					BuildConfig json.RawMessage `json:"buildConfig"`
				} `json:"internalParameters"`
			} `json:"buildDefinition"`
			RunDetails *struct {
				Metadata struct {
					BuildKit struct {
						VCS vcs `json:"vcs"`
					} `json:"buildkit_metadata"`
				} `json:"metadata"`
			} `json:"runDetails"`
			// v0.2
			Invocation *struct {
				ConfigSource struct {
					EntryPoint string `json:"entryPoint"`
				} `json:"configSource"`
			} `json:"invocation"`
			BuildConfig json.RawMessage `json:"buildConfig"`
			Metadata    *struct {
				BuildKit struct {
					VCS vcs `json:"vcs"`
				} `json:"https://mobyproject.org/buildkit@v1#metadata"`
			} `json:"metadata"`
		} `json:"SLSA"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.SLSA == nil {
		return nil, nil
	}
	p := &Provenance{Mode: "min"}
	switch {
	case s.SLSA.BuildDefinition != nil:
		p.Dockerfile = s.SLSA.BuildDefinition.ExternalParameters.ConfigSource.Path
		if len(s.SLSA.BuildDefinition.InternalParameters.BuildConfig) > 0 {
			p.Mode = "max"
		}
		if s.SLSA.RunDetails != nil {
			p.Revision = s.SLSA.RunDetails.Metadata.BuildKit.VCS.Revision
			p.Source = s.SLSA.RunDetails.Metadata.BuildKit.VCS.Source
		}
	case s.SLSA.Invocation != nil:
		p.Dockerfile = s.SLSA.Invocation.ConfigSource.EntryPoint
		if len(s.SLSA.BuildConfig) > 0 {
			p.Mode = "max"
		}
		if s.SLSA.Metadata != nil {
			p.Revision = s.SLSA.Metadata.BuildKit.VCS.Revision
			p.Source = s.SLSA.Metadata.BuildKit.VCS.Source
		}
	default:
		return nil, errors.New("neither SLSA v1 nor v0.2")
	}
	return p, nil
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
}

// Verify checks a release against want. It returns one line per check
// passed, or an error that lists, in one line, every check that failed.
func Verify(r Release, want Want) ([]string, error) {
	var ok, bad []string
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
