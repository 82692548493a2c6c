# Rung 5: mounts. No layer holds the sources any more: the context is
# bind-mounted into the one step that reads it, and Go's build cache joins
# the module cache in a cache mount, so an edit recompiles only the package
# it touched. The image is the same Alpine runtime as buildkit's.

# One place for each base version; override with --build-arg.
ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.23

# The official Go image on Alpine, named so the runtime stage can copy from it.
FROM golang:${GO_VERSION}-alpine AS build

# Build in a folder of our own instead of the image's GOPATH.
WORKDIR /src

# Pin both caches to the cache-mount targets below: a mount where `go env`
# does not point caches nothing, silently.
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build

# Download modules with only go.mod and go.sum bind-mounted, so this step
# reruns only when they change, and no layer keeps a copy of them.
# https://docs.docker.com/build/cache/optimize/#use-cache-mounts
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download

# Bind-mount the context instead of COPY . .: the sources are read in place
# and never become a layer. The build cache is a cache mount: after an edit
# Go recompiles only the edited package and links. -v lists the packages it
# compiles, so a build log shows what the cache missed.
# https://docs.docker.com/build/cache/optimize/#use-bind-mounts
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 go build -v -o /usr/local/bin/server ./dependencies

# A fresh, small base for the image we ship: no compiler, no sources.
FROM alpine:${ALPINE_VERSION} AS runtime

# Only the binary crosses over from the build stage.
COPY --from=build /usr/local/bin/server /usr/local/bin/server

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/server"]
