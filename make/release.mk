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

release_flags = -repo . -docker '$(DOCKER)' -version '$(VERSION)' -platforms '$(PLATFORMS)' -package '$(PACKAGE)' \
	-registry '$(REGISTRY)' -port '$(REGISTRY_PORT)' -go-version '$(GO_VERSION)' -alpine-version '$(ALPINE_VERSION)' \
	-allow-dirty=$(if $(filter 1,$(ALLOW_DIRTY)),true,false)
check_allow_dirty = [[ -z "$(ALLOW_DIRTY)" || "$(ALLOW_DIRTY)" == 0 || "$(ALLOW_DIRTY)" == 1 ]] || \
	{ echo "make: invalid ALLOW_DIRTY '$(ALLOW_DIRTY)': use 1 or leave it empty (make release ALLOW_DIRTY=1)" >&2; exit 2; }

##@ Release

.PHONY: release
release: setup setup-registry setup-sbom-scanner ## Push final for PLATFORMS with SBOM and provenance: VERSION=v1.0.0.
	@$(check_allow_dirty)
	@$(call ladder_bin,release)
	out/bin/release $(release_flags) -build-flags '$(BUILD_FLAGS)'

.PHONY: verify-release
verify-release: ## Check a pushed release: platforms, SBOM, provenance, version.
	@$(check_allow_dirty)
	@$(call ladder_bin,release)
	out/bin/release -verify $(release_flags) -commit '$(COMMIT)'
