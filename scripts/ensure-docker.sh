#!/usr/bin/env bash
# ensure-docker.sh: make sure this machine can build the ladder.
#
# On a laptop with Docker Desktop, or Docker Engine 25+ with network access,
# every check below passes and this script prints nothing. It exists for
# machines like the project's CI: no container registry reachable. There it
# sets up, printing one line for each:
#   1. an engine: only as root on Linux, and only when none answers, by
#      scripts/engine.sh (a current engine built from its Go modules);
#      otherwise it stops with one line that says how to start Docker;
#   2. buildx, built from its Go module into your own ~/.docker/cli-plugins,
#      when the CLI has none;
#   3. base images: golang:<GO_VERSION>-alpine and alpine:<ALPINE_VERSION>
#      are used as they are when present or when `docker pull` gets them.
#      Only when a pull fails (not when it is slow: there is no time limit)
#      it builds a stand-in from a static busybox, this machine's Go and its
#      CA bundle, under this project's own name, go-docker-stand-in/<name>,
#      with the LABEL io.github.go-docker.stand-in=true. It never tags an
#      official name: builds are pointed at a stand-in with --build-context
#      (see "build-flags" below), the Dockerfiles are unchanged.
#
# Usage: scripts/ensure-docker.sh              engine, buildx, base images
#        scripts/ensure-docker.sh registry     the registry image for make cache-demo:
#                                              registry:3, or a stand-in built from the
#                                              CNCF Distribution Go module
#        scripts/ensure-docker.sh buildkit     the BuildKit image for the shared builder:
#                                              moby/buildkit:<BUILDKIT_VERSION>, or a stand-in
#                                              built from the BuildKit and runc Go modules
#        scripts/ensure-docker.sh buildkit-image  print the BuildKit image to run
#        scripts/ensure-docker.sh sbom-scanner  the SBOM generator for --sbom:
#                                              docker/buildkit-syft-scanner:<SYFT_SCANNER_VERSION>
#                                              (BuildKit's default), or a stand-in built from
#                                              ladder/sbom-scanner (syft as a Go library)
#        scripts/ensure-docker.sh sbom-scanner-image  print the generator to pass as
#                                              --sbom=generator=<image>
#        scripts/ensure-docker.sh build-flags  print the --build-context flags that point
#                                              builds at the stand-ins in use (or nothing),
#                                              setting up first if no stamp says it was done
#        scripts/ensure-docker.sh registry-image  print the registry image to run
#        scripts/ensure-docker.sh forget       drop the stamp below (make does, when a build fails)
#
# The stamp: once everything is set up, the script writes out/setup/<key>,
# holding the build flags; <key> names the CLI, DOCKER_HOST, DOCKER_CONTEXT
# and the base versions, and a stamp older than this script does not count.
# build-flags just prints a valid stamp, so `make final` pays no check on
# every call. With no argument (make setup, and lint, test and compare,
# which run it) the script always checks everything again and rewrites the
# stamp: run `make setup` after `docker context use`, or once the real base
# images can be pulled, to use them instead of stand-ins. When a build
# fails, make drops the stamp and runs this script again, whose one line
# then says what is missing (no engine, say).
# Environment: DOCKER (default docker), GO_VERSION (default 1.26),
#              ALPINE_VERSION (default 3.23), REGISTRY_VERSION (default 3),
#              BUILDKIT_VERSION (default v0.34.2)
#
# Portable: bash 3.2, a BSD userland (no timeout, setsid, GNU flags).
set -eu
set -o pipefail

DOCKER=${DOCKER:-docker}
GO_VERSION=${GO_VERSION:-1.26}
ALPINE_VERSION=${ALPINE_VERSION:-3.23}
REGISTRY_VERSION=${REGISTRY_VERSION:-3}
BUILDKIT_VERSION=${BUILDKIT_VERSION:-v0.34.2}
RUNC_VERSION=v1.5.3
BUILDX_VERSION=v0.19.3
DISTRIBUTION_VERSION=v3.1.2
# The tag of BuildKit's default SBOM generator (--sbom=true). The stand-in
# carries the same tag; its syft version is the one ladder/sbom-scanner's
# go.mod pins.
SYFT_SCANNER_VERSION=stable-1
STAND_IN_LABEL=io.github.go-docker.stand-in
STAND_IN_PREFIX=go-docker-stand-in/

# The stamp (see the header): its name is the CLI, the engine's address
# and the base versions, made safe for a file name; it counts only while
# newer than this script. Shell builtins only, no process: make final
# reads it on every call.
case $0 in */*) scripts=${0%/*} ;; *) scripts=. ;; esac
STAMP_DIR=$scripts/../out/setup
key="$DOCKER-${DOCKER_HOST:-}-${DOCKER_CONTEXT:-}-go$GO_VERSION-alpine$ALPINE_VERSION"
STAMP="$STAMP_DIR/${key//[!A-Za-z0-9._-]/_}"
if [ "${1:-}" = build-flags ] && [ -f "$STAMP" ] && [ ! "$0" -nt "$STAMP" ]; then
	flags=
	IFS= read -r flags <"$STAMP" || true
	printf '%s\n' "$flags"
	exit 0
fi

say() { echo "ensure-docker: $*" >&2; }
die() { echo "ensure-docker: $*" >&2; exit 1; }

work=
cleanup() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
workdir() { if [ -z "$work" ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/go-docker-setup.XXXXXX"); fi; }

# engine_answers: true when an engine answers within 20 s. A dead socket
# fails at once; the loop only bounds a hung engine (no `timeout` on macOS).
engine_answers() {
	"$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 &
	local pid=$! i=0
	while [ $i -lt 200 ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null || true
	return 1
}

here=$(cd "$(dirname "$0")" && pwd)

# 1. An engine.
ensure_engine() {
	engine_answers && return 0
	if [ "$(uname -s)" = Linux ] && [ "$(id -u)" -eq 0 ]; then
		"$here/engine.sh"
		return
	fi
	case "$(uname -s)" in
	Darwin) die "no Docker engine answers: start Docker Desktop and retry" ;;
	*) die "no Docker engine answers: start Docker ('sudo systemctl start docker', or 'sudo scripts/engine.sh' to build one) and make sure you can use it ('docker version'), then retry" ;;
	esac
}

# 2. buildx: current CLIs need it for 'docker build'.
ensure_buildx() {
	"$DOCKER" buildx version >/dev/null 2>&1 && return 0
	command -v go >/dev/null 2>&1 ||
		die "the Docker CLI has no buildx and Go is not installed to build it: install the docker-buildx plugin and retry"
	workdir
	local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
	say "building buildx $BUILDX_VERSION from its Go module into $plugins (about 2 min)"
	GOBIN="$work/bin" GOFLAGS=-mod=mod GOTOOLCHAIN=local go install "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION" >"$work/buildx.log" 2>&1 ||
		die "could not build buildx ($(tail -n 1 "$work/buildx.log")); install the docker-buildx plugin and retry"
	mkdir -p "$plugins"
	cp "$work/bin/buildx" "$plugins/docker-buildx"
	chmod 0755 "$plugins/docker-buildx"
	"$DOCKER" buildx version >/dev/null 2>&1 || die "buildx was installed in $plugins but 'docker buildx version' fails"
}

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# usable IMAGE: the official image is here, or a pull gets it. No time
# limit: a slow registry is waited for, only a failed pull gives up.
usable() {
	have_image "$1" && return 0
	"$DOCKER" pull -q "$1" >/dev/null 2>&1
}

# ready IMAGE: the official image is usable, or its stand-in is already
# here: nothing to build.
ready() { usable "$1" || have_image "$STAND_IN_PREFIX$1"; }

# in_use IMAGE: the image to run: the official one when here, else its
# stand-in.
in_use() { if have_image "$1"; then echo "$1"; else echo "$STAND_IN_PREFIX$1"; fi; }

# need_go IMAGE: a stand-in for IMAGE is built with Go.
need_go() {
	command -v go >/dev/null 2>&1 || die "$1 cannot be pulled and Go is not installed to make a stand-in: make it pullable and retry"
}

# A static busybox from Debian: the shell and tools of the stand-in bases.
fetch_busybox() {
	workdir
	[ -x "$work/busybox" ] && return 0
	command -v apt-get >/dev/null 2>&1 ||
		die "$1 cannot be pulled and apt-get is missing to make a stand-in: make the base images pullable (check 'docker pull $1') and retry"
	(cd "$work" && { apt-get download busybox-static >/dev/null 2>&1 ||
		{ [ "$(id -u)" -eq 0 ] && apt-get update -qq >/dev/null 2>&1 && apt-get download busybox-static >/dev/null 2>&1; }; }) ||
		die "$1 cannot be pulled and Debian's busybox-static could not be downloaded: make it pullable and retry"
	mkdir -p "$work/bb"
	dpkg-deb -x "$work"/busybox-static_*.deb "$work/bb"
	cp "$work/bb/bin/busybox" "$work/busybox"
}

# The files every stand-in base gets: busybox as /bin/sh, a root user with a
# home (without it HOME is / and GOCACHE lands outside the cache mounts),
# /tmp, and this machine's CA bundle (HTTPS here may go through a proxy
# whose CA only that bundle holds).
stand_in_context() {
	local dir=$1
	mkdir -p "$dir/etc/ssl/certs"
	cp "$work/busybox" "$dir/busybox"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/etc/group"
	cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
}

stand_in_dockerfile_head() {
	cat <<DOCKERFILE
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /usr/bin /sbin /usr/sbin /root /tmp && /bin/busybox --install -s /bin && /bin/busybox chmod 1777 /tmp && /bin/busybox ln -s /bin/env /usr/bin/env"]
COPY etc/ /etc/
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL $STAND_IN_LABEL="true"
DOCKERFILE
}

# 3a. alpine:<ALPINE_VERSION>
ensure_alpine() {
	local image="alpine:$ALPINE_VERSION"
	ready "$image" && return 0
	fetch_busybox "$image"
	local dir="$work/alpine"
	stand_in_context "$dir"
	{
		stand_in_dockerfile_head
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: static busybox and a CA bundle, built offline by scripts/ensure-docker.sh\""
		echo 'CMD ["/bin/sh"]'
	} >"$dir/Dockerfile"
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" "$dir" >/dev/null 2>"$work/alpine-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/alpine-build.log"))"
	say "$image cannot be pulled: built the stand-in $STAND_IN_PREFIX$image (static busybox)"
}

# 3b. golang:<GO_VERSION>-alpine
ensure_golang() {
	local image="golang:$GO_VERSION-alpine"
	ready "$image" && return 0
	need_go "$image"
	local have
	have=$(go env GOVERSION)
	have=${have#go}
	case $have in
	"$GO_VERSION" | "$GO_VERSION".*) ;;
	*) die "$image cannot be pulled and this machine's Go is $have: set GO_VERSION to match it (e.g. GO_VERSION=${have%.*}) or make $image pullable" ;;
	esac
	fetch_busybox "$image"
	local dir="$work/golang"
	stand_in_context "$dir"
	{
		stand_in_dockerfile_head
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: static busybox and this machine's Go $have, built offline by scripts/ensure-docker.sh\""
		# The same environment as the official golang image.
		echo "ENV GOLANG_VERSION=$have GOTOOLCHAIN=local GOPATH=/go"
		echo 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
		echo 'COPY --from=goroot / /usr/local/go/'
		echo 'RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go'
		echo 'WORKDIR /go'
	} >"$dir/Dockerfile"
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" --build-context "goroot=$(go env GOROOT)" "$dir" >/dev/null 2>"$work/golang-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/golang-build.log"))"
	say "$image cannot be pulled: built the stand-in $STAND_IN_PREFIX$image (this machine's Go $have)"
}

# build_flags: --build-context flags for every base that is only here as a
# stand-in. An official image, once here, always wins.
build_flags() {
	local image flags=""
	for image in "golang:$GO_VERSION-alpine" "alpine:$ALPINE_VERSION"; do
		if ! have_image "$image" && have_image "$STAND_IN_PREFIX$image"; then
			flags="$flags --build-context $image=docker-image://$STAND_IN_PREFIX$image"
		fi
	done
	echo "${flags# }"
}

# The registry for make cache-demo: the registry image, run as a container
# (that also works where the engine runs in a VM, as on Docker Desktop).
registry_image() {
	in_use "registry:$REGISTRY_VERSION"
}

ensure_registry() {
	local image="registry:$REGISTRY_VERSION"
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
LABEL org.opencontainers.image.description="Stand-in for $image: the CNCF Distribution registry $DISTRIBUTION_VERSION (filesystem and in-memory storage drivers only), built by scripts/ensure-docker.sh"
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
buildkit_image() {
	in_use "moby/buildkit:$BUILDKIT_VERSION"
}

# module_src MODULE@VERSION: download the module and print the path of a
# writable copy of it in the work folder, to build in.
module_src() {
	local mod=$1 src name
	name=${mod%@*}
	name=${name##*/}
	src=$(cd "$work" && GOFLAGS=-mod=mod GO111MODULE=on go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	[ -n "$src" ] && [ -d "$src" ] || { echo "go mod download $mod found no module folder" >&2; return 1; }
	rm -rf "$work/$name-src"
	cp -R "$src" "$work/$name-src"
	chmod -R u+w "$work/$name-src"
	echo "$work/$name-src"
}

# module_build MODULE@VERSION OUT PKG [go build flags...]: go install refuses
# modules whose go.mod has exclude directives (BuildKit's does), so build in
# a writable copy of the downloaded module instead.
module_build() {
	local src
	src=$(module_src "$1") || return 1
	shift
	src_build "$src" "$@"
}

# src_build DIR OUT PKG [go build flags...]: build PKG of the module copy in
# DIR for Linux into OUT.
src_build() {
	local dir=$1 out=$2 pkg=$3
	shift 3
	(cd "$dir" && GOOS=linux GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -trimpath -o "$out" "$@" "$pkg")
}

ensure_buildkit() {
	local image="moby/buildkit:$BUILDKIT_VERSION"
	ready "$image" && return 0
	need_go "$image"
	[ "$(uname -s)" = Linux ] && command -v "${CC:-gcc}" >/dev/null 2>&1 ||
		die "$image cannot be pulled, and a stand-in needs Linux and a C compiler (for runc): make it pullable and retry"
	fetch_busybox "$image"
	local dir="$work/buildkit"
	stand_in_context "$dir"
	say "$image cannot be pulled: building the stand-in $STAND_IN_PREFIX$image from github.com/moby/buildkit $BUILDKIT_VERSION and github.com/opencontainers/runc $RUNC_VERSION (a few minutes, once)"
	CGO_ENABLED=0 module_build "github.com/moby/buildkit@$BUILDKIT_VERSION" "$dir/buildkitd" ./cmd/buildkitd \
		-ldflags "-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" >"$work/buildkitd.log" 2>&1 ||
		die "could not build buildkitd ($(tail -n 1 "$work/buildkitd.log")); make $image pullable and retry"
	# runc runs the build steps; static, as the image has no C library.
	CGO_ENABLED=1 module_build "github.com/opencontainers/runc@$RUNC_VERSION" "$dir/runc" . \
		-tags "seccomp urfave_cli_no_docs netgo osusergo" -ldflags "-s -w -extldflags -static" >"$work/runc.log" 2>&1 ||
		die "could not build runc ($(tail -n 1 "$work/runc.log")); static linking needs libseccomp's static library (Debian: libseccomp-dev); or make $image pullable"
	{
		stand_in_dockerfile_head
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: buildkitd $BUILDKIT_VERSION and a static runc $RUNC_VERSION on busybox, built by scripts/ensure-docker.sh\""
		echo 'COPY buildkitd runc /usr/bin/'
		echo 'VOLUME /var/lib/buildkit'
		echo 'ENTRYPOINT ["/usr/bin/buildkitd"]'
	} >"$dir/Dockerfile"
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" "$dir" >/dev/null 2>"$work/buildkit-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/buildkit-build.log"))"
}

# The SBOM generator BuildKit runs for `docker buildx build --sbom=...`: the
# official image when here, else the stand-in. A build that names neither
# with --sbom=generator= would try to pull the official one.
sbom_scanner_image() {
	in_use "docker/buildkit-syft-scanner:$SYFT_SCANNER_VERSION"
}

ensure_sbom_scanner() {
	local image="docker/buildkit-syft-scanner:$SYFT_SCANNER_VERSION"
	ready "$image" && return 0
	need_go "$image"
	local mod="$here/../ladder/sbom-scanner" syft
	[ -f "$mod/go.mod" ] || die "$image cannot be pulled and ladder/sbom-scanner, the stand-in's source, is missing: make it pullable and retry"
	syft=$(sed -n 's|^[[:space:]]*github.com/anchore/syft \(v[^[:space:]]*\).*|\1|p' "$mod/go.mod")
	workdir
	mkdir -p "$work/sbom-scanner"
	say "$image cannot be pulled: building the stand-in $STAND_IN_PREFIX$image from ladder/sbom-scanner (syft $syft; a few minutes, once)"
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
LABEL org.opencontainers.image.description="Stand-in for $image: BuildKit's SBOM generator protocol on syft $syft, built by scripts/ensure-docker.sh"
ENTRYPOINT ["/bin/sbom-scanner"]
DOCKERFILE
	"$DOCKER" buildx build --load -q -t "$STAND_IN_PREFIX$image" "$work/sbom-scanner" >/dev/null 2>"$work/sbom-scanner-build.log" ||
		die "could not build the stand-in $STAND_IN_PREFIX$image ($(tail -n 1 "$work/sbom-scanner-build.log"))"
}

write_stamp() {
	mkdir -p "$STAMP_DIR" 2>/dev/null || return 0
	# A file of this process's own, then a rename: two makes running at
	# once never read half a stamp, nor move each other's file.
	build_flags >"$STAMP.$$" && mv "$STAMP.$$" "$STAMP"
}

case "${1:-}" in
"")
	rm -f "$STAMP"
	ensure_engine
	ensure_buildx
	ensure_alpine
	ensure_golang
	write_stamp
	;;
forget)
	rm -f "$STAMP"
	;;
registry)
	ensure_engine
	ensure_buildx
	ensure_registry
	;;
build-flags)
	# No valid stamp (the fast path at the top did not answer): set up.
	ensure_engine
	ensure_buildx
	ensure_alpine
	ensure_golang
	write_stamp
	# The stamp holds what build_flags just printed into it: read it, not
	# the engine again (where it could not be written, ask the engine).
	if [ -f "$STAMP" ]; then cat "$STAMP"; else build_flags; fi
	;;
registry-image)
	registry_image
	;;
buildkit)
	ensure_engine
	ensure_buildx
	ensure_buildkit
	;;
buildkit-image)
	buildkit_image
	;;
sbom-scanner)
	ensure_engine
	ensure_buildx
	ensure_sbom_scanner
	;;
sbom-scanner-image)
	sbom_scanner_image
	;;
*)
	die "unknown argument '$1': use no argument, 'registry', 'buildkit', 'build-flags', 'registry-image', 'buildkit-image', 'sbom-scanner', 'sbom-scanner-image' or 'forget'"
	;;
esac
