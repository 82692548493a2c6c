# measuring.mk: the targets that measure the ladder and write the figures
# of README.md and docs/, and the shared builder. Each runs a command of
# ladder/, a Go module of its own, built into out/bin/ first.

# Runs per timing in make compare, which rungs it measures (empty: all),
# and what it measures beside them: docker-init, ko, all or none.
RUNS  ?= 3
RUNGS ?=
PEERS ?= all
# Timed edits per loop in make dev-compare, and which loops (empty: all).
EDITS ?= 5
LOOPS ?=
# The port on 127.0.0.1 of make shared-builder's BuildKit daemon.
SHARED_BUILDER_PORT ?= 1234

##@ Measuring

.PHONY: compare
compare: setup ## Time every rung and the peers against go build: out/compare.*.
	@$(call ladder_bin,compare)
	out/bin/compare -repo . -runs $(RUNS) -rungs '$(RUNGS)' -peers '$(PEERS)' -docker $(DOCKER) \
		-go-version $(GO_VERSION) -alpine-version $(ALPINE_VERSION)

.PHONY: dev-compare
dev-compare: setup setup-compose ## Time make dev's loops against go build, ko, make final: out/dev-loop.json.
	@$(call ladder_bin,dev-compare)
	out/bin/dev-compare -repo . -docker $(DOCKER) -edits $(EDITS) -loops '$(LOOPS)' -go-version $(GO_VERSION) -alpine-version $(ALPINE_VERSION)

.PHONY: cache-demo
cache-demo: setup setup-registry setup-buildkit ## Rebuild final from registry caches and a shared builder.
	@$(call ladder_bin,cache-demo)
	out/bin/cache-demo -repo . -docker $(DOCKER)

.PHONY: readme
readme: ## Copy every out/*.json's figures into the docs, and rerun each transcript.
	@$(call ladder_bin,readme)
	out/bin/readme -repo . -transcripts

.PHONY: readme-results
readme-results: ## Copy the last results of every measuring target into the docs.
	@$(call ladder_bin,readme)
	out/bin/readme -repo .

.PHONY: readme-cache-demo
readme-cache-demo: ## Copy the last cache-demo results into docs/ only.
	@$(call ladder_bin,readme)
	out/bin/readme -repo . -cache-demo-only

.PHONY: readme-page
readme-page: ## Rerun one page's transcripts: make readme-page PAGE=docs/release.md.
	@[[ -n "$(PAGE)" ]] || { echo "make: readme-page needs PAGE, e.g. make readme-page PAGE=docs/release.md" >&2; exit 2; }
	@$(call ladder_bin,readme)
	out/bin/readme -repo . -transcripts-of '$(PAGE)'

.PHONY: shared-builder
shared-builder: setup setup-buildkit ## Start a BuildKit daemon a team can share (docs/shared-builder.md).
	@$(call ladder_bin,shared-builder)
	out/bin/shared-builder -repo . -docker $(DOCKER) -port $(SHARED_BUILDER_PORT)

# The images the demos run: the official one, or where it cannot be
# pulled, a stand-in offline/setup.sh builds.
.PHONY: setup-registry setup-buildkit setup-sbom-scanner
setup-registry: ## Get the registry image (cache-demo, release, test).
	@scripts/check-docker.sh pull $(REGISTRY_IMAGE) 2>/dev/null || offline/setup.sh registry
setup-buildkit: ## Get the BuildKit image of the shared builder (cache-demo, test).
	@scripts/check-docker.sh pull $(BUILDKIT_IMAGE) 2>/dev/null || offline/setup.sh buildkit
setup-sbom-scanner: ## Get BuildKit's SBOM generator image (release, test).
	@scripts/check-docker.sh pull $(SBOM_SCANNER_IMAGE) 2>/dev/null || offline/setup.sh sbom-scanner
