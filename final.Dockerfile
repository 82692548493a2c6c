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
# does not point caches nothing, silently. CGO_ENABLED=0: a static binary.
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build CGO_ENABLED=0

# Download modules with only go.mod and go.sum bind-mounted, so this step
# reruns only when they change. TARGETOS/TARGETARCH are not declared yet, so
# one download serves every target platform.
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download

# `docker build --target test .` runs the unit tests with the same caches and
# build tags as the binary. Its output is never part of the image.
FROM base AS test
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    go test -tags nomsgpack ./...

FROM base AS build

# Set by BuildKit from --platform (default: the builder's platform).
ARG TARGETOS TARGETARCH

# The version baked into the binary and its labels: --build-arg VERSION=v1.2.3.
ARG VERSION=dev

# The same mounts as rung 5. The build cache is shared by all platforms; Go
# keys every entry by GOOS/GOARCH.
#   -trimpath, -buildvcs=false: no paths or VCS stamps, so builds reproduce
#   -ldflags "-s -w": no symbol table or DWARF: a smaller binary
#   -tags nomsgpack: leaves gin's MessagePack support out; we serve JSON only
#   -v: lists the packages it compiles, so a build log shows what the cache missed
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -v -trimpath -buildvcs=false -tags nomsgpack \
      -ldflags="-s -w -X main.version=${VERSION}" \
      -o /out/server ./dependencies

# `docker build --target binary --output out/ .` writes just the binary.
FROM scratch AS binary
COPY --from=build /out/server /server

# The image we ship: nothing but the binary and the CA bundle. No shell, no
# package manager, nothing else for an attacker to use.
FROM scratch AS runtime

# Repeated here because ARGs do not cross stages.
ARG VERSION=dev

# https://github.com/opencontainers/image-spec/blob/main/annotations.md
LABEL org.opencontainers.image.source="https://github.com/go-docker/go-docker" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.description="gin + logrus HTTP server, built by go-docker's final.Dockerfile"

# Root CAs for outbound HTTPS, from the build stage (scratch has none).
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt

COPY --from=build /out/server /server

# A numeric non-root user: scratch has no /etc/passwd to look a name up in.
# 65532 is the "nonroot" user of distroless images.
USER 65532:65532

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# The binary checks itself: no shell or curl in the image. Engines before
# 25.0 ignore --start-interval and first check after --interval.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --start-interval=1s --retries=3 \
    CMD ["/server", "-healthcheck"]

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/server"]
