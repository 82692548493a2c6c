package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// A Release is what a registry holds under one reference, as
// `docker buildx imagetools inspect` reads it.
type Release struct {
	Ref       string
	Digest    string              // the index's
	Platforms map[string]Platform // by os/arch[/variant]
	// Unsigned says why no signature by the release's public key signs
	// the index ("no signatures found"); empty when one does.
	Unsigned string
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

// inspectOutput is the JSON of inspectFormat.
type inspectOutput struct {
	Manifest struct {
		MediaType string          `json:"mediaType"`
		Digest    string          `json:"digest"`
		Manifests []indexManifest `json:"manifests"`
	} `json:"manifest"`
	Image      json.RawMessage `json:"image"`
	SBOM       json.RawMessage `json:"sbom"`
	Provenance json.RawMessage `json:"provenance"`
}

// indexManifest is one entry of an image index.
type indexManifest struct {
	Digest   string `json:"digest"`
	Platform *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
		Variant      string `json:"variant"`
	} `json:"platform"`
	Annotations map[string]string `json:"annotations"`
}

// Parse reads the JSON of inspectFormat: the index's platform images,
// then what is attached to each.
func Parse(ref string, data []byte) (Release, error) {
	var raw inspectOutput
	if err := json.Unmarshal(data, &raw); err != nil {
		return Release{}, fmt.Errorf("%s: reading imagetools inspect: %w", ref, err)
	}
	if !strings.Contains(raw.Manifest.MediaType, "index") && !strings.Contains(raw.Manifest.MediaType, "manifest.list") {
		return Release{}, fmt.Errorf("%s is a single image (%s), not a multi-platform index: build it with make release", ref, raw.Manifest.MediaType)
	}
	r := Release{Ref: ref, Digest: raw.Manifest.Digest, Platforms: platforms(raw.Manifest.Manifests)}
	att, err := readAttachments(raw, r.Platforms)
	if err != nil {
		return Release{}, fmt.Errorf("%s: %w", ref, err)
	}
	for name, p := range r.Platforms {
		if p, err = att.attach(name, p); err != nil {
			return Release{}, fmt.Errorf("%s: %w", ref, err)
		}
		r.Platforms[name] = p
	}
	return r, nil
}

// platforms are the index's images by os/arch[/variant], without the
// attestation manifests, which are listed as unknown/unknown.
func platforms(ms []indexManifest) map[string]Platform {
	ps := map[string]Platform{}
	for _, m := range ms {
		if m.Platform == nil || m.Platform.OS == "unknown" || m.Annotations["vnd.docker.reference.type"] != "" {
			continue
		}
		name := m.Platform.OS + "/" + m.Platform.Architecture
		if m.Platform.Variant != "" {
			name += "/" + m.Platform.Variant
		}
		ps[name] = Platform{Digest: m.Digest}
	}
	return ps
}

// attachments are the image configs, SBOMs and provenance, by platform.
type attachments struct{ images, sboms, provs map[string]json.RawMessage }

// readAttachments reads them from imagetools' output. With one platform
// in the index, imagetools gives its image config and attestations as
// they are, not in maps keyed by platform.
func readAttachments(raw inspectOutput, ps map[string]Platform) (attachments, error) {
	var single string
	if len(ps) == 1 {
		for name := range ps {
			single = name
		}
	}
	var a attachments
	var err error
	if a.images, err = byPlatform(raw.Image, single, "architecture"); err != nil {
		return a, fmt.Errorf("reading the image configs: %w", err)
	}
	if a.sboms, err = byPlatform(raw.SBOM, single, "SPDX"); err != nil {
		return a, fmt.Errorf("reading the SBOMs: %w", err)
	}
	if a.provs, err = byPlatform(raw.Provenance, single, "SLSA"); err != nil {
		return a, fmt.Errorf("reading the provenance: %w", err)
	}
	return a, nil
}

// attach gives platform name its labels, SBOM and provenance.
func (a attachments) attach(name string, p Platform) (Platform, error) {
	var image struct {
		Config struct {
			Labels map[string]string `json:"Labels"`
		} `json:"config"`
	}
	if c, ok := a.images[name]; ok {
		if err := json.Unmarshal(c, &image); err != nil {
			return p, fmt.Errorf("the image config of %s: %w", name, err)
		}
	}
	p.Labels = image.Config.Labels
	var err error
	if s, ok := a.sboms[name]; ok {
		if p.SBOM, err = parseSBOM(s); err != nil {
			return p, fmt.Errorf("the SBOM of %s: %w", name, err)
		}
	}
	if s, ok := a.provs[name]; ok {
		if p.Provenance, err = parseProvenance(s); err != nil {
			return p, fmt.Errorf("the provenance of %s: %w", name, err)
		}
	}
	return p, nil
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
