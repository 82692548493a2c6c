# bases.sh: stand-ins for the two base images of the ladder's Dockerfiles
# (sourced by setup.sh). A stand-in is built only when the official image is
# neither here nor pullable, under this project's own name
# (STAND_IN_PREFIX + the official name, LABEL STAND_IN_LABEL); the official
# name is never tagged. Builds are pointed at it with --build-context, which
# write_build_flags puts in the file the Makefile reads.

# 3a. alpine:<ALPINE_VERSION>
ensure_alpine() {
	local image="alpine:$ALPINE_VERSION"
	ready "$image" && return 0
	fetch_busybox "$image"
	local dir="$work/alpine"
	stand_in_context "$dir"
	{
		stand_in_dockerfile_head
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: static busybox and a CA bundle, built by offline/setup.sh\""
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
		echo "LABEL org.opencontainers.image.description=\"Stand-in for $image: static busybox and this machine's Go $have, built by offline/setup.sh\""
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
