# Rung 4: buildkit. BuildKit, the builder of Docker Engine 23+ and Docker
# Desktop, adds RUN --mount. A cache mount keeps the module cache between
# builds, even when go.mod changes and the download layer reruns.

# One place for each base version; override with --build-arg.
ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.23

# The official Go image on Alpine, named so the runtime stage can copy from it.
FROM golang:${GO_VERSION}-alpine AS build

# Build in a folder of our own instead of the image's GOPATH.
WORKDIR /src

# Only the module files: this layer changes when dependencies change.
COPY go.mod go.sum ./

# Download into a cache mount at the module cache (/go/pkg/mod): it outlives
# the layer, so a go.mod change downloads only the new modules. The id names
# this project's cache, so it can be emptied without touching others'.
# https://docs.docker.com/build/cache/optimize/#use-cache-mounts
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    go mod download

# Now the sources: an edit here invalidates only the layers from this one on.
COPY . .

# The modules live in the cache mount, not in a layer, so mount it here too.
RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -o /usr/local/bin/server ./dependencies

# A fresh, small base for the image we ship: no compiler, no sources.
FROM alpine:${ALPINE_VERSION} AS runtime

# Only the binary crosses over from the build stage.
COPY --from=build /usr/local/bin/server /usr/local/bin/server

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/server"]
