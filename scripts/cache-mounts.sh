#!/usr/bin/env bash
# cache-mounts.sh: carry a Dockerfile's cache mounts (GOMODCACHE, GOCACHE)
# between CI runners, which BuildKit's cache exports never do: before the
# build, copy a folder the Actions cache restored into the builder's cache
# mounts; after it, copy the mounts back out for the Actions cache to save.
# What reproducible-containers/buildkit-cache-dance does, in two builds on
# the current buildx builder (docs/ci.md measures it).
#
# Usage: scripts/cache-mounts.sh inject DIR    DIR/<id>.tar into each cache mount
#        scripts/cache-mounts.sh extract DIR   each cache mount into DIR/<id>.tar
# Environment: DOCKERFILE (default final.Dockerfile): whose
#              --mount=type=cache,id=ID,target=PATH mounts are carried;
#              BUILD_CONTEXTS: newline-separated NAME=SOURCE build contexts
#              (a local runner's stand-in base images; empty on a hosted one);
#              ALPINE_VERSION (default 3.23): the image the copies run in.
# Portable: bash 3.2, a BSD userland.
set -eu
set -o pipefail

die() {
	echo "cache-mounts: $*" >&2
	exit 2
}

[ $# -eq 2 ] || die "usage: scripts/cache-mounts.sh inject|extract DIR"
mode=$1 dir=$2
dockerfile=${DOCKERFILE:-final.Dockerfile}
[ -f "$dockerfile" ] || die "no $dockerfile here: run it from the repository's root, or set DOCKERFILE"

# Each cache mount once, as ID=TARGET.
mounts=$({ grep -o 'type=cache,id=[^,]*,target=[^ ]*' "$dockerfile" || true; } | sed 's/^type=cache,id=//; s/,target=/=/' | sort -u)
[ -n "$mounts" ] || die "$dockerfile has no --mount=type=cache,id=ID,target=PATH"

# Not --no-cache: BuildKit then gives the step empty cache mounts. A run
# id of its own keeps the step from being answered by the layer cache.
flags=(--progress=plain --build-arg "RUN_ID=$(date +%s)-$$")
while IFS= read -r c; do
	[ -z "$c" ] || flags+=(--build-context "$c")
done <<EOF
${BUILD_CONTEXTS:-}
EOF

# Each mount travels as one tar file, DIR/<id>.tar: the client receives a
# few large files quickly, tens of thousands of small ones slowly.
run_mounts="" copy=""
for m in $mounts; do
	id=${m%%=*} target=${m#*=}
	run_mounts="$run_mounts --mount=type=cache,id=$id,target=$target"
	case $mode in
	inject) copy="$copy { [ ! -f /carried/$id.tar ] || tar -C $target -xf /carried/$id.tar; } &&" ;;
	extract) copy="$copy tar -C $target -cf /out/$id.tar . &&" ;;
	esac
done

base="alpine:${ALPINE_VERSION:-3.23}"
case $mode in
inject)
	mkdir -p "$dir"
	# The folder is the build's context, bind-mounted: not a layer.
	docker buildx build "${flags[@]}" --output type=cacheonly -f - "$dir" <<DOCKERFILE
FROM $base
ARG RUN_ID
RUN --mount=type=bind,target=/carried $run_mounts $copy echo \$RUN_ID
DOCKERFILE
	;;
extract)
	rm -rf "$dir.new"
	empty=$(mktemp -d)
	docker buildx build "${flags[@]}" --output "type=local,dest=$dir.new" -f - "$empty" <<DOCKERFILE
FROM $base AS copy
ARG RUN_ID
RUN $run_mounts mkdir /out && $copy echo \$RUN_ID
FROM scratch
COPY --from=copy /out/ /
DOCKERFILE
	rmdir "$empty"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
	;;
*) die "unknown mode '$mode': use inject or extract" ;;
esac
du -sh "$dir" | sed 's/^/cache-mounts: /'
