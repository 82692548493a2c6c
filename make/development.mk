# development.mk: the project's own tests and checks (docs/ci.md).

# Tools are installed once per version, into a folder named after it.
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := out/bin/actionlint-$(ACTIONLINT_VERSION)/actionlint

# offline/sbom-scanner is a module of its own (syft's modules stay out of
# the others), tested and vetted with the flags offline/setup.sh builds it
# with, so the three share syft's compiled packages (about 4 min on 2
# cores, once).
SBOM_SCANNER_GO := cd offline/sbom-scanner && CGO_ENABLED=0 GOFLAGS=-mod=readonly
SBOM_SCANNER_FLAGS := -trimpath -gcflags 'all=-N -l'

##@ Development

.PHONY: test
test: test-unit test-e2e ## Unit tests, then end-to-end tests with a real engine.

.PHONY: test-unit
test-unit: ## Unit tests and the repository's static checks (no Docker needed).
	go test ./...
	cd ladder && go test ./...
	$(SBOM_SCANNER_GO) go test $(SBOM_SCANNER_FLAGS) ./...

# Its images are go-docker-e2e-* or carry tags of their own, and are
# removed; your go-docker-final and cache mounts keep their IDs.
# GO_DOCKER_TEST_DISTCLEAN=1 also checks make distclean, last.
.PHONY: test-e2e
test-e2e: setup setup-registry setup-buildkit setup-sbom-scanner setup-compose ## Build, run and probe every rung.
	cd ladder && IMAGE_PREFIX='$(IMAGE_PREFIX)e2e-' go test -tags e2e -count=1 -timeout 75m ./e2e

# The base flags are read when the checks run: make setup, above, may have
# just written them, after make read its files.
.PHONY: lint
lint: setup ## gofmt, go vet, actionlint, and BuildKit's checks on every Dockerfile.
	@mkdir -p out/logs
	@set -o pipefail; out=$$(gofmt -l . ); if [[ -n $$out ]]; then echo "gofmt needed on: $$out" >&2; exit 1; fi
	go vet ./...
	cd ladder && go vet ./... && go vet -tags e2e ./e2e
	$(SBOM_SCANNER_GO) go vet $(SBOM_SCANNER_FLAGS) ./...
	@[[ -x $(ACTIONLINT) ]] || GOBIN=$(CURDIR)/out/bin/actionlint-$(ACTIONLINT_VERSION) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
	$(ACTIONLINT)
	@set -e; base_flags=$$(sed -n 's/^BASE_FLAGS := //p' $(BASE_FLAGS_FILE) 2>/dev/null || true); \
	for f in $$(awk '/^[a-z]/ { print $$2 }' dockerfiles/rungs.txt); do \
		echo "build checks: $$f"; \
		$(DOCKER) build --check $$base_flags -f $$f . >out/logs/check.log 2>&1 || { cat out/logs/check.log >&2; exit 1; }; \
		grep -q 'no warnings found' out/logs/check.log || { cat out/logs/check.log >&2; exit 1; }; \
	done
