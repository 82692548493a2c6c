# ci.mk: the GitHub Actions workflow (.github/workflows/ci.yml) run on this
# machine by act, a real local runner, and its cache options measured
# (docs/ci.md). Each runs a command of ladder/, built into out/bin/ first.

# The workflow's job make ci-local runs: image, test or release.
JOB ?= image
# act, where it is installed; make setup-act builds it where not. Not ACT:
# act sets ACT=true in the jobs it runs.
ACT_VERSION = v0.2.89
ACT_CMD ?= $(shell command -v act 2>/dev/null || echo out/tools/act-$(ACT_VERSION))

##@ CI

.PHONY: ci-local
ci-local: setup setup-buildkit setup-registry setup-sbom-scanner setup-cosign setup-act ## Run a job of the workflow with act: JOB=image.
	@$(call ladder_bin,ci-local)
	out/bin/ci-local -repo . -docker '$(DOCKER)' -act '$(ACT_CMD)' -cosign '$(COSIGN)' -job '$(JOB)' -port '$(REGISTRY_PORT)'

.PHONY: setup-act
setup-act: ## Check act is installed (offline/ builds it from its Go module where not).
	@[ -x "$(ACT_CMD)" ] || command -v "$(ACT_CMD)" >/dev/null 2>&1 || offline/setup.sh act "$(ACT_CMD)" $(ACT_VERSION)

.PHONY: ci-compare
ci-compare: setup setup-buildkit setup-act shared-builder ## Time the image job's caches under act: out/ci-compare.json.
	@$(call ladder_bin,ci-compare)
	out/bin/ci-compare -repo . -docker '$(DOCKER)' -act '$(ACT_CMD)' -shared-builder-port $(SHARED_BUILDER_PORT)
