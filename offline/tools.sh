# tools.sh: stand-ins for the images the demos run: the registry (make
# cache-demo, make release), BuildKit (make shared-builder, make
# cache-demo) and BuildKit's SBOM generator (make release). Sourced by
# setup.sh. Each is built only when the official image (pinned in
# scripts/names.env) is neither here nor pullable.

ensure_registry() {
	local image=$REGISTRY_IMAGE
	ready "$image" && return 0
	need_go "$image"
	workdir
	mkdir -p "$work/registry"
	say "$image cannot be pulled: building the stand-in $STAND_IN_PREFIX$image from github.com/distribution/distribution/v3 $DISTRIBUTION_VERSION"
	# The official binary's main (cmd/registry) less its cloud storage
	# drivers (Azure, GCS, S3 and the CloudFront middleware): the
	# configuration below stores on the filesystem, and their SDKs are 400
	# of its 1,000 packages, a minute of compiling on 2 cores.
	local src
	src=$(module_src "github.com/distribution/distribution/v3@$DISTRIBUTION_VERSION" 2>"$work/registry.log") &&
		mkdir -p "$src/cmd/go-docker-registry" &&
		cat >"$src/cmd/go-docker-registry/main.go" <<'GO' &&
package main

import (
	_ "net/http/pprof"

	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/auth/silly"
	_ "github.com/distribution/distribution/v3/registry/auth/token"
	_ "github.com/distribution/distribution/v3/registry/proxy"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/middleware/redirect"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/middleware/rewrite"
)

func main() {
	registry.RootCmd.Execute()
}
GO
		CGO_ENABLED=0 src_build "$src" "$work/registry/registry" ./cmd/go-docker-registry >>"$work/registry.log" 2>&1 ||
		die "could not build the registry ($(tail -n 1 "$work/registry.log")); make $image pullable and retry"
	# The configuration the official image ships.
	cat >"$work/registry/config.yml" <<'YAML'
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
YAML
	cat >"$work/registry/Dockerfile" <<DOCKERFILE
FROM scratch
COPY registry /bin/registry
COPY config.yml /etc/distribution/config.yml
LABEL $STAND_IN_LABEL="true"
LABEL org.opencontainers.image.description="Stand-in for $image: the CNCF Distribution registry $DISTRIBUTION_VERSION (filesystem and in-memory storage drivers only), built by offline/setup.sh"
VOLUME /var/lib/registry
EXPOSE 5000
ENTRYPOINT ["/bin/registry"]
CMD ["serve", "/etc/distribution/config.yml"]
DOCKERFILE
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" "$work/registry" >/dev/null 2>"$work/registry-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/registry-build.log"))"
}

# The BuildKit daemon of the shared builder (make shared-builder, make
# cache-demo): the official image, pinned, or a stand-in.

ensure_buildkit() {
	local image=$BUILDKIT_IMAGE src
	# A stand-in without buildctl (made before buildx's docker-container
	# builders were run on it: they check readiness with it) is made again.
	if ! usable "$image" && have_image "$STAND_IN_PREFIX$image" &&
		! "$DOCKER" run --rm --entrypoint buildctl "$STAND_IN_PREFIX$image" --version >/dev/null 2>&1; then
		"$DOCKER" rmi "$STAND_IN_PREFIX$image" >/dev/null || die "the stand-in $STAND_IN_PREFIX$image lacks buildctl and could not be removed: docker rmi it and retry"
	fi
	ready "$image" && return 0
	need_go "$image"
	[ "$(uname -s)" = Linux ] && command -v "${CC:-gcc}" >/dev/null 2>&1 ||
		die "$image cannot be pulled, and a stand-in needs Linux and a C compiler (for runc): make it pullable and retry"
	fetch_busybox "$image"
	local dir="$work/buildkit"
	stand_in_context "$dir"
	say "$image cannot be pulled: building the stand-in $STAND_IN_PREFIX$image from github.com/moby/buildkit $BUILDKIT_VERSION and github.com/opencontainers/runc $RUNC_VERSION (a few minutes, once)"
	local x="-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION"
	{ src=$(module_src "github.com/moby/buildkit@$BUILDKIT_VERSION") &&
		CGO_ENABLED=0 src_build "$src" "$dir/buildkitd" ./cmd/buildkitd -ldflags "$x" &&
		CGO_ENABLED=0 src_build "$src" "$dir/buildctl" ./cmd/buildctl -ldflags "$x"; } >"$work/buildkitd.log" 2>&1 ||
		die "could not build buildkitd ($(tail -n 1 "$work/buildkitd.log")); make $image pullable and retry"
	# runc runs the build steps; static, as the image has no C library.
	CGO_ENABLED=1 module_build "github.com/opencontainers/runc@$RUNC_VERSION" "$dir/runc" . \
		-tags "seccomp urfave_cli_no_docs netgo osusergo" -ldflags "-s -w -extldflags -static" >"$work/runc.log" 2>&1 ||
		die "could not build runc ($(tail -n 1 "$work/runc.log")); static linking needs libseccomp's static library (Debian: libseccomp-dev); or make $image pullable"
	{
		stand_in_dockerfile_head
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: buildkitd and buildctl $BUILDKIT_VERSION and a static runc $RUNC_VERSION on busybox, built by offline/setup.sh\""
		echo 'COPY buildkitd buildctl runc /usr/bin/'
		echo 'VOLUME /var/lib/buildkit'
		echo 'ENTRYPOINT ["/usr/bin/buildkitd"]'
	} >"$dir/Dockerfile"
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" "$dir" >/dev/null 2>"$work/buildkit-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/buildkit-build.log"))"
}

# The SBOM generator BuildKit runs for `docker buildx build --sbom=...`: the
# official image when here, else the stand-in. A build that names neither
# with --sbom=generator= would try to pull the official one.

ensure_sbom_scanner() {
	local image=$SBOM_SCANNER_IMAGE
	ready "$image" && return 0
	need_go "$image"
	local mod="$offline/sbom-scanner" syft
	[ -f "$mod/go.mod" ] || die "$image cannot be pulled and offline/sbom-scanner, the stand-in's source, is missing: make it pullable and retry"
	syft=$(sed -n 's|^[[:space:]]*github.com/anchore/syft \(v[^[:space:]]*\).*|\1|p' "$mod/go.mod")
	workdir
	mkdir -p "$work/sbom-scanner"
	say "$image cannot be pulled: building the stand-in $STAND_IN_PREFIX$image from offline/sbom-scanner (syft $syft; a few minutes, once)"
	# Static, as the image is FROM scratch: the generator runs alone in it.
	# -buildvcs=false: the module sits in this checkout, and stamping its
	# git state fails where git is missing or the checkout is another user's.
	# For the engine's architecture, which is not this machine's under
	# emulation or with a remote engine. -mod=readonly: go.sum is complete,
	# and a build must not rewrite the checkout. -N -l, no optimizing: syft
	# is 1,650 packages, which then compile in under 4 min instead of over
	# 5 on 2 cores, and the generator still scans the final image in about
	# 3 s (the same 22 packages).
	local arch
	arch=$("$DOCKER" version --format '{{.Server.Arch}}')
	(cd "$mod" && CGO_ENABLED=0 GOOS=linux GOARCH="$arch" GOFLAGS=-mod=readonly GOTOOLCHAIN=local go build -trimpath -buildvcs=false -ldflags "-s -w" -gcflags "all=-N -l" \
		-o "$work/sbom-scanner/sbom-scanner" .) >"$work/sbom-scanner.log" 2>&1 ||
		die "could not build the SBOM generator ($(tail -n 1 "$work/sbom-scanner.log")); make $image pullable and retry"
	# As the official image: the binary alone, LOG_LEVEL=warn. No /tmp is
	# needed: BuildKit mounts a tmpfs there when it runs the generator (and
	# the program makes one when run any other way).
	cat >"$work/sbom-scanner/Dockerfile" <<DOCKERFILE
FROM scratch
COPY sbom-scanner /bin/sbom-scanner
ENV LOG_LEVEL=warn
LABEL $STAND_IN_LABEL="true"
LABEL org.opencontainers.image.description="Stand-in for $image: BuildKit's SBOM generator protocol on syft $syft, built by offline/setup.sh"
ENTRYPOINT ["/bin/sbom-scanner"]
DOCKERFILE
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" "$work/sbom-scanner" >/dev/null 2>"$work/sbom-scanner-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/sbom-scanner-build.log"))"
}

