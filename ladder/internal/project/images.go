package project

import (
	"context"
	"fmt"

	"github.com/go-docker/go-docker/ladder/internal/names"
)

// The images the demos run. Each is the official one when the engine has
// it, else the stand-in offline/setup.sh built under names.StandInPrefix.
// Go never pulls or builds them: the make target that runs a command
// depends on the setup target named in the error.

// RegistryImage is the registry the cache demo and make release run.
func (p *Project) RegistryImage(ctx context.Context) (string, error) {
	return p.image(ctx, names.RegistryImage, "setup-registry")
}

// BuildKitImage is the daemon of the shared builder.
func (p *Project) BuildKitImage(ctx context.Context) (string, error) {
	return p.image(ctx, names.BuildKitImage, "setup-buildkit")
}

// SBOMScannerImage is BuildKit's SBOM generator, which make release runs;
// its stand-in is built from offline/sbom-scanner.
func (p *Project) SBOMScannerImage(ctx context.Context) (string, error) {
	return p.image(ctx, names.SBOMScannerImage, "setup-sbom-scanner")
}

// image is official, or its stand-in, whichever `docker image inspect`
// finds first; neither is an error of one line that names the make target
// that sets it up.
func (p *Project) image(ctx context.Context, official, setup string) (string, error) {
	for _, ref := range []string{official, names.StandInPrefix + official} {
		if _, err := p.Docker.Output(ctx, "image", "inspect", "--format", "{{.Id}}", ref); err == nil {
			return ref, nil
		}
	}
	return "", fmt.Errorf("%s is not here: run make %s", official, setup)
}
