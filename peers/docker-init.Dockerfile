# syntax=docker/dockerfile:1

# Peer: what `docker init` generates for a Go project, for make compare to
# measure beside the ladder. Not a rung, and not one to copy: final.Dockerfile
# is. `docker init` ships inside Docker Desktop, not as public source, so this
# is reconstructed from files it generated that are public: Docker's Go guide
# (https://docs.docker.com/guides/golang/) and docker/babashka-pod-docker's
# Dockerfile.init (https://github.com/docker/babashka-pod-docker). Its
# comments are shortened; its instructions are the template's, with two
# answers filled in as `docker init` asks them: the package is ./dependencies
# (the template builds "."), and the port is 8080.
#
#   docker build -f peers/docker-init.Dockerfile -t app .

################################################################################
# Create a stage for building the application.
ARG GO_VERSION=1.26
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src

# Download dependencies as a separate step to take advantage of Docker's
# caching: a cache mount to /go/pkg/mod/, and bind mounts to go.sum and go.mod.
RUN --mount=type=cache,target=/go/pkg/mod/ \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=go.mod,target=go.mod \
    go mod download -x

# This is the architecture you're building for, which is passed in by the
# builder. Placing it here allows the previous steps to be cached across
# architectures.
ARG TARGETARCH

# Build the application with the module cache mounted and the sources
# bind-mounted. There is no cache mount for Go's build cache (GOCACHE).
RUN --mount=type=cache,target=/go/pkg/mod/ \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /bin/server ./dependencies

################################################################################
# A new stage for running the application: Alpine, "latest".
FROM alpine:latest AS final

# Install any runtime dependencies that are needed to run your application.
RUN --mount=type=cache,target=/var/cache/apk \
    apk --update add \
        ca-certificates \
        tzdata \
        && \
        update-ca-certificates

# Create a non-privileged user that the app will run under.
ARG UID=10001
RUN adduser \
    --disabled-password \
    --gecos "" \
    --home "/nonexistent" \
    --shell "/sbin/nologin" \
    --no-create-home \
    --uid "${UID}" \
    appuser
USER appuser

# Copy the executable from the "build" stage.
COPY --from=build /bin/server /bin/

# Expose the port that the application listens on.
EXPOSE 8080

# What the container should run when it is started.
ENTRYPOINT [ "/bin/server" ]
