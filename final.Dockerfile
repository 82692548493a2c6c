# Rung 6: final. The one to copy: the caches and mounts of rung 5, plus what
# production asks for. The build cross-compiles for any platform without
# emulation, the binary is stripped, the tests run in a stage of their own,
# and the image is just the binary on scratch, running as a non-root user,
# with labels and a healthcheck.
#
#   docker build -f final.Dockerfile -t app .                    # image
#   docker build -f final.Dockerfile --target test .             # go test
#   docker buildx build -f final.Dockerfile --platform linux/arm64 -t app --load .

# One place for the Go version; override with --build-arg.
ARG GO_VERSION=1.26

# Run the toolchain on the builder's own platform ($BUILDPLATFORM) even when
# the image is for another one: Go cross-compiles, so no QEMU is needed.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS base

# Build in a folder of our own instead of the image's GOPATH.
WORKDIR /src

# Pin both caches to the cache-mount targets below: a mount where `go env`
# does not point caches nothing, silently.
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build

# Download modules with only go.mod and go.sum in hand, so this step reruns
# only when they change. COPY, not a bind mount as in rung 5: the wildcard
# lets a module without dependencies, which has no go.sum, build too.
# TARGETOS/TARGETARCH are not declared yet, so one download serves every
# target platform.
# https://docs.docker.com/build/cache/optimize/#use-cache-mounts
COPY go.mod go.sum* ./
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    go mod download

# `docker build -f final.Dockerfile --target test .` runs the unit tests with
# the same caches and build tags as the binary. Its output is never part of
# the image.
FROM base AS test
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 go test -tags nomsgpack ./...

# The stage that compiles the binary and lays out the image's files; it
# shares base's downloaded modules with the test stage.
FROM base AS build

# Set by BuildKit from --platform (default: the builder's platform).
ARG TARGETOS TARGETARCH

# The main package to build: --build-arg PACKAGE=./cmd/api for yours.
ARG PACKAGE=./dependencies

# The version baked into the binary and its labels: --build-arg VERSION=v1.2.3.
# -X sets main.version; a program without that variable is built as usual.
ARG VERSION=dev

# The same mounts as rung 5. The build cache is shared by all platforms; Go
# keys every entry by GOOS/GOARCH. Not --network=none: where the download
# step's layer comes from a registry cache (--cache-from on a CI runner), the
# module cache mount is empty and go build fetches the modules itself.
#   -trimpath, -buildvcs=false: no paths or VCS stamps, so builds reproduce
#   -ldflags "-s -w": no symbol table or DWARF: a smaller binary
#   -tags nomsgpack: leaves gin's MessagePack support out; we serve JSON
#     only (a tag no package reads changes nothing)
#   -v: lists the packages it compiles, so a build log shows what the cache missed
# Then it lays out the image's whole filesystem in /out/root (the binary and
# the CA bundle scratch lacks), every path dated 1970-01-01, as in distroless
# images: a fixed date, not the commit's (SOURCE_DATE_EPOCH), because BuildKit
# leaves that out of a step's cache key, and a layer cached at an older commit
# would keep its date. BuildKit dates the image config SOURCE_DATE_EPOCH at
# export, every build. So the image is the same bit for bit from one commit.
# https://docs.docker.com/build/ci/github-actions/reproducible-builds/
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -v -trimpath -buildvcs=false -tags nomsgpack \
      -ldflags="-s -w -X main.version=${VERSION}" \
      -o /out/root/server "${PACKAGE}" && \
    mkdir -p /out/root/etc/ssl/certs && \
    cp /etc/ssl/certs/ca-certificates.crt /out/root/etc/ssl/certs/ && \
    find /out/root -exec touch -d @0 {} +

# `docker build -f final.Dockerfile --target binary --output out/ .` writes
# just the binary.
FROM scratch AS binary
COPY --from=build /out/root/server /server

# The image we ship: nothing but the binary and the CA bundle. No shell, no
# package manager, nothing else for an attacker to use.
FROM scratch AS runtime

# Repeated here because ARGs do not cross stages.
ARG VERSION=dev

# Put your service's own source, licence and description here.
# https://github.com/opencontainers/image-spec/blob/main/annotations.md
LABEL org.opencontainers.image.source="https://github.com/go-docker/go-docker" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.description="gin + logrus HTTP server, built by go-docker's final.Dockerfile"

# The binary at /server and the root CAs for outbound HTTPS, in one layer
# with the dates set above. One COPY, because the folders a COPY creates
# above a file take the build's time (moby/buildkit#6348). --link: the layer
# does not depend on the ones before it.
COPY --link --from=build /out/root/ /

# A numeric non-root user: scratch has no /etc/passwd to look a name up in.
# 65532 is the "nonroot" user of distroless images.
USER 65532:65532

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# The binary checks itself: no shell or curl in the image. Engines before
# 25.0 ignore --start-interval and first check after --interval. Your
# program needs a -healthcheck flag for this (about 15 lines, shown in
# docs/your-service.md); without one, delete these two lines, or the
# container is marked unhealthy ("flag provided but not defined").
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --start-interval=1s --retries=3 \
    CMD ["/server", "-healthcheck"]

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/server"]
