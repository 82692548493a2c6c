// Package names holds what this project calls the things it makes in a
// Docker engine: labels, resource names and the pinned images the demos
// run. scripts/names.env defines them for make and the scripts; these are
// the same values for Go, and a unit test keeps the two equal.
package names

// Labels. make distclean removes whatever carries one of them.
const (
	// ProjectLabel marks every image the Makefile and ladder/ build, so
	// that make distclean finds them all, untagged ones included.
	ProjectLabel = "io.github.go-docker.ladder"
	// RegistryLabel marks the registry containers of make cache-demo and
	// make release, so that make distclean finds one a killed run left.
	RegistryLabel = "io.github.go-docker.registry"
	// SharedBuilderLabel marks the shared builder's containers, volumes
	// and networks.
	SharedBuilderLabel = "io.github.go-docker.shared-builder"
	// StandInLabel marks the stand-in images offline/setup.sh builds where
	// the official ones cannot be pulled.
	StandInLabel = "io.github.go-docker.stand-in"
	// BuiltLocallyLabel marks what earlier versions of this project built
	// locally (a Dockerfile frontend).
	BuiltLocallyLabel = "io.github.go-docker.built-locally"
)

// Names of resources.
const (
	// StandInPrefix names a stand-in: StandInPrefix + the official image.
	StandInPrefix = "go-docker-stand-in/"
	// SharedBuilder is the buildx builder of make shared-builder.
	SharedBuilder = "go-docker-shared"
	// RegistryContainer names make release's registry container:
	// RegistryContainer-PORT.
	RegistryContainer = "go-docker-registry"
	// CacheIDPrefix starts the id of every cache mount of the project's
	// Dockerfiles, and of the scoped ids a measurement gives them.
	CacheIDPrefix = "go-docker-"
)

// The images the demos run, pinned, and BuildKit's SBOM generator. Where
// one cannot be pulled, offline/setup.sh builds StandInPrefix + its name.
const (
	RegistryImage    = "registry:3"
	BuildKitImage    = "moby/buildkit:v0.34.2"
	SBOMScannerImage = "docker/buildkit-syft-scanner:stable-1"
)
