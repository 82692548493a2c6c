#!/usr/bin/env bash
# setup.sh: what a machine without a container registry needs to build the
# ladder and run its demos. On a laptop with Docker Desktop, or any engine
# that can pull the official images, none of this runs: make calls it only
# when scripts/check-docker.sh finds something missing. See README.md here.
#
# Usage: offline/setup.sh buildx        buildx, built from its Go module into
#                                       ~/.docker/cli-plugins (the CLI has none)
#        offline/setup.sh compose       Docker Compose, built from its Go module into
#                                       ~/.docker/cli-plugins (the CLI has none)
#        offline/setup.sh bases         stand-ins for golang:<GO_VERSION>-alpine and
#                                       alpine:<ALPINE_VERSION> where they cannot be
#                                       pulled, and the file of build flags that
#                                       points make's builds at them
#        offline/setup.sh registry      a stand-in for REGISTRY_IMAGE, built from the
#                                       CNCF Distribution Go module
#        offline/setup.sh buildkit      a stand-in for BUILDKIT_IMAGE, built from the
#                                       BuildKit and runc Go modules
#        offline/setup.sh sbom-scanner  a stand-in for SBOM_SCANNER_IMAGE, built from
#                                       offline/sbom-scanner (syft as a Go library)
#        offline/setup.sh cosign PATH VERSION
#        offline/setup.sh act PATH VERSION
#                                       cosign (make release) or act (make ci-local),
#                                       built from its Go module into PATH, where
#                                       none is installed (a package manager has both)
# Each does nothing when the official image (scripts/names.env) is here or
# a pull gets it, or when its stand-in is already here. An engine, where
# none runs, is offline/engine.sh's job (as root).
#
# The build flags: offline/build-flags-go<GO_VERSION>-alpine<ALPINE_VERSION>.mk
# holds one make line, BASE_FLAGS := --build-context NAME=docker-image://STAND-IN
# for each base only here as a stand-in. The Makefile includes it when it
# exists, ladder/ reads it; offline/compose-go<GO_VERSION>-alpine<ALPINE_VERSION>.yaml
# says the same to Compose. An official image, once here, always wins
# (make setup removes both files when both bases can be pulled).
# Environment: DOCKER (default docker), GO_VERSION (default 1.26),
#              ALPINE_VERSION (default 3.23)
# Portable: bash 3.2, a BSD userland (no timeout, setsid, GNU flags).
set -eu
set -o pipefail

GO_VERSION=${GO_VERSION:-1.26}
ALPINE_VERSION=${ALPINE_VERSION:-3.23}
BUILDX_VERSION=v0.19.3
# The newest Compose that builds with Go 1.26.
COMPOSE_VERSION=v5.6.0
DISTRIBUTION_VERSION=v3.1.2
RUNC_VERSION=v1.5.3

offline=$(cd "$(dirname "$0")" && pwd)
. "$offline/lib.sh"
. "$offline/bases.sh"
. "$offline/tools.sh"
BUILDKIT_VERSION=${BUILDKIT_IMAGE##*:}
FLAGS_FILE=$offline/build-flags-go$GO_VERSION-alpine$ALPINE_VERSION.mk
COMPOSE_FILE=$offline/compose-go$GO_VERSION-alpine$ALPINE_VERSION.yaml

# buildx: current CLIs need it for 'docker build'.
ensure_buildx() {
	# One without its version stamp (v0.0.0) is built again: Compose refuses it.
	"$DOCKER" buildx version 2>/dev/null | grep -v ' v0\.0\.0' | grep -q . && return 0
	command -v go >/dev/null 2>&1 ||
		die "the Docker CLI has no buildx and Go is not installed to build it: install the docker-buildx plugin and retry"
	workdir
	local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
	say "building buildx $BUILDX_VERSION from its Go module into $plugins (about 2 min)"
	GOBIN="$work/bin" GOFLAGS=-mod=mod GOTOOLCHAIN=local go install \
		-ldflags "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION" "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION" >"$work/buildx.log" 2>&1 ||
		die "could not build buildx ($(tail -n 1 "$work/buildx.log")); install the docker-buildx plugin and retry"
	mkdir -p "$plugins"
	cp "$work/bin/buildx" "$plugins/docker-buildx"
	chmod 0755 "$plugins/docker-buildx"
	"$offline/../scripts/check-docker.sh" buildx
}

# Compose: `docker compose` for make dev and compose.yaml, where the CLI has
# no plugin (Docker Desktop ships one).
ensure_compose() {
	ensure_buildx
	"$DOCKER" compose version >/dev/null 2>&1 && return 0
	command -v go >/dev/null 2>&1 ||
		die "the Docker CLI has no Compose and Go is not installed to build it: install the docker-compose plugin and retry"
	workdir
	local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins" src
	say "building Docker Compose $COMPOSE_VERSION from its Go module into $plugins (about 1 min)"
	# For this machine (not GOOS=linux as the stand-ins), in a copy of the
	# module: its go.mod has exclude directives, which go install refuses.
	{ src=$(module_src "github.com/docker/compose/v5@$COMPOSE_VERSION") &&
		(cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -trimpath -o "$work/docker-compose" \
			-ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" ./cmd); } >"$work/compose.log" 2>&1 ||
		die "could not build Docker Compose ($(tail -n 1 "$work/compose.log")); install the docker-compose plugin and retry"
	mkdir -p "$plugins"
	cp "$work/docker-compose" "$plugins/docker-compose"
	chmod 0755 "$plugins/docker-compose"
	"$DOCKER" compose version >/dev/null 2>&1 || die "Compose was installed in $plugins but 'docker compose version' fails"
}

# go_tool NAME PACKAGE@VERSION PATH: a command built from its Go module
# into PATH (go install, then renamed: PATH names the version).
go_tool() {
	local name=$1 pkg=$2 path=$3
	[ -n "$path" ] && [ -n "${pkg##*@}" ] || die "usage: offline/setup.sh $name PATH VERSION"
	command -v go >/dev/null 2>&1 || die "$name is not installed and Go is not installed to build it: install $name and retry"
	workdir
	say "building $name ${pkg##*@} from its Go module into $path (a few minutes the first time)"
	CGO_ENABLED=0 GOBIN="$work/bin" GOFLAGS=-mod=mod GOTOOLCHAIN=local go install "$pkg" >"$work/$name.log" 2>&1 ||
		die "could not build $name ($(tail -n 1 "$work/$name.log")); install $name and retry"
	mkdir -p "$(dirname "$path")"
	mv "$work/bin/$name" "$path.$$"
	mv "$path.$$" "$path"
}

# write_build_flags: the files make and Compose read, each written whole
# under a name of this process's own and then renamed, so that a make
# running at the same time never reads half of one.
write_build_flags() {
	local flags f
	flags=$(build_flags)
	if [ -z "$flags" ]; then
		rm -f "$FLAGS_FILE" "$COMPOSE_FILE"
		return
	fi
	printf '# Written by offline/setup.sh bases: these base images could not be pulled,\n# so builds use the stand-ins. make setup removes this file once they can be.\nBASE_FLAGS := %s\n' "$flags" >"$FLAGS_FILE.$$"
	mv "$FLAGS_FILE.$$" "$FLAGS_FILE"
	# The same for compose.yaml's build (docker compose -f compose.yaml -f THIS).
	{
		printf '# Written by offline/setup.sh bases: compose.yaml builds on the stand-ins.\nservices:\n  app:\n    build:\n      additional_contexts:\n'
		for f in $flags; do
			[ "$f" = --build-context ] || printf '        "%s": "%s"\n' "${f%%=*}" "${f#*=}"
		done
	} >"$COMPOSE_FILE.$$"
	mv "$COMPOSE_FILE.$$" "$COMPOSE_FILE"
}

"$offline/../scripts/check-docker.sh" engine
case "${1:-}" in
buildx) ensure_buildx ;;
compose) ensure_compose ;;
bases)
	ensure_alpine
	ensure_golang
	write_build_flags
	;;
registry) ensure_registry ;;
buildkit) ensure_buildkit ;;
sbom-scanner) ensure_sbom_scanner ;;
cosign) go_tool cosign "github.com/sigstore/cosign/v3/cmd/cosign@${3:-}" "${2:-}" ;;
act) go_tool act "github.com/nektos/act@${3:-}" "${2:-}" ;;
*) die "unknown argument '${1:-}': use buildx, compose, bases, registry, buildkit, sbom-scanner, cosign or act (see offline/README.md)" ;;
esac
