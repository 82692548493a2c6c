# Rung 1: simple. One stage: the image that builds the program also runs it,
# so it ships the whole Go toolchain (hundreds of MB) next to a small binary.

# One place for the Go version; override with --build-arg GO_VERSION=1.26.
ARG GO_VERSION=1.26

# The official Go image on Alpine: the compiler, the standard library, a shell.
FROM golang:${GO_VERSION}-alpine

# Build in a folder of our own instead of the image's GOPATH.
WORKDIR /src

# Copy the whole build context (minus .dockerignore): go.mod, go.sum, sources.
COPY . .

# Compile the standard-library server into one binary.
RUN go build -o /usr/local/bin/server ./simple

# Document the port the server listens on ($PORT, default 8080).
EXPOSE 8080

# Exec form, so the server is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/server"]
