package cilocal

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/project"
	"github.com/go-docker/go-docker/ladder/internal/sharedbuilder"
)

// HostVars are the repository variables that let the workflow's
// docker-container builder work under a local runner; on hosted runners
// they are unset, and the workflow's defaults hold.
//   - BUILDX_DRIVER_OPTS: the builder shares the host's network, to reach
//     act's cache server on 127.0.0.1, and runs the BuildKit image this
//     engine has (BUILDKIT_IMAGE, or its stand-in) instead of pulling one;
//   - BUILD_CONTEXTS: where the base images are only stand-ins in this
//     engine, each as an OCI layout saved under dir, which the client
//     sends to the builder (it cannot read the engine's images).
func HostVars(ctx context.Context, p *project.Project, dir string) (map[string]string, error) {
	image, err := p.BuildKitImage(ctx)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{"BUILDX_DRIVER_OPTS": "network=host\nimage=" + image}
	if !p.Docker.StandInBases() {
		return vars, nil
	}
	flags, err := sharedbuilder.OCILayoutFlags(ctx, p.Docker, p.Docker.BaseFlags, filepath.Join(dir, "bases"))
	if err != nil {
		return nil, err
	}
	var contexts []string
	for i, f := range flags {
		if i > 0 && flags[i-1] == "--build-context" {
			contexts = append(contexts, f)
		}
	}
	vars["BUILD_CONTEXTS"] = strings.Join(contexts, "\n")
	return vars, nil
}
