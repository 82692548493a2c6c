#!/usr/bin/env bash
# check-docker.sh: can this machine build the ladder? Prints nothing when it
# can, and one line that names the fix when it cannot.
#
# Usage: scripts/check-docker.sh            an engine answers, and buildx is there
#        scripts/check-docker.sh engine     an engine answers
#        scripts/check-docker.sh buildx     the CLI has buildx
#        scripts/check-docker.sh compose    the CLI has Compose (make dev)
#        scripts/check-docker.sh pull IMAGE...
#                                           each image is here, or `docker pull` gets it
#                                           (no time limit: only a failed pull fails)
#
# It changes nothing but what `docker pull` adds. Where the official images
# cannot be pulled, or no engine or buildx can be installed, offline/ has
# the answer: see offline/README.md.
# Environment: DOCKER (default docker).
# Portable: bash 3.2, a BSD userland (no timeout, setsid, GNU flags).
set -eu
set -o pipefail

DOCKER=${DOCKER:-docker}

die() { echo "check-docker: $*" >&2; exit 1; }

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

check_engine() {
	command -v "$DOCKER" >/dev/null 2>&1 ||
		die "no '$DOCKER' command: install Docker (Docker Desktop, or Docker Engine on Linux) and retry"
	engine_answers && return 0
	case "$(uname -s)" in
	Darwin) die "no Docker engine answers: start Docker Desktop and retry" ;;
	*) die "no Docker engine answers: start Docker ('sudo systemctl start docker', or 'sudo offline/engine.sh' to build one) and make sure you can use it ('docker version'), then retry" ;;
	esac
}

check_buildx() {
	"$DOCKER" buildx version >/dev/null 2>&1 ||
		die "the Docker CLI has no buildx: install the docker-buildx plugin (or run 'offline/setup.sh buildx' to build it from its Go module), then retry"
}

# Compose builds through buildx, and refuses one without its version stamp
# (v0.0.0, as a build from source without it says).
check_compose() {
	"$DOCKER" compose version >/dev/null 2>&1 ||
		die "the Docker CLI has no Compose: install the docker-compose plugin (or run 'offline/setup.sh compose' to build it from its Go module), then retry"
	case $("$DOCKER" buildx version 2>/dev/null) in
	*" v0.0.0"*) die "the Docker CLI's buildx has no version stamp, which docker compose refuses: install the docker-buildx plugin (or run 'offline/setup.sh buildx'), then retry" ;;
	esac
}

# pull IMAGE...: each image is here, or a pull gets it.
pull() {
	local image
	for image in "$@"; do
		"$DOCKER" image inspect "$image" >/dev/null 2>&1 && continue
		"$DOCKER" pull -q "$image" >/dev/null 2>&1 ||
			die "$image cannot be pulled: check 'docker pull $image'; without a registry, make setup builds a stand-in (offline/README.md)"
	done
}

case "${1:-}" in
"")
	check_engine
	check_buildx
	;;
engine) check_engine ;;
buildx) check_buildx ;;
compose) check_compose ;;
pull)
	shift
	[ $# -gt 0 ] || die "pull needs at least one image, e.g. scripts/check-docker.sh pull alpine:3.23"
	pull "$@"
	;;
*) die "unknown argument '$1': use no argument, 'engine', 'buildx', 'compose' or 'pull IMAGE...'" ;;
esac
