# inputs.mk: the variables the Makefile computes, and one line for each bad
# value a reader may give (make stops before running anything).

# make final: SOURCE_DATE_EPOCH, the last commit's time. Read once, and only
# by a target that uses it: a recursive ?= would run git at every mention.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH = $(eval SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0))$(SOURCE_DATE_EPOCH)
else
ifneq ($(shell [[ '$(SOURCE_DATE_EPOCH)' =~ ^[0-9]+$$ ]] && echo ok),ok)
$(error invalid SOURCE_DATE_EPOCH '$(SOURCE_DATE_EPOCH)': use seconds since 1970 (make final SOURCE_DATE_EPOCH=0))
endif
endif

ifneq ($(PLATFORM),)
ifneq ($(shell [[ '$(PLATFORM)' =~ ^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$$ ]] && echo ok),ok)
$(error invalid PLATFORM '$(PLATFORM)': use os/arch, e.g. make final PLATFORM=linux/arm64)
endif
endif

ifneq ($(IMAGE_TAG),latest)
ifneq ($(shell [[ '$(IMAGE_TAG)' =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$$ ]] && echo ok),ok)
$(error invalid IMAGE_TAG '$(IMAGE_TAG)': use letters, digits, '_', '.' and '-' (make final IMAGE_TAG=v1.0.0))
endif
endif

# make run and make dev: PORT, checked before anything runs (dev's set-up
# included); make dev: LOOP.
port_goal := $(firstword $(filter run dev,$(MAKECMDGOALS)))
ifneq ($(port_goal),)
ifneq ($(shell [[ '$(PORT)' =~ ^[0-9]+$$ ]] && (( $(PORT) >= 1 && $(PORT) <= 65535 )) && echo ok),ok)
$(error invalid PORT '$(PORT)': use a number from 1 to 65535 (make $(port_goal) PORT=3000))
endif
endif
ifneq ($(filter dev,$(MAKECMDGOALS)),)
ifneq ($(filter-out fast image,$(LOOP)),)
$(error unknown LOOP '$(LOOP)': use fast or image (make dev LOOP=image))
endif
endif
