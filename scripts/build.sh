#!/usr/bin/env bash
# build.sh: run one rung's `docker buildx build` and print one line: the
# image, its unpacked size (base + what the rung adds) and the build's wall
# time. make runs it in front of the command you would type:
#
#   scripts/build.sh docker buildx build ... -f dockerfiles/simple.Dockerfile -t go-docker-simple .
#
# The command runs as given. This script only watches it:
#   - its output goes to out/logs/build-NAME.log (NAME: the Dockerfile's
#     name less .Dockerfile), and to the terminal too when there is one;
#   - the wall time goes to out/logs/build-NAME.seconds (make compare reads
#     it), the printed line to out/logs/ladder.txt (make all prints it);
#   - when the build fails: the log's last lines, and one line that says
#     why (no engine, no buildx, a base image that cannot be pulled).
# Progress is plain, as the log keeps it and make compare reads it.
# BUILDX_GIT_INFO=0 spares buildx seven git calls whose answers only go into
# provenance, which the final image does not carry (about 0.05 s).
#
# The size is the unpacked size (the layers' sum in `docker history`), the
# same on the classic and the containerd image store, split into the base
# image and the history entries of the Dockerfile's last stage, one per
# instruction after its last FROM. An image for another platform is not
# unpacked and its history says 0: then its layers' stored size.
# Portable: bash 3.2, a BSD userland.
set -eu
set -o pipefail

[ $# -gt 0 ] || { echo "build.sh: give the build command, e.g. scripts/build.sh docker buildx build -f Dockerfile -t name ." >&2; exit 2; }
case $0 in */*) scripts=${0%/*} ;; *) scripts=. ;; esac
docker=$1

# What the command builds: its Dockerfile and image, read from its flags.
dockerfile=Dockerfile image= stand_in=
prev=
for arg in "$@"; do
	case $prev in
	-f | --file) dockerfile=$arg ;;
	-t | --tag) image=$arg ;;
	esac
	case $arg in
	--file=*) dockerfile=${arg#--file=} ;;
	--tag=*) image=${arg#--tag=} ;;
	*=docker-image://go-docker-stand-in/*) stand_in="   [stand-in base images]" ;;
	esac
	prev=$arg
done
[ -n "$image" ] || { echo "build.sh: the build command has no -t IMAGE" >&2; exit 2; }
name=${dockerfile##*/}
name=${name%.Dockerfile}
log=out/logs/build-$name.log

# Seconds since the epoch with milliseconds: BSD date has no %N.
now() { perl -MTime::HiRes=time -e 'printf "%.3f\n", time'; }

mkdir -p out/logs
start=$(now)
status=0
if [ -t 1 ]; then
	BUILDKIT_PROGRESS=plain BUILDX_GIT_INFO=0 "$@" 2>&1 | tee "$log" || status=$?
else
	BUILDKIT_PROGRESS=plain BUILDX_GIT_INFO=0 "$@" >"$log" 2>&1 || status=$?
fi
end=$(now)

if [ $status -ne 0 ]; then
	# No engine or no buildx: its one line is the whole story.
	DOCKER=$docker "$scripts/check-docker.sh" || exit 1
	tail -n 15 "$log" >&2
	base=$(sed -n 's/.*failed to resolve source metadata for docker.io\/library\/\([^:]*:[^:]*\):.*/\1/p' "$log" | head -n 1)
	if [ -n "$base" ]; then
		echo "make: the base image $base cannot be pulled: without a registry, run make setup (it builds stand-ins: offline/README.md)" >&2
	fi
	echo "make: building $image failed; full log: $log" >&2
	exit 1
fi

# The instructions after the Dockerfile's last FROM: what the rung adds.
added=$(awk '/^FROM / { n = 0; next } /^[A-Z]+[ \t]/ { n++ } END { print n }' "$dockerfile")
sizes=$("$docker" history --human=false --format '{{.Size}}' "$image" |
	awk -v k="$added" '{ b += $1; if (NR <= k) a += $1 } END { printf "%d %d", b, a }')
[ "$sizes" != "0 0" ] || sizes="$("$docker" image inspect --format '{{.Size}}' "$image") 0"

awk -v sizes="$sizes" -v img="$image" -v s="$start" -v e="$end" -v si="$stand_in" -v secs="out/logs/build-$name.seconds" '
	function human(b, i) { i = 1; while (b >= 1000 && i < 5) { b /= 1000; i++ } return sprintf("%.3g%s", b, u[i]) }
	BEGIN {
		split("B kB MB GB TB", u, " "); split(sizes, z, " ")
		printf "%.3f\n", e - s > secs
		split_ = (z[2] > 0 && z[1] > z[2]) ? " (base " human(z[1] - z[2]) " + " human(z[2]) ")" : ""
		printf "%-24s %8s%s   built in %5.1f s (wall time of docker build)%s\n", img, human(z[1]), split_, e - s, si
	}' | tee -a out/logs/ladder.txt
