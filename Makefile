# go-docker: build the ladder of Dockerfiles and compare what each rung buys.
# Run `make` (or `make help`) to see the targets.
#
# Every variable can be overridden on the command line, for example:
#   make final PLATFORM=linux/arm64 VERSION=v1.0.0
#   make run RUNG=multi-stage PORT=3000
#
# Portable on purpose: GNU make 3.81 and bash 3.2 (as macOS ships them) and a
# BSD userland. make 3.81 ignores .SHELLFLAGS, so every recipe line with more
# than one command starts with $(STRICT) instead of relying on it.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
STRICT := set -eu -o pipefail;
# Seconds since the epoch with milliseconds: BSD date has no %N.
NOW := perl -MTime::HiRes=time -e 'printf "%.3f\n", time'
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

DOCKER         ?= docker
IMAGE_PREFIX   ?= go-docker-
# The tag of the images make builds (make final IMAGE_TAG=v1.0.0).
IMAGE_TAG      ?= latest
GO_VERSION     ?= 1.26
ALPINE_VERSION ?= 3.23
# Target platform of `make final`, e.g. linux/arm64 (empty: this machine's).
PLATFORM       ?=
# Version baked into the final image's binary and labels.
VERSION        ?= dev
# Extra docker build flags, e.g. BUILD_FLAGS=--no-cache to time a first build.
BUILD_FLAGS    ?=
# Rung for `make run`, and the host port it listens on.
RUNG           ?= final
PORT           ?= 8080
# Runs per timing in `make compare`, and which rungs it measures (empty: all).
RUNS           ?= 3
RUNGS          ?=
# What `make compare` measures beside the rungs: docker-init, ko, all or none.
PEERS          ?= all
# The port on 127.0.0.1 of `make shared-builder`'s BuildKit daemon.
SHARED_BUILDER_PORT ?= 1234
# make release: its platforms, and where it pushes: REGISTRY=registry.example.com/you,
# or (empty) a registry container on 127.0.0.1:REGISTRY_PORT. PACKAGE: the
# main package final.Dockerfile builds. COMMIT: the commit make
# verify-release expects (empty: this checkout's HEAD).
PLATFORMS      ?= linux/amd64,linux/arm64
REGISTRY       ?=
REGISTRY_PORT  ?= 5001
PACKAGE        ?= ./dependencies
COMMIT         ?=
# make release refuses a checkout with uncommitted changes; ALLOW_DIRTY=1
# releases it, its provenance naming <commit>-dirty, which make
# verify-release accepts only with ALLOW_DIRTY=1 too.
ALLOW_DIRTY    ?=

# Tools are installed once per version, into a folder named after it.
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := out/bin/actionlint-$(ACTIONLINT_VERSION)/actionlint
comma := ,

# The rungs come from the catalogue, one line per rung (see its header):
# name, Dockerfile, program, options, summary.
RUNGS_FILE := dockerfiles/rungs.txt
# One awk reads the whole catalogue into RUNG_NAMES, dockerfile_NAME and
# options_NAME: a process per field would cost every make call a tenth of a
# second. $(shell) joins lines, so the assignments come separated by ";;".
define newline


endef
RUNG_NAMES :=
$(eval $(subst ;;,$(newline),$(shell awk '/^[a-z]/ { gsub(",", " ", $$4); \
	printf "RUNG_NAMES += %s;;dockerfile_%s := %s;;options_%s := %s;;", $$1, $$1, $$2, $$1, $$4 }' $(RUNGS_FILE))))
BUILD_ARGS := --build-arg GO_VERSION=$(GO_VERSION) --build-arg ALPINE_VERSION=$(ALPINE_VERSION)
# Every image this Makefile builds carries it, so make distclean finds them
# all, untagged ones included.
PROJECT_LABEL := io.github.go-docker.ladder

export DOCKER GO_VERSION ALPINE_VERSION IMAGE_PREFIX

##@ Help

# make help reads this file: a `target: ## text` line becomes one line of
# help, a `##@ Heading` line a heading, and the `##rungs` line one line per
# rung of the catalogue (its summary, after the first four columns).
.PHONY: help
help: ## Show this help.
	@awk -v rungs=$(RUNGS_FILE) 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m [VAR=value ...]\n"} \
		/^[a-zA-Z0-9_-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } \
		/^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } \
		/^##rungs/ { n = 0; while ((getline l < rungs) > 0) if (l ~ /^[a-z]/) { \
			n++; split(l, a, " "); d = l; for (i = 1; i <= 4; i++) sub(/^[^ ]+ +/, "", d); \
			printf "  \033[36m%-16s\033[0m  Rung %d: %s%s\n", a[1], n, d, (a[4] ~ /platform/ ? " PLATFORM=linux/arm64 cross-compiles." : "") } }' $(MAKEFILE_LIST)

##@ The ladder (each prints: image, unpacked size (base + rung) in `docker images` units, build time)
##rungs (make help lists the rungs of dockerfiles/rungs.txt here)

# image_ref NAME: a rung's image, with IMAGE_TAG unless it is latest. A
# rung built with PLATFORM set gets a tag of its own (make final
# PLATFORM=linux/arm64: go-docker-final:latest-linux-arm64), so it never
# replaces the image this machine runs.
image_ref = $(IMAGE_PREFIX)$(1)$(if $(and $(PLATFORM),$(filter platform,$(options_$(1)))),:$(IMAGE_TAG)-$(subst /,-,$(PLATFORM)),$(if $(filter-out latest,$(IMAGE_TAG)),:$(IMAGE_TAG)))

# build_rung NAME EXTRA-FLAGS: build one rung, log to out/logs/, print one
# line, and the build's wall time to out/logs/build-NAME.seconds (make
# compare reads it). On a terminal BuildKit's progress is shown as it comes
# (plain, and copied to the log); elsewhere (CI, make all) only the log has
# it. One call of ensure-docker.sh sets up the engine and bases if its stamp
# says they are not, and prints the stand-in flags. `docker buildx build` is
# what `docker build` runs, minus the CLI's second look at the plugin (about
# 0.08 s); BUILDX_GIT_INFO=0 spares buildx seven git calls whose answers
# only go into provenance (the final image has none; about 0.05 s). The size is
# the unpacked size (the layers' sum in `docker history`): the same figure on
# the classic and the containerd image store, split into its base image and
# what the rung adds: the history entries of the Dockerfile's last stage, one
# per instruction after its FROM. An image for another platform is not
# unpacked, and its history says 0: then its layers' stored size,
# uncompressed as make final stores them. A failed build drops the stamp
# and checks the set-up again, so a stopped engine gets its one-line fix,
# not a build log.
define build_rung
	@$(STRICT) mkdir -p out/logs; stand_in=$$(scripts/ensure-docker.sh build-flags); \
	if [ -t 1 ]; then log() { "$$@" 2>&1 | tee out/logs/build-$(1).log; }; else log() { "$$@" >out/logs/build-$(1).log 2>&1; }; fi; \
	start=$$($(NOW)); \
	if ! BUILDX_GIT_INFO=0 log $(DOCKER) buildx build --progress=plain $(BUILD_ARGS) $(BUILD_FLAGS) --label $(PROJECT_LABEL)=true \
		$$stand_in $(2) \
		-f $(dockerfile_$(1)) -t $(call image_ref,$(1)) .; then \
		scripts/ensure-docker.sh forget; scripts/ensure-docker.sh || exit 1; \
		tail -n 15 out/logs/build-$(1).log >&2; \
		echo "make: building $(call image_ref,$(1)) failed; full log: out/logs/build-$(1).log" >&2; exit 1; \
	fi; \
	end=$$($(NOW)); \
	added=$$(awk '/^FROM / { n = 0; next } /^[A-Z]+[ \t]/ { n++ } END { print n }' $(dockerfile_$(1))); \
	sizes=$$($(DOCKER) history --human=false --format '{{.Size}}' $(call image_ref,$(1)) | \
		awk -v k=$$added '{ b += $$1; if (NR <= k) a += $$1 } END { printf "%d %d", b, a }'); \
	[[ $$sizes != "0 0" ]] || sizes="$$($(DOCKER) image inspect --format '{{.Size}}' $(call image_ref,$(1))) 0"; \
	awk -v sizes="$$sizes" -v img=$(call image_ref,$(1)) -v s=$$start -v e=$$end -v si="$$stand_in" -v secs=out/logs/build-$(1).seconds ' \
		function human(b, i) { i = 1; while (b >= 1000 && i < 5) { b /= 1000; i++ } return sprintf("%.3g%s", b, u[i]) } \
		BEGIN { split("B kB MB GB TB", u, " "); split(sizes, z, " "); printf "%.3f\n", e - s > secs; \
		printf "%-24s %8s%s   built in %5.1f s (wall time of docker build)%s\n", img, human(z[1]), \
			(z[2] > 0 && z[1] > z[2] ? " (base " human(z[1] - z[2]) " + " human(z[2]) ")" : ""), e - s, \
			(si != "" ? "   [stand-in base images]" : "") }' | tee -a out/logs/ladder.txt
endef

.PHONY: setup
setup: ## Check the engine and buildx; make stand-in bases only if they cannot be pulled. May add buildx to ~/.docker/cli-plugins, pull or build base images (make distclean removes stand-ins), and as root with no engine build one (scripts/engine.sh stop). Writes a stamp in out/setup/.
	@scripts/ensure-docker.sh

# Options of a rung in the catalogue: what the build of $@ adds.
# version: --build-arg VERSION; platform: --platform from PLATFORM;
# reproducible: the same image ID from any clone of one commit. The
# Dockerfile dates every file 1970-01-01, and BuildKit dates the image
# config SOURCE_DATE_EPOCH (the last commit's time). No provenance attestation:
# it records when the image was built, and costs time in every build. The
# layers are stored uncompressed and unpacked at once: gzip is the slowest
# part of exporting, and an image that stays in your engine never needs it
# (to push, build with the default export: see docs/final.md).
# Read once, and only by a target that uses it: a recursive ?= would run git
# at every mention.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH = $(eval SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0))$(SOURCE_DATE_EPOCH)
endif
rung_flags = $(if $(filter version,$(options_$(1))),--build-arg VERSION=$(VERSION)) \
	$(if $(filter platform,$(options_$(1))),$(if $(PLATFORM),--platform $(PLATFORM))) \
	$(if $(filter reproducible,$(options_$(1))),--build-arg SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) --provenance=false \
		--output type=image$(comma)name=$(call image_ref,$(1))$(comma)unpack=true$(comma)compression=uncompressed)

# One target per rung of the catalogue; make help lists them from it.
.PHONY: $(RUNG_NAMES)
$(RUNG_NAMES):
	@[[ -z "$(PLATFORM)" || "$(PLATFORM)" =~ ^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$$ ]] || \
		{ echo "make: invalid PLATFORM '$(PLATFORM)': use os/arch, e.g. make final PLATFORM=linux/arm64" >&2; exit 2; }; \
	[[ "$(SOURCE_DATE_EPOCH)" =~ ^[0-9]+$$ ]] || \
		{ echo "make: invalid SOURCE_DATE_EPOCH '$(SOURCE_DATE_EPOCH)': use seconds since 1970 (make final SOURCE_DATE_EPOCH=0)" >&2; exit 2; }; \
	[[ "$(IMAGE_TAG)" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$$ ]] || \
		{ echo "make: invalid IMAGE_TAG '$(IMAGE_TAG)': use letters, digits, '_', '.' and '-' (make final IMAGE_TAG=v1.0.0)" >&2; exit 2; }
	$(call build_rung,$@,$(call rung_flags,$@))

.PHONY: all
all: setup ## Build every rung and print them as one table.
	@rm -f out/logs/ladder.txt
	@for r in $(RUNG_NAMES); do $(MAKE) $$r >/dev/null || exit 1; done
	@printf '%-24s %8s   %s\n' IMAGE SIZE BUILD
	@cat out/logs/ladder.txt

.PHONY: images
images: ## List this project's images (docker images).
	@$(DOCKER) images --filter 'reference=$(IMAGE_PREFIX)*'

.PHONY: run
run: ## Run one rung's image on 127.0.0.1:PORT (default 8080), reachable from this machine only: make run RUNG=final.
	@case " $(RUNG_NAMES) " in *" $(RUNG) "*) ;; \
		*) echo "make: unknown RUNG '$(RUNG)': use one of $(RUNG_NAMES) (make run RUNG=final)" >&2; exit 2;; esac
	@[[ "$(PORT)" =~ ^[0-9]+$$ ]] && (( $(PORT) >= 1 && $(PORT) <= 65535 )) || \
		{ echo "make: invalid PORT '$(PORT)': use a number from 1 to 65535 (make run PORT=3000)" >&2; exit 2; }
	@$(DOCKER) image inspect $(call image_ref,$(RUNG)) >/dev/null 2>&1 || $(MAKE) $(RUNG)
	@$(if $(and $(PLATFORM),$(filter platform,$(options_$(RUNG)))),engine=$$($(DOCKER) version --format '{{.Server.Os}}/{{.Server.Arch}}'); \
		[[ "$(PLATFORM)" == "$$engine" || "$(PLATFORM)" == "$$engine"/* ]] || echo "make: $(call image_ref,$(RUNG)) is for $(PLATFORM) \
		and this engine is $$engine: it starts only where QEMU emulates it (Docker Desktop); elsewhere it fails with exec format error" >&2,:)
	@echo "serving $(call image_ref,$(RUNG)) on http://127.0.0.1:$(PORT)/, to this machine only (Ctrl-C stops it)"
	$(DOCKER) run --rm -p 127.0.0.1:$(PORT):8080 $(call image_ref,$(RUNG))

##@ Measuring

.PHONY: compare
compare: setup ## Measure every rung, and the peers docker init and ko, against the native go build floor: out/compare.{json,md,svg}. RUNS=1 for a quick look.
	@cd ladder && go build -o ../out/bin/compare ./cmd/compare
	out/bin/compare -repo . -runs $(RUNS) -rungs '$(RUNGS)' -peers '$(PEERS)' -docker $(DOCKER) \
		-go-version $(GO_VERSION) -alpine-version $(ALPINE_VERSION)

.PHONY: readme-results
readme-results: ## Copy the last make compare and cache-demo results into README.md and docs/ (tables, figures, chart).
	@cd ladder && go build -o ../out/bin/readme ./cmd/readme
	out/bin/readme -repo .

.PHONY: readme-cache-demo
readme-cache-demo: ## Copy the last make cache-demo results into docs/ only (its blocks; no make compare needed).
	@cd ladder && go build -o ../out/bin/readme ./cmd/readme
	out/bin/readme -repo . -cache-demo-only

.PHONY: readme-page
readme-page: ## Rerun the transcripts of one page only, changing nothing else: make readme-page PAGE=docs/release.md (runs what its commands run).
	@[[ -n "$(PAGE)" ]] || { echo "make: readme-page needs PAGE, e.g. make readme-page PAGE=docs/release.md" >&2; exit 2; }
	@cd ladder && go build -o ../out/bin/readme ./cmd/readme
	out/bin/readme -repo . -transcripts-of '$(PAGE)'

.PHONY: readme
readme: ## readme-results, and rerun every transcript in README.md and docs/ in a throwaway copy (builds images; takes a while).
	@cd ladder && go build -o ../out/bin/readme ./cmd/readme
	out/bin/readme -repo . -transcripts

.PHONY: cache-demo
cache-demo: setup setup-registry setup-buildkit ## Rebuild the final rung on an empty builder from a registry container's caches (inline, registry mode=max), and from a new client of a shared builder: out/cache-demo.json.
	@cd ladder && go build -o ../out/bin/cache-demo ./cmd/cache-demo
	out/bin/cache-demo -repo . -docker $(DOCKER)

.PHONY: shared-builder
shared-builder: setup setup-buildkit ## Start one BuildKit daemon a team can share: a container on 127.0.0.1:SHARED_BUILDER_PORT (default 1234) only, mutual TLS with certificates in out/shared-builder/, and the buildx builder go-docker-shared that uses it. make distclean removes them.
	@cd ladder && go build -o ../out/bin/shared-builder ./cmd/shared-builder
	out/bin/shared-builder -repo . -docker $(DOCKER) -port $(SHARED_BUILDER_PORT)

.PHONY: setup-buildkit
setup-buildkit: ## Make sure the BuildKit image of the shared builder (moby/buildkit, or a stand-in) is here, for shared-builder, cache-demo and test.
	@scripts/ensure-docker.sh buildkit

.PHONY: setup-registry
setup-registry: ## Make sure the registry image (registry:3, or a stand-in) is here, for cache-demo and test.
	@scripts/ensure-docker.sh registry

##@ Release

release_flags = -repo . -docker '$(DOCKER)' -version '$(VERSION)' -platforms '$(PLATFORMS)' -package '$(PACKAGE)' \
	-registry '$(REGISTRY)' -port '$(REGISTRY_PORT)' -go-version '$(GO_VERSION)' -alpine-version '$(ALPINE_VERSION)' \
	-allow-dirty=$(if $(filter 1,$(ALLOW_DIRTY)),true,false)
check_allow_dirty = [[ -z "$(ALLOW_DIRTY)" || "$(ALLOW_DIRTY)" == 0 || "$(ALLOW_DIRTY)" == 1 ]] || \
	{ echo "make: invalid ALLOW_DIRTY '$(ALLOW_DIRTY)': use 1 or leave it empty (make release ALLOW_DIRTY=1)" >&2; exit 2; }

.PHONY: release
release: setup ## Build final.Dockerfile for PLATFORMS and push one index with an SBOM and provenance per platform: make release VERSION=v1.0.0 [REGISTRY=registry.example.com/you]. Without REGISTRY: a registry container on 127.0.0.1:REGISTRY_PORT (5001).
	@$(check_allow_dirty)
	@cd ladder && go build -o ../out/bin/release ./cmd/release
	out/bin/release $(release_flags) -build-flags '$(BUILD_FLAGS)'

.PHONY: verify-release
verify-release: ## Check a pushed release: every platform there, each SBOM lists the modules go.mod requires directly (at its versions, in go.sum) that PACKAGE compiles in, each provenance (mode=max) names the commit (COMMIT, default HEAD) and the Dockerfile, each version label is VERSION.
	@$(check_allow_dirty)
	@cd ladder && go build -o ../out/bin/release ./cmd/release
	out/bin/release -verify $(release_flags) -commit '$(COMMIT)'

##@ Development

.PHONY: test
test: test-unit test-e2e ## Unit tests, then end-to-end tests that build and run every rung with a real engine. Removes only what the tests tagged; GO_DOCKER_TEST_DISTCLEAN=1 also runs make distclean last.

# ladder/sbom-scanner is a module of its own (syft's modules stay out of
# the ladder's), so ./... of the others leaves it out. Tested and vetted with
# the flags scripts/ensure-docker.sh builds it with, so the three share
# syft's compiled packages (about 4 min on 2 cores, once).
SBOM_SCANNER_GO := cd ladder/sbom-scanner && CGO_ENABLED=0 GOFLAGS=-mod=readonly
SBOM_SCANNER_FLAGS := -trimpath -gcflags 'all=-N -l'

.PHONY: test-unit
test-unit: ## Unit tests: the programs, the measuring tool and the repository's static checks (no Docker needed).
	go test ./...
	cd ladder && go test ./...
	$(SBOM_SCANNER_GO) go test $(SBOM_SCANNER_FLAGS) ./...

.PHONY: test-e2e
test-e2e: setup setup-registry setup-buildkit ## End-to-end: build every rung, run it, probe it over HTTP, check the caches. Its images are go-docker-e2e-* or carry tags of their own, and are removed; your go-docker-final and cache mounts keep their IDs.
	cd ladder && IMAGE_PREFIX='$(IMAGE_PREFIX)e2e-' go test -tags e2e -count=1 -timeout 75m ./e2e

.PHONY: lint
lint: setup ## gofmt, go vet (ladder/sbom-scanner too), actionlint on the CI workflow, and BuildKit's build checks on the six rungs.
	@mkdir -p out/logs
	@$(STRICT) out=$$(gofmt -l . ); if [[ -n $$out ]]; then echo "gofmt needed on: $$out" >&2; exit 1; fi
	go vet ./...
	cd ladder && go vet ./... && go vet -tags e2e ./e2e
	$(SBOM_SCANNER_GO) go vet $(SBOM_SCANNER_FLAGS) ./...
	@[[ -x $(ACTIONLINT) ]] || GOBIN=$(CURDIR)/out/bin/actionlint-$(ACTIONLINT_VERSION) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
	$(ACTIONLINT)
	@$(STRICT) for f in $(foreach r,$(RUNG_NAMES),$(dockerfile_$(r))); do \
		echo "build checks: $$f"; \
		$(DOCKER) build --check $$(scripts/ensure-docker.sh build-flags) -f $$f . >out/logs/check.log 2>&1 \
			|| { cat out/logs/check.log >&2; exit 1; }; \
		grep -q 'no warnings found' out/logs/check.log || { cat out/logs/check.log >&2; exit 1; }; \
	done

.PHONY: clean
clean: ## Remove this project's images and out/ (stand-ins, caches and base images stay).
	@$(STRICT) ids=$$($(DOCKER) images -q --filter 'reference=$(IMAGE_PREFIX)*' | sort -u); \
	if [[ -n $$ids ]]; then $(DOCKER) image rm -f $$ids >/dev/null; fi
	rm -rf out

.PHONY: distclean
distclean: ## clean, plus everything else this project made in the engine: stand-ins, registry containers, the shared builder (containers, volumes, networks, buildx builder go-docker-shared), its cache mounts.
	@scripts/distclean.sh
	rm -rf out
