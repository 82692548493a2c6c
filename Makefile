# go-docker: build the ladder of Dockerfiles and compare what each rung buys.
# Run `make` (or `make help`) to see the targets, and `make -n final` to see
# the command a target runs without running it.
#
# Every variable can be overridden on the command line, for example:
#   make final PLATFORM=linux/arm64 VERSION=v1.0.0
#   make run RUNG=multi-stage PORT=3000
#
# This file is the reader's part: the rungs, and running them. Measuring,
# releasing and testing live in make/*.mk, included at the end. Portable on
# purpose: GNU make 3.81 and bash 3.2 (as macOS ships them), a BSD userland.

SHELL := bash
# make 3.81 ignores .SHELLFLAGS: a recipe line of several commands that must
# stop at the first failure says so itself (set -o pipefail; ...).
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

DOCKER         ?= docker
IMAGE_PREFIX   ?= go-docker-
# The tag of the images make builds (make final IMAGE_TAG=v1.0.0).
IMAGE_TAG      ?= latest
GO_VERSION     ?= 1.26
ALPINE_VERSION ?= 3.23
# make final: the target platform (empty: this machine's), and the version
# baked into the binary and the image's labels.
PLATFORM       ?=
VERSION        ?= dev
# Extra docker build flags, e.g. BUILD_FLAGS=--no-cache to time a first build.
BUILD_FLAGS    ?=
# make run: which rung, on which port of 127.0.0.1 (make dev too).
RUNG           ?= final
PORT           ?= 8080
# make dev: fast (compile here, restart the container) or image (rebuild).
LOOP           ?= fast
export DOCKER GO_VERSION ALPINE_VERSION IMAGE_PREFIX

# The names this project gives what it makes in the engine (PROJECT_LABEL...).
include scripts/names.env
# BASE_FLAGS: empty, unless no registry is reachable and make setup built
# stand-in base images; then this file points the builds at them.
BASE_FLAGS_FILE := offline/build-flags-go$(GO_VERSION)-alpine$(ALPINE_VERSION).mk
-include $(BASE_FLAGS_FILE)
# The same for Compose: a file added to compose.yaml only where it exists.
COMPOSE_STAND_INS := offline/compose-go$(GO_VERSION)-alpine$(ALPINE_VERSION).yaml
COMPOSE = $(DOCKER) compose -f compose.yaml $(if $(wildcard $(COMPOSE_STAND_INS)),-f $(COMPOSE_STAND_INS))

# What every rung's build gets: the base images' versions, BASE_FLAGS, your
# BUILD_FLAGS, and a label by which make distclean finds every image made.
BUILDX := $(strip $(DOCKER) buildx build --build-arg GO_VERSION=$(GO_VERSION) --build-arg ALPINE_VERSION=$(ALPINE_VERSION) \
	$(BASE_FLAGS) $(BUILD_FLAGS) --label $(PROJECT_LABEL)=true)
# scripts/build.sh runs the build as given, then prints the image, its size
# (base + rung) and the build time.
BUILD := scripts/build.sh
TAG := $(if $(filter-out latest,$(IMAGE_TAG)),:$(IMAGE_TAG))
# make final PLATFORM=linux/arm64 tags go-docker-final:latest-linux-arm64: it
# never replaces the image this machine runs.
FINAL_IMAGE := $(IMAGE_PREFIX)final$(if $(PLATFORM),:$(IMAGE_TAG)-$(subst /,-,$(PLATFORM)),$(TAG))
# The rungs, in order: the first column of the catalogue.
RUNG_NAMES = $(shell awk '/^[a-z]/ { print $$1 }' dockerfiles/rungs.txt)

##@ The ladder (each prints: image, size as base + rung, build time)

.PHONY: help
help: ## Show this help.
	@awk -v rungs=dockerfiles/rungs.txt 'BEGIN { FS = ":.*##"; print "Usage: make <target> [VAR=value ...]" } \
		/^[a-zA-Z0-9_-]+:.*##/ { sub(/^ +/, "", $$2); printf "  %-18s %s\n", $$1, $$2 } \
		/^##@/ { printf "\n%s\n", substr($$0, 5) } \
		/^##rungs/ { n = 0; while ((getline l < rungs) > 0) if (l ~ /^[a-z]/) { \
			n++; split(l, a, " "); d = l; for (i = 1; i <= 4; i++) sub(/^[^ ]+ +/, "", d); \
			printf "  %-18s Rung %d: %s\n", a[1], n, d } }' $(MAKEFILE_LIST)
	@echo; echo "Details of every target and variable: docs/reference.md"

##rungs (make help lists the rungs of dockerfiles/rungs.txt here)
.PHONY: simple multi-stage dependencies buildkit mounts final

simple:
	@$(BUILD) $(BUILDX) -f dockerfiles/simple.Dockerfile -t $(IMAGE_PREFIX)simple$(TAG) .

multi-stage:
	@$(BUILD) $(BUILDX) -f dockerfiles/multi-stage.Dockerfile -t $(IMAGE_PREFIX)multi-stage$(TAG) .

dependencies:
	@$(BUILD) $(BUILDX) -f dockerfiles/dependencies.Dockerfile -t $(IMAGE_PREFIX)dependencies$(TAG) .

buildkit:
	@$(BUILD) $(BUILDX) -f dockerfiles/buildkit.Dockerfile -t $(IMAGE_PREFIX)buildkit$(TAG) .

mounts:
	@$(BUILD) $(BUILDX) -f dockerfiles/mounts.Dockerfile -t $(IMAGE_PREFIX)mounts$(TAG) .

# The same image ID from any clone of one commit: the Dockerfile dates
# every file 1970-01-01, and BuildKit dates the image SOURCE_DATE_EPOCH (the
# last commit's time, read in make/inputs.mk). No provenance: it records when the image was built.
# Layers stored uncompressed and unpacked at once: gzip is the slowest part
# of exporting, and an image that stays in your engine never needs it (to
# push, build with the default export: docs/final.md).
final:
	@$(BUILD) $(BUILDX) --build-arg VERSION=$(VERSION) $(if $(PLATFORM),--platform $(PLATFORM) )\
		--build-arg SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) --provenance=false \
		--output type=image,unpack=true,compression=uncompressed \
		-f final.Dockerfile -t $(FINAL_IMAGE) .

.PHONY: all
all: setup ## Build every rung and print them as one table.
	@rm -f out/logs/ladder.txt
	@for r in $(RUNG_NAMES); do $(MAKE) $$r >/dev/null || exit 1; done
	@printf '%-24s %8s   %s\n' IMAGE SIZE BUILD
	@cat out/logs/ladder.txt

run_image = $(if $(filter final,$(RUNG)),$(FINAL_IMAGE),$(IMAGE_PREFIX)$(RUNG)$(TAG))

.PHONY: run
run: ## Run a rung's image on 127.0.0.1:PORT: make run RUNG=final PORT=8080.
	@case " $(RUNG_NAMES) " in *" $(RUNG) "*) ;; \
		*) echo "make: unknown RUNG '$(RUNG)': use one of $(RUNG_NAMES) (make run RUNG=final)" >&2; exit 2;; esac
	@$(DOCKER) image inspect $(run_image) >/dev/null 2>&1 || $(MAKE) $(RUNG)
	@$(if $(and $(PLATFORM),$(filter final,$(RUNG))),engine=$$($(DOCKER) version --format '{{.Server.Os}}/{{.Server.Arch}}'); \
		[[ "$(PLATFORM)" == "$$engine" || "$(PLATFORM)" == "$$engine"/* ]] || echo "make: $(run_image) is for $(PLATFORM) \
		and this engine is $$engine: it starts only where QEMU emulates it (Docker Desktop); elsewhere it fails with exec format error" >&2,:)
	@echo "serving $(run_image) on http://127.0.0.1:$(PORT)/, to this machine only (Ctrl-C stops it)"
	$(DOCKER) run --rm -p 127.0.0.1:$(PORT):8080 $(run_image)

# make dev: the fast loop is a program of ladder/ (it compiles each saved
# edit here, and the server restarts on it inside its container:
# docs/dev-loop.md); the image loop is Compose's own watch, which needs no
# Go. Ctrl-C stops either and removes its containers.
.PHONY: dev
dev: setup setup-compose ## Serve each saved edit in a container: make dev [LOOP=image] [PORT=8080].
ifeq ($(LOOP),image)
	@trap '$(COMPOSE) down --remove-orphans' EXIT; \
	PORT=$(PORT) $(COMPOSE) up --build --watch app
else
	@$(MAKE) final IMAGE_TAG=latest PLATFORM=
	@$(call ladder_bin,dev)
	out/bin/dev -loop fast -docker $(DOCKER) -port $(PORT) -go-version $(GO_VERSION) -alpine-version $(ALPINE_VERSION)
endif
ladder_bin = cd ladder && go build -o ../out/bin/$(1) ./cmd/$(1)

.PHONY: images
images: ## List this project's images (docker images).
	@$(DOCKER) images --filter 'reference=$(IMAGE_PREFIX)*'

.PHONY: setup
setup: ## Check Docker, and get the base images (offline/ stands in without a registry).
	@scripts/check-docker.sh engine
	@scripts/check-docker.sh buildx 2>/dev/null || offline/setup.sh buildx
	@if scripts/check-docker.sh pull golang:$(GO_VERSION)-alpine alpine:$(ALPINE_VERSION) 2>/dev/null; \
		then rm -f $(BASE_FLAGS_FILE) $(COMPOSE_STAND_INS); else offline/setup.sh bases; fi

.PHONY: base-flags
base-flags: ## Print the stand-in flags for a docker build you type (empty: none).
	@echo $(BASE_FLAGS)

.PHONY: setup-compose
setup-compose: ## Check the CLI has Compose (offline/ builds it where it has none).
	@scripts/check-docker.sh compose 2>/dev/null || offline/setup.sh compose

.PHONY: clean
clean: ## Remove this project's images and out/ (base images and caches stay).
	@set -eu -o pipefail; ids=$$($(DOCKER) images -q --filter 'reference=$(IMAGE_PREFIX)*' | sort -u); \
	if [[ -n $$ids ]]; then $(DOCKER) image rm -f $$ids >/dev/null; fi
	rm -rf out

.PHONY: distclean
distclean: ## clean, and all else this project made in the engine (docs/reference.md).
	@scripts/distclean.sh
	rm -rf out

include make/inputs.mk make/measuring.mk make/release.mk make/ci.mk make/development.mk
