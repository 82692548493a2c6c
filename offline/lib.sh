# lib.sh: what the offline set-up's scripts share (sourced, not run).
# Portable: bash 3.2, a BSD userland.

# shellcheck source=../scripts/names.env
. "$offline/../scripts/names.env"
DOCKER=${DOCKER:-docker}

say() { echo "offline: $*" >&2; }
die() { echo "offline: $*" >&2; exit 1; }

work=
cleanup() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
workdir() { if [ -z "$work" ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/go-docker-setup.XXXXXX"); fi; }

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

