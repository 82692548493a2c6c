# The base image ko builds on in make compare: what final.Dockerfile's
# runtime stage holds besides the binary, the CA bundle and a numeric
# non-root user, on scratch. ko's own default base (a small static image
# with the same two things) is in a registry, and make compare must run
# without one; ko reads this one from the engine (ko.local/...).

ARG GO_VERSION=1.26

# Only its CA bundle is used, as in final.Dockerfile.
FROM golang:${GO_VERSION}-alpine AS certs

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
USER 65532:65532
