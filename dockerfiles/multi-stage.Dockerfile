# Rung 2: multi-stage. The toolchain stays in a build stage; the image that
# ships is a small Alpine with only the binary copied into it.

# One place for each base version; override with --build-arg.
ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.23

# The official Go image on Alpine, named so the runtime stage can copy from it.
FROM golang:${GO_VERSION}-alpine AS build

# Build in a folder of our own instead of the image's GOPATH.
WORKDIR /src

# Copy the whole build context (minus .dockerignore): go.mod, go.sum, sources.
COPY . .

# CGO_ENABLED=0 makes a static binary that needs no C library at run time.
RUN CGO_ENABLED=0 go build -o /usr/local/bin/server ./simple

# A fresh, small base for the image we ship: no compiler, no sources.
FROM alpine:${ALPINE_VERSION} AS runtime

# Only the binary crosses over from the build stage.
COPY --from=build /usr/local/bin/server /usr/local/bin/server

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/server"]
