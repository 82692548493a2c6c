# release.mk: make release and make verify-release (docs/release.md).

# Its platforms, and where it pushes: REGISTRY=registry.example.com/you, or
# (empty) a registry container on 127.0.0.1:REGISTRY_PORT. PACKAGE: the main
# package final.Dockerfile builds. COMMIT: the commit verify-release
# expects (empty: HEAD). ALLOW_DIRTY=1 releases uncommitted changes, its
# provenance naming <commit>-dirty, which verify-release then accepts.
PLATFORMS     ?= linux/amd64,linux/arm64
REGISTRY      ?=
REGISTRY_PORT ?= 5001
PACKAGE       ?= ./dependencies
COMMIT        ?=
ALLOW_DIRTY   ?=
# The release is signed with cosign: SIGNING_KEY, the private key (the
# default pair is made on first use, for this machine), SIGNING_PUB, the
# public key verify-release checks with (empty: SIGNING_KEY's .pub).
# COSIGN: the command; make setup-cosign builds it where none is installed.
SIGNING_KEY   ?= out/release/cosign.key
SIGNING_PUB   ?=
COSIGN_VERSION = v3.1.3
COSIGN        ?= $(shell command -v cosign 2>/dev/null || echo out/tools/cosign-$(COSIGN_VERSION))

release_flags = -repo . -docker '$(DOCKER)' -version '$(VERSION)' -platforms '$(PLATFORMS)' -package '$(PACKAGE)' \
	-registry '$(REGISTRY)' -port '$(REGISTRY_PORT)' -go-version '$(GO_VERSION)' -alpine-version '$(ALPINE_VERSION)' \
	-allow-dirty=$(if $(filter 1,$(ALLOW_DIRTY)),true,false) \
	-cosign '$(COSIGN)' -signing-key '$(SIGNING_KEY)' -signing-pub '$(SIGNING_PUB)'
check_allow_dirty = [[ -z "$(ALLOW_DIRTY)" || "$(ALLOW_DIRTY)" == 0 || "$(ALLOW_DIRTY)" == 1 ]] || \
	{ echo "make: invalid ALLOW_DIRTY '$(ALLOW_DIRTY)': use 1 or leave it empty (make release ALLOW_DIRTY=1)" >&2; exit 2; }

##@ Release

.PHONY: release
release: setup setup-registry setup-sbom-scanner setup-cosign ## Push and sign final for PLATFORMS, with SBOM and provenance: VERSION=v1.0.0.
	@$(check_allow_dirty)
	@$(call ladder_bin,release)
	out/bin/release $(release_flags) -build-flags '$(BUILD_FLAGS)'

.PHONY: verify-release
verify-release: setup-cosign ## Check a pushed release: signature, platforms, SBOM, provenance.
	@$(check_allow_dirty)
	@$(call ladder_bin,release)
	out/bin/release -verify $(release_flags) -commit '$(COMMIT)'

.PHONY: setup-cosign
setup-cosign: ## Check cosign is installed (offline/ builds it from its Go module where not).
	@[ -x "$(COSIGN)" ] || command -v "$(COSIGN)" >/dev/null 2>&1 || offline/setup.sh cosign "$(COSIGN)" $(COSIGN_VERSION)
