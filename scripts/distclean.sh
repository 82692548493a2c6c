#!/usr/bin/env bash
# distclean.sh: remove everything this project made in the Docker engine,
# and nothing else (make distclean). What it made carries one of the labels
# of names.env (each is iterated), or one of its names:
#   - containers: the registry containers of make cache-demo and make
#     release, the shared builder's, and any of a project image; and the
#     copies of releases pushed to those registries that the engine keeps
#     (127.0.0.1:PORT/*);
#   - the shared builder's state volumes and networks, make dev's network
#     and containers, and the buildx builder SHARED_BUILDER;
#   - images: every IMAGE_PREFIX* tag, every image carrying a label
#     (untagged ones included), the stand-ins (STAND_IN_PREFIX*) and the
#     images make compare's ko peer loaded (ko.local/go-docker-peer-*);
#   - the files of build flags offline/setup.sh wrote for those stand-ins;
#   - the build-cache records of its cache mounts: every mount whose id
#     starts with CACHE_ID_PREFIX (the ladder's, make compare's, the tests').
# Official images (golang, alpine, registry) and other projects' build cache
# stay. The next `make setup` sets up again what it needs.
#
# Portable: bash 3.2, a BSD userland.
set -eu
set -o pipefail

DOCKER=${DOCKER:-docker}
IMAGE_PREFIX=${IMAGE_PREFIX:-go-docker-}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=names.env
. "$here/names.env"
# Every label names.env defines: whatever carries one, this project made.
labels=$(sed -n 's/^[A-Z_]*_LABEL=//p' "$here/names.env")

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
release_ports=$("$DOCKER" ps -a --filter "label=$REGISTRY_LABEL" --format '{{.Names}}' |
	sed -n "s/^$REGISTRY_CONTAINER-\\([0-9][0-9]*\\)\$/\\1/p")

containers=$(for label in $labels; do "$DOCKER" ps -aq --filter "label=$label"; done | sort -u)
if [ -n "$containers" ]; then
	# shellcheck disable=SC2086 # one id per word
	"$DOCKER" rm -f -v $containers >/dev/null
fi

# The shared builder's state volumes and networks (make shared-builder,
# make cache-demo), and the buildx builder make shared-builder created.
volumes=$(for label in $labels; do "$DOCKER" volume ls -q --filter "label=$label"; done | sort -u)
if [ -n "$volumes" ]; then
	# shellcheck disable=SC2086
	"$DOCKER" volume rm -f $volumes >/dev/null
fi
networks=$(for label in $labels; do "$DOCKER" network ls -q --filter "label=$label"; done | sort -u)
if [ -n "$networks" ]; then
	# shellcheck disable=SC2086
	"$DOCKER" network rm $networks >/dev/null
fi
# (buildx rm fails only when there is no such builder.)
"$DOCKER" buildx rm "$SHARED_BUILDER" >/dev/null 2>&1 || true

images=$( {
	"$DOCKER" images -aq --filter "reference=$IMAGE_PREFIX*"
	"$DOCKER" images -aq --filter "reference=$STAND_IN_PREFIX*"
	"$DOCKER" images -aq --filter "reference=ko.local/${IMAGE_PREFIX}peer-*"
	for label in $labels; do "$DOCKER" images -aq --filter "label=$label"; done
	for port in $release_ports; do
		"$DOCKER" images -aq --filter "reference=127.0.0.1:$port/*"
	done
} | sort -u)
if [ -n "$images" ]; then
	# shellcheck disable=SC2086
	"$DOCKER" image rm -f $images >/dev/null
fi
# The build flags offline/setup.sh wrote point at the stand-ins just removed.
rm -f "$here"/../offline/build-flags-*.mk "$here"/../offline/compose-*.yaml

# Cache mounts are build-cache records of type exec.cachemount whose
# description names the mount's id.
records=$("$DOCKER" system df -v --format '{{range .BuildCache}}{{println .ID .CacheType .Description}}{{end}}' |
	awk -v p="$CACHE_ID_PREFIX" '$2 == "exec.cachemount" && index($0, "with id \"" p) + index($0, "with id \"/" p) { print $1 }')
for id in $records; do
	"$DOCKER" builder prune -af --filter "id=$id" >/dev/null
done
n_c=$(printf '%s\n' "$containers" | grep -c . || true)
n_i=$(printf '%s\n' "$images" | grep -c . || true)
n_r=$(printf '%s\n' "$records" | grep -c . || true)
n_v=$(printf '%s\n' "$volumes" | grep -c . || true)
n_n=$(printf '%s\n' "$networks" | grep -c . || true)
echo "distclean: removed $n_c containers, $n_v volumes, $n_n networks, $n_i images and $n_r cache mounts of this project"
