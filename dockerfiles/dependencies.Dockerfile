# Rung 3: dependencies. The program now uses gin and logrus. Copying go.mod
# and go.sum first, and downloading modules before the sources arrive, gives
# the download its own layer: a source-only edit reuses it.

# One place for each base version; override with --build-arg.
ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.23

# The official Go image on Alpine, named so the runtime stage can copy from it.
FROM golang:${GO_VERSION}-alpine AS build

# Build in a folder of our own instead of the image's GOPATH.
WORKDIR /src

# Only the module files: this layer changes when dependencies change.
COPY go.mod go.sum ./

# Download every module once; cached until go.mod or go.sum changes.
RUN go mod download

# Now the sources: an edit here invalidates only the layers from this one on.
COPY . .

# CGO_ENABLED=0 makes a static binary that needs no C library at run time.
RUN CGO_ENABLED=0 go build -o /usr/local/bin/server ./dependencies

# A fresh, small base for the image we ship: no compiler, no sources.
FROM alpine:${ALPINE_VERSION} AS runtime

# Only the binary crosses over from the build stage.
COPY --from=build /usr/local/bin/server /usr/local/bin/server

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/server"]
