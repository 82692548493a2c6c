#!/usr/bin/env bash
# ensure-docker.sh: make sure this machine can build the ladder.
#
# On a laptop with Docker Desktop, or Docker Engine 23+ with network access,
# every check below passes and this script prints nothing. It exists for
# machines like the project's CI: no container registry reachable, and a
# Docker CLI with no engine and no buildx. There it sets up, printing one
# line for each:
#   1. a Docker engine (Debian's docker.io package, started in the background);
#   2. buildx, built from its Go module, as a CLI plugin;
#   3. the docker/dockerfile:1 frontend image, built from its Go module;
#   4. stand-in base images (golang:<GO_VERSION>-alpine, alpine:<ALPINE_VERSION>)
#      made from a static busybox, this machine's Go and its CA bundle, each
#      with the LABEL io.github.go-docker.stand-in=true.
# It never replaces an image that exists or can be pulled.
#
# With the argument "registry" it instead makes sure a local OCI registry
# can be started (Debian's docker-registry package, the CNCF Distribution
# registry), for make cache-demo and the end-to-end tests.
#
# Usage: scripts/ensure-docker.sh [registry]
# Environment: DOCKER (default docker), GO_VERSION (default 1.26),
#              ALPINE_VERSION (default 3.23)
set -euo pipefail

DOCKER=${DOCKER:-docker}
GO_VERSION=${GO_VERSION:-1.26}
ALPINE_VERSION=${ALPINE_VERSION:-3.23}
BUILDX_VERSION=v0.19.3
FRONTEND_VERSION=v0.18.2
STAND_IN_LABEL=io.github.go-docker.stand-in

say() { echo "ensure-docker: $*" >&2; }
die() { echo "ensure-docker: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

engine_answers() { timeout 20 "$DOCKER" info >/dev/null 2>&1; }

# 1. An engine.
ensure_engine() {
	engine_answers && return 0
	if ! command -v dockerd >/dev/null 2>&1; then
		if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
			die "no Docker engine answers: start Docker (Docker Desktop, or 'sudo systemctl start docker') and retry"
		fi
		say "installing Docker engine (Debian package docker.io)"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >"$work/apt.log" 2>&1 || true
		apt-get install -y -qq docker.io >>"$work/apt.log" 2>&1 ||
			die "could not install docker.io with apt-get (log: $(tail -n1 "$work/apt.log")); install Docker Engine and retry"
	fi
	if [[ $(id -u) -ne 0 ]]; then
		die "no Docker engine answers and starting dockerd needs root: start Docker ('sudo systemctl start docker') and retry"
	fi
	local log=/var/log/go-docker-dockerd.log
	say "starting Docker engine in the background (log: $log)"
	setsid nohup dockerd >"$log" 2>&1 </dev/null &
	for _ in $(seq 1 60); do
		engine_answers && return 0
		sleep 1
	done
	die "dockerd did not answer within 60 s; see $log"
}

# 2. buildx: current CLIs need it for 'docker build'.
ensure_buildx() {
	"$DOCKER" buildx version >/dev/null 2>&1 && return 0
	command -v go >/dev/null 2>&1 ||
		die "the Docker CLI has no buildx and Go is not installed to build it: install the docker-buildx plugin and retry"
	say "building buildx $BUILDX_VERSION from its Go module (about 2 min)"
	GOBIN="$work/bin" GOFLAGS=-mod=mod go install "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION" >"$work/buildx.log" 2>&1 ||
		die "could not build buildx ($(tail -n1 "$work/buildx.log")); install the docker-buildx plugin and retry"
	local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
	mkdir -p "$plugins"
	install -m 0755 "$work/bin/buildx" "$plugins/docker-buildx"
	"$DOCKER" buildx version >/dev/null 2>&1 || die "buildx was installed in $plugins but 'docker buildx version' fails"
}

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# try_pull IMAGE: true if the image is here or could be pulled.
try_pull() {
	have_image "$1" && return 0
	timeout 90 "$DOCKER" pull -q "$1" >/dev/null 2>&1
}

# 3. The frontend named by '# syntax=docker/dockerfile:1'. BuildKit looks in
# the engine's image store before it tries a registry.
ensure_frontend() {
	try_pull docker/dockerfile:1 && return 0
	say "building docker/dockerfile:1 from github.com/moby/buildkit $FRONTEND_VERSION (no registry answered)"
	mkdir -p "$work/frontend"
	CGO_ENABLED=0 GOBIN="$work/frontend" GOFLAGS=-mod=mod go install \
		"github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend@$FRONTEND_VERSION" >"$work/frontend.log" 2>&1 ||
		die "could not build the Dockerfile frontend ($(tail -n1 "$work/frontend.log")); make docker/dockerfile:1 pullable and retry"
	cat >"$work/frontend/Dockerfile" <<-'DOCKERFILE'
	FROM scratch
	COPY dockerfile-frontend /bin/dockerfile-frontend
	LABEL moby.buildkit.frontend.network.none="true"
	LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
	LABEL io.github.go-docker.built-locally="true"
	ENTRYPOINT ["/bin/dockerfile-frontend"]
	DOCKERFILE
	"$DOCKER" build -q -t docker/dockerfile:1 "$work/frontend" >/dev/null 2>"$work/frontend-build.log" ||
		die "could not build the docker/dockerfile:1 image ($(tail -n1 "$work/frontend-build.log"))"
}

# A static busybox from Debian: the shell and tools of the stand-in bases.
fetch_busybox() {
	[[ -x $work/busybox ]] && return 0
	command -v apt-get >/dev/null 2>&1 ||
		die "base images cannot be pulled and apt-get is missing to make stand-ins: make the base images pullable and retry"
	(cd "$work" && { apt-get download busybox-static >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get download busybox-static >/dev/null 2>&1; }; }) ||
		die "could not download Debian's busybox-static; make the base images pullable and retry"
	dpkg-deb -x "$work"/busybox-static_*.deb "$work/bb"
	cp "$work/bb/bin/busybox" "$work/busybox"
}

# The files every stand-in base gets: busybox as /bin/sh, a root user with a
# home (without it HOME is / and GOCACHE lands outside the cache mounts),
# /tmp, and this machine's CA bundle (HTTPS here goes through a proxy whose
# CA only that bundle holds).
stand_in_context() {
	local dir=$1
	mkdir -p "$dir/etc/ssl/certs"
	cp "$work/busybox" "$dir/busybox"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/etc/group"
	cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
}

stand_in_dockerfile_head() {
	cat <<-DOCKERFILE
	# syntax=docker/dockerfile:1
	FROM scratch
	COPY busybox /bin/busybox
	RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /usr/bin /sbin /usr/sbin /root /tmp && /bin/busybox --install -s /bin && /bin/busybox chmod 1777 /tmp && /bin/busybox ln -s /bin/env /usr/bin/env"]
	COPY etc/ /etc/
	ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	LABEL $STAND_IN_LABEL="true"
	DOCKERFILE
}

# 4a. alpine:<ALPINE_VERSION>
ensure_alpine() {
	local image="alpine:$ALPINE_VERSION"
	try_pull "$image" && return 0
	fetch_busybox
	local dir="$work/alpine"
	stand_in_context "$dir"
	{
		stand_in_dockerfile_head
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: static busybox and a CA bundle, built offline by scripts/ensure-docker.sh\""
		echo 'CMD ["/bin/sh"]'
	} >"$dir/Dockerfile"
	"$DOCKER" build -q -t "$image" "$dir" >/dev/null 2>"$work/alpine-build.log" ||
		die "could not build the stand-in $image ($(tail -n1 "$work/alpine-build.log"))"
	say "built stand-in $image (static busybox; no registry answered)"
}

# 4b. golang:<GO_VERSION>-alpine
ensure_golang() {
	local image="golang:$GO_VERSION-alpine"
	try_pull "$image" && return 0
	command -v go >/dev/null 2>&1 || die "$image cannot be pulled and Go is not installed to make a stand-in: make it pullable and retry"
	local have
	have=$(go env GOVERSION)
	have=${have#go}
	[[ $have == "$GO_VERSION" || $have == "$GO_VERSION".* ]] ||
		die "$image cannot be pulled and this machine's Go is $have: set GO_VERSION to match it (e.g. GO_VERSION=${have%.*}) or make $image pullable"
	fetch_busybox
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
	"$DOCKER" buildx build --load -q -t "$image" --build-context "goroot=$(go env GOROOT)" "$dir" >/dev/null 2>"$work/golang-build.log" ||
		die "could not build the stand-in $image ($(tail -n1 "$work/golang-build.log"))"
	say "built stand-in $image (this machine's Go $have; no registry answered)"
}

# A registry binary for make cache-demo: started and stopped by the demo.
ensure_registry() {
	command -v docker-registry >/dev/null 2>&1 && return 0
	if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
		die "docker-registry is not installed: install the CNCF Distribution registry as docker-registry (Debian/Ubuntu: apt-get install docker-registry) and retry"
	fi
	say "installing a local registry (Debian package docker-registry)"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -qq docker-registry >"$work/registry.log" 2>&1 ||
		{ apt-get update -qq >>"$work/registry.log" 2>&1 && apt-get install -y -qq docker-registry >>"$work/registry.log" 2>&1; }; } ||
		die "could not install docker-registry ($(tail -n1 "$work/registry.log")); install it and retry"
	# The package may start its own service on :5000; the demo runs its own
	# on a free loopback port, so stop that one if it started.
	if command -v service >/dev/null 2>&1; then service docker-registry stop >/dev/null 2>&1 || true; fi
}

case "${1:-}" in
"")
	ensure_engine
	ensure_buildx
	ensure_frontend
	ensure_alpine
	ensure_golang
	;;
registry)
	ensure_registry
	;;
*)
	die "unknown argument '$1': use no argument, or 'registry'"
	;;
esac
