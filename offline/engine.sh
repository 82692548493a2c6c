#!/usr/bin/env bash
# engine.sh: build and start a current Docker Engine from its Go modules, for
# machines that have no engine and cannot install one from a package (the
# project's CI: Debian 12 packages only Engine 20.10, and no registry
# answers). Readers with Docker Desktop or Docker Engine never need it.
#
# It only acts as root on Linux, and only when no engine answers on the
# default socket. It then:
#   1. installs what the engine needs from the system's packages (iptables
#      for the bridge network, libseccomp-dev and pkg-config to build runc,
#      tini as its docker-init);
#   2. builds dockerd, docker-proxy, containerd, its runc shim and runc from
#      their Go modules into $GO_DOCKER_ENGINE_CACHE/<versions>/bin, once: a
#      later run reuses the binaries (about 12 min cold on 2 cores, buildx
#      of step 3 included: they build side by side);
#   3. installs buildx, built from its Go module, as a system-wide CLI plugin
#      if the CLI has none;
#   4. starts dockerd in the background on /var/run/docker.sock with state of
#      its own (data root, exec root, pid file and containerd under
#      /var/lib/go-docker-engine and /var/run/go-docker-engine), so it shares
#      nothing with another engine's /var/lib/docker. The socket belongs to
#      the docker group, created if missing.
#
# Usage: offline/engine.sh         set up and start the engine (root)
#        offline/engine.sh build   only build (or find) the binaries
#        offline/engine.sh stop    stop the engine this script started
# Environment: DOCKER (default docker), GO_DOCKER_ENGINE_CACHE (default
#              /var/cache/go-docker-engine)
set -euo pipefail

# The versions, in one place. To bump one: check the newest with
#   go list -m -versions github.com/moby/moby/v2    (and the modules below),
# change it here, delete nothing (the cache folder is named after the
# versions), run `sudo offline/engine.sh stop && sudo offline/engine.sh`, and
# run `make test`. ENVIRONMENT notes: moby v2.0.0-beta.24 embeds BuildKit
# v0.33.0; containerd and runc versions are what it was verified with.
MOBY_VERSION=v2.0.0-beta.24
CONTAINERD_VERSION=v2.4.2
RUNC_VERSION=v1.5.3
BUILDX_VERSION=v0.19.3

DOCKER=${DOCKER:-docker}
CACHE=${GO_DOCKER_ENGINE_CACHE:-/var/cache/go-docker-engine}
BIN=$CACHE/moby-$MOBY_VERSION-containerd-$CONTAINERD_VERSION-runc-$RUNC_VERSION/bin
DATA_ROOT=/var/lib/go-docker-engine
EXEC_ROOT=/var/run/go-docker-engine
PIDFILE=/var/run/go-docker-engine.pid
LOG=/var/log/go-docker-engine.log
SOCKET=/var/run/docker.sock

say() { echo "engine: $*" >&2; }
die() { echo "engine: $*" >&2; exit 1; }

# answers: true when an engine answers on the CLI's current endpoint within
# 20 s (no `timeout` needed: the CLI gives up by itself on a dead socket;
# the loop bounds a hung one).
answers() {
	"$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 1 40); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.5
	done
	kill "$pid" 2>/dev/null || true
	return 1
}

# live_pid NAME FILE prints the pid FILE holds when that process is a live
# NAME, and fails otherwise. A pid file can outlive its process: its pid may
# since name another process, which must never be signalled, or a zombie.
live_pid() {
	local pid stat
	[[ -f $2 ]] || return 1
	pid=$(tr -dc 0-9 <"$2")
	[[ -n $pid ]] || return 1
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$1" ]] || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]] || return 1
	echo "$pid"
}

ours_running() { live_pid dockerd "$PIDFILE" >/dev/null; }

# wait_gone SECONDS: true once the engine we started has exited.
wait_gone() {
	local i
	for i in $(seq 1 $(($1 * 2))); do ours_running || return 0; sleep 0.5; done
	return 1
}

stop() {
	local pid
	pid=$(live_pid dockerd "$PIDFILE") || return 0
	say "stopping the engine (pid $pid)"
	kill "$pid"
	wait_gone 30 || die "dockerd did not stop within 30 s; see $LOG"
}

# settle makes way for a new engine. An engine we started that does not
# answer may be starting, or shutting down (it removes its socket first,
# then stops its containers): wait up to 60 s for it to answer (settle then
# fails: nothing to start) or exit, and stop it if it does neither. dockerd
# refuses to start while its pid file names any live process, so a stale
# one goes; so does containerd's, unless it names a live containerd, which
# dockerd takes over.
settle() {
	local pid deadline=$((SECONDS + 60))
	if pid=$(live_pid dockerd "$PIDFILE"); then
		say "the engine started before (pid $pid) does not answer; waiting up to 60 s for it to answer or exit"
		while ((SECONDS < deadline)); do
			ours_running || break
			answers && return 1
			sleep 1
		done
		if ours_running; then
			say "stopping it: it neither answered nor exited"
			kill "$pid" 2>/dev/null || true
			wait_gone 30 || { kill -9 "$pid" 2>/dev/null || true; wait_gone 10; } ||
				die "the engine started before (pid $pid) does not exit; see $LOG"
		fi
	fi
	rm -f "$PIDFILE"
	live_pid containerd "$EXEC_ROOT/containerd/containerd.pid" >/dev/null || rm -f "$EXEC_ROOT/containerd/containerd.pid"
}

apt_install() {
	local missing=() p
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get: install them and retry"
	say "installing ${missing[*]} (Debian packages)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq "${missing[@]}" >"$work/apt.log" 2>&1 ||
		{ apt-get update -qq >>"$work/apt.log" 2>&1 && apt-get install -y -qq "${missing[@]}" >>"$work/apt.log" 2>&1; } ||
		die "could not install ${missing[*]} ($(tail -n1 "$work/apt.log"))"
}

# go_install NAME ARGS...: go install ARGS in the background, its output in
# $work/NAME.log; finish waits for every one started and fails naming the
# first that failed. The builds run side by side: each is one go command
# that compiles on every core, but each also waits on downloads and ends in
# a link on one core, which the others fill.
jobs_started=()
go_install() {
	local name=$1
	shift
	GOBIN=$work/bin GOFLAGS=-mod=mod GOTOOLCHAIN=local go install "$@" >"$work/$name.log" 2>&1 &
	jobs_started+=("$name:$!")
}
finish() {
	local job failed=
	for job in ${jobs_started[@]+"${jobs_started[@]}"}; do
		wait "${job#*:}" || failed=${failed:-${job%%:*}}
	done
	jobs_started=()
	[[ -z $failed ]] || die "could not build $failed ($(tail -n1 "$work/$failed.log"))"
}

build() {
	local want=(dockerd docker-proxy containerd containerd-shim-runc-v2 runc) b have=1
	for b in "${want[@]}"; do [[ -x $BIN/$b ]] || have=0; done
	[[ $have -eq 1 ]] && return 0
	command -v go >/dev/null 2>&1 || die "Go is needed to build the engine: install Go and retry"
	mkdir -p "$BIN"
	say "building Docker Engine $MOBY_VERSION, containerd $CONTAINERD_VERSION and runc $RUNC_VERSION from their Go modules into $BIN (about 12 min on 2 cores the first time)"
	local x="-X github.com/moby/moby/v2/dockerversion.Version=$MOBY_VERSION -X github.com/moby/moby/v2/dockerversion.GitCommit=$MOBY_VERSION"
	go_install dockerd -ldflags "$x" "github.com/moby/moby/v2/cmd/dockerd@$MOBY_VERSION" "github.com/moby/moby/v2/cmd/docker-proxy@$MOBY_VERSION"
	go_install containerd "github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD_VERSION" "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION"
	go_install runc -tags seccomp "github.com/opencontainers/runc@$RUNC_VERSION"
	# With with-buildx, buildx (when missing) builds alongside.
	[[ ${1:-} != with-buildx ]] || buildx start
	finish
	for b in "${want[@]}"; do install -m 0755 "$work/bin/$b" "$BIN/$b"; done
	buildx install
}

# buildx [start|install]: the docker CLI plugin, built from its Go module
# when the CLI has none. With no argument it builds and installs; build
# starts its build next to the engine's (start), and installs it once all
# are done (install).
buildx() {
	local plugins=/usr/local/lib/docker/cli-plugins
	case "${1:-}" in
	install)
		[[ -x $work/bin/buildx ]] || return 0
		mkdir -p "$plugins"
		install -m 0755 "$work/bin/buildx" "$plugins/docker-buildx"
		return 0
		;;
	esac
	# A buildx without its version stamp (v0.0.0), as this script built
	# before, is refused by docker compose: build it again.
	"$DOCKER" buildx version 2>/dev/null | grep -v ' v0\.0\.0' | grep -q . && return 0
	say "building buildx $BUILDX_VERSION from its Go module into $plugins (about 2 min)"
	go_install buildx -ldflags "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION" "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
	[[ ${1:-} == start ]] && return 0
	finish
	buildx install
}

start() {
	getent group docker >/dev/null 2>&1 || groupadd --system docker
	mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
	settle || return 0
	say "starting Docker Engine $MOBY_VERSION in the background (log: $LOG)"
	# A stale socket left by a killed engine would make dockerd refuse.
	[[ -S $SOCKET ]] && ! answers && rm -f "$SOCKET"
	# The builder's garbage collection: its defaults, but for the free space
	# it keeps. That default is a fifth of the disk, and on a machine whose
	# disk is mostly used (as CI machines' can be) it prunes the layer cache
	# in the middle of the tests; here it acts below 2 GB free. 25 GB
	# reserved keeps the default cap on cache mounts (about 3.3 GB).
	printf '{"builder": {"gc": {"enabled": true, "defaultReservedSpace": "25GB", "defaultMaxUsedSpace": "150GB", "defaultMinFreeSpace": "2GB"}}}\n' >"$DATA_ROOT/daemon.json"
	PATH=$BIN:$PATH nohup dockerd --config-file "$DATA_ROOT/daemon.json" \
		--data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
		-H "unix://$SOCKET" --group docker --init-path /usr/bin/tini-static \
		--userland-proxy-path "$BIN/docker-proxy" >>"$LOG" 2>&1 </dev/null &
	local pid=$! i
	for i in $(seq 1 120); do
		answers && return 0
		kill -0 "$pid" 2>/dev/null || die "dockerd exited; see $LOG: $(tail -n1 "$LOG")"
		sleep 0.5
	done
	die "dockerd did not answer within 60 s; see $LOG"
}

[[ $(uname -s) == Linux ]] || die "only for Linux machines without Docker: on macOS and Windows, start Docker Desktop"
[[ $(id -u) -eq 0 ]] || die "building and starting an engine needs root: start Docker yourself ('sudo systemctl start docker'), or run 'sudo offline/engine.sh'"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "${1:-}" in
"")
	if answers; then
		buildx
		exit 0
	fi
	# tini: the engine's docker-init (docker run --init, and the builders
	# docker buildx create starts), as Docker's own packages ship it.
	apt_install iptables libseccomp-dev pkg-config tini
	build with-buildx
	buildx
	start
	;;
build)
	apt_install libseccomp-dev pkg-config
	build
	echo "$BIN"
	;;
stop)
	stop
	;;
*)
	die "unknown argument '$1': use no argument (set up and start), 'build' or 'stop'"
	;;
esac
