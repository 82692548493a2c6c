#!/usr/bin/env bash
# distclean.sh: remove everything this project made in the Docker engine,
# and nothing else (make distclean):
#   - containers of its images and its registry containers (make cache-demo,
#     make release), and the copies of releases pushed to them that the
#     engine keeps (127.0.0.1:PORT/*);
#   - the shared builder (make shared-builder, make cache-demo): its
#     containers, state volumes and networks, and the buildx builder
#     go-docker-shared;
#   - its images: every go-docker-* tag, every image built by the Makefile
#     (LABEL io.github.go-docker.ladder, untagged ones included), and the
#     stand-in bases (go-docker-stand-in/*, LABEL io.github.go-docker.stand-in),
#     also those earlier versions tagged with official names;
#   - the images make compare's ko peer loaded (ko.local/go-docker-peer-*), if
#     a run was stopped before it removed them;
#   - the build-cache records of its cache mounts: every mount whose id starts
#     with go-docker- (the ladder's, and those make compare and the tests made).
# Official images (golang, alpine, registry) and other projects' build cache
# stay. The next `make` sets up again what it needs.
#
# Portable: bash 3.2, a BSD userland.
set -eu
set -o pipefail

DOCKER=${DOCKER:-docker}
IMAGE_PREFIX=${IMAGE_PREFIX:-go-docker-}

if [ $# -gt 0 ]; then
	echo "distclean: takes no arguments (got '$1'): run make distclean" >&2
	exit 2
fi

if ! "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; then
	echo "distclean: no Docker engine answers: start Docker and retry" >&2
	exit 1
fi

# make release's registry containers are named go-docker-registry-PORT:
# the engine keeps a copy of what it pushed, as 127.0.0.1:PORT/NAME:VERSION.
release_ports=$("$DOCKER" ps -a --filter label=io.github.go-docker.registry --format '{{.Names}}' |
	sed -n 's/^go-docker-registry-\([0-9][0-9]*\)$/\1/p')

containers=$( {
	"$DOCKER" ps -aq --filter label=io.github.go-docker.shared-builder
	"$DOCKER" ps -aq --filter label=io.github.go-docker.ladder
	"$DOCKER" ps -aq --filter label=io.github.go-docker.stand-in
	"$DOCKER" ps -aq --filter label=io.github.go-docker.registry
} | sort -u)
if [ -n "$containers" ]; then
	# shellcheck disable=SC2086 # one id per word
	"$DOCKER" rm -f -v $containers >/dev/null
fi

# The shared builder's state volumes and networks (make shared-builder,
# make cache-demo), and the buildx builder make shared-builder created.
volumes=$("$DOCKER" volume ls -q --filter label=io.github.go-docker.shared-builder)
if [ -n "$volumes" ]; then
	# shellcheck disable=SC2086
	"$DOCKER" volume rm -f $volumes >/dev/null
fi
networks=$("$DOCKER" network ls -q --filter label=io.github.go-docker.shared-builder)
if [ -n "$networks" ]; then
	# shellcheck disable=SC2086
	"$DOCKER" network rm $networks >/dev/null
fi
# (buildx rm fails only when there is no such builder.)
"$DOCKER" buildx rm go-docker-shared >/dev/null 2>&1 || true

images=$( {
	"$DOCKER" images -aq --filter "reference=$IMAGE_PREFIX*"
	"$DOCKER" images -aq --filter "reference=go-docker-stand-in/*"
	"$DOCKER" images -aq --filter "reference=ko.local/${IMAGE_PREFIX}peer-*"
	"$DOCKER" images -aq --filter label=io.github.go-docker.ladder
	"$DOCKER" images -aq --filter label=io.github.go-docker.stand-in
	# What earlier versions of this project made: a Dockerfile frontend
	# tagged docker/dockerfile:1 (its stand-ins carry the label above).
	"$DOCKER" images -aq --filter label=io.github.go-docker.built-locally
	for port in $release_ports; do
		"$DOCKER" images -aq --filter "reference=127.0.0.1:$port/*"
	done
} | sort -u)
if [ -n "$images" ]; then
	# shellcheck disable=SC2086
	"$DOCKER" image rm -f $images >/dev/null
fi

# Cache mounts are build-cache records of type exec.cachemount whose
# description names the mount's id.
records=$("$DOCKER" system df -v --format '{{range .BuildCache}}{{println .ID .CacheType .Description}}{{end}}' |
	awk '$2 == "exec.cachemount" && /with id "\/?go-docker-/ { print $1 }')
for id in $records; do
	"$DOCKER" builder prune -af --filter "id=$id" >/dev/null
done
n_c=$(printf '%s\n' "$containers" | grep -c . || true)
n_i=$(printf '%s\n' "$images" | grep -c . || true)
n_r=$(printf '%s\n' "$records" | grep -c . || true)
n_v=$(printf '%s\n' "$volumes" | grep -c . || true)
echo "distclean: removed $n_c containers, $n_v volumes, $n_i images and $n_r cache mounts of this project"
