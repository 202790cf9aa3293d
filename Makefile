# kumppani — build, run and test.
#
#   make            build everything (services, CLI, tests)
#   make up / down  run / stop the whole system on the embedded default (./var)
#   make test       unit + integration tests against a throwaway cluster
#   make SANITIZE=1 test   the same under ASan + UBSan (separate build dir)
#   make analyze    gcc -fanalyzer over common/, services/, cli/ (make test runs it)
#   make header-check  every common/ and services/ header compiles alone (make test runs it)
#   make proto-check  buf lint + buf breaking against released/proto (make test runs it)
#   scripts/error_codes.py  every error code emitted is in docs/errors.md and back (make test runs it)

SHELL       := /bin/bash
PKGS        := libczmq libzmq libprotobuf-c libpq libsodium libcjson libmicrohttpd
CC          ?= cc
BUILD       := build
ifeq ($(SANITIZE),1)
BUILD       := build/san
SANFLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
GEN         := build/gen
PG_INC      := $(shell pg_config --includedir 2>/dev/null)

CFLAGS      ?= -O2 -g
# -MMD -MP: every object gets a .d file naming the headers (and included
# .c files) it was built from, read back below, so editing any header
# rebuilds exactly what uses it.
DEPFLAGS    := -MMD -MP
CFLAGS      += $(DEPFLAGS) -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
               -I$(GEN) -Icommon $(SANFLAGS) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I$(PG_INC)
LDFLAGS     += $(SANFLAGS)
# -lglpk: the reporting service's disclosure audit (reporting_audit.c,
# GLPK's simplex); linked everywhere because the unit, integration and fuzz
# builds compile reporting's sources in too (no pkg-config file on Debian).
LDLIBS      := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lglpk -lm
TEST_LDLIBS := $(shell pkg-config --libs criterion 2>/dev/null)

PROTOS      := $(wildcard proto/kumppani/v1/*.proto)
PROTO_C     := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PROTO_H     := $(PROTO_C:.c=.h)
PROTO_O     := $(patsubst $(GEN)/%.c,$(BUILD)/obj/gen/%.o,$(PROTO_C))

COMMON_SRC  := $(wildcard common/*.c)
COMMON_O    := $(patsubst %.c,$(BUILD)/obj/%.o,$(COMMON_SRC))
LIBKP       := $(BUILD)/libkp.a

SERVICES    := intake referral groups reporting stream
SERVICE_BIN := $(addprefix $(BUILD)/bin/,$(SERVICES))
CLI_BIN     := $(BUILD)/bin/kumppani

UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRC))
INTEG_SRC   := $(wildcard tests/integration/test_*.c)
INTEG_BIN   := $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,$(INTEG_SRC))
HARNESS_O   := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/integration/harness*.c))
# Test builds of the services: the same objects plus the failure tests'
# seam (tests/fault, see kp_txn.h). Only tests start them; build/bin holds
# no fault code.
FAULT_O     := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/fault/*.c))
FAULT_BIN   := $(addprefix $(BUILD)/tests/bin/,$(SERVICES))

BENCH_SRC   := $(wildcard bench/*.c)
BENCH_BIN   := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: all deps up down test test-unit test-integration bench clean proto analyze proto-check python-client header-check
.SECONDARY:

all: $(SERVICE_BIN) $(FAULT_BIN) $(CLI_BIN) $(UNIT_BIN) $(INTEG_BIN) $(BENCH_BIN)

deps:
	@scripts/deps.sh

proto: $(PROTO_C)

proto-check: deps
	@scripts/proto_check.sh

# The official Python client's generated protobuf modules (clients/python
# imports them from build/python/kumppani/v1; protoc from make deps).
PY_GEN := build/python/kumppani/v1/envelope_pb2.py
python-client: $(PY_GEN)

$(PY_GEN): $(PROTOS)
	@mkdir -p build/python
	protoc --proto_path=proto --python_out=build/python $(PROTOS)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto $(PROTOS)
	@mkdir -p $(GEN)
	protoc-c --proto_path=proto --c_out=$(GEN) $<

$(BUILD)/obj/gen/%.o: $(GEN)/%.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter -c $< -o $@

# Unit tests of a service or CLI module include its .c (they link only
# libkp), so they depend on the services' and the CLI's sources too.
$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBKP): $(COMMON_O) $(PROTO_O)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# A service is every .c in its folder, linked against libkp. (The mapping
# lives in a function: a literal % in a pattern rule would become the stem.)
objects_of = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
.SECONDEXPANSION:
$(BUILD)/bin/%: $$(call objects_of,$$(wildcard services/$$*/*.c)) $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bin/%: $$(call objects_of,$$(wildcard services/$$*/*.c)) $(FAULT_O) $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(CLI_BIN): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard cli/*.c)) $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

$(BUILD)/tests/integration/%: $(BUILD)/obj/tests/integration/%.o $(HARNESS_O) $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lpthread

# Benchmarks run against the system `make up` started; they print figures
# (BENCH lines and a table) and write bench/results/*.json.
bench: all
	@BUILD=$(BUILD) bench/run.sh

up: deps
	@$(MAKE) --no-print-directory all
	@scripts/up.sh

down:
	@scripts/down.sh

test: deps
	@$(MAKE) --no-print-directory all analyze header-check
	@scripts/proto_check.sh
	@scripts/error_codes.py
	@BUILD=$(BUILD) scripts/test.sh

test-unit: all
	@BUILD=$(BUILD) scripts/test.sh unit

test-integration: all
	@BUILD=$(BUILD) scripts/test.sh integration

clean:
	rm -rf build

# --------------------------------------------------------------------------
# gcc's static analyzer over common/, services/ and cli/: each file is
# compiled again with -fanalyzer into build/analyze (whatever SANITIZE
# says), and with -Werror a finding fails the build and so `make test`.
# A suppression is a #pragma at the spot, with the reason beside it.

ANALYZE_CC   := gcc
ANALYZE_DIR  := build/analyze
ANALYZE_SRC  := $(COMMON_SRC) $(wildcard services/*/*.c) $(wildcard cli/*.c)
ANALYZE_O    := $(patsubst %.c,$(ANALYZE_DIR)/%.o,$(ANALYZE_SRC))

$(ANALYZE_DIR)/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(ANALYZE_CC) $(filter-out $(SANFLAGS),$(CFLAGS)) -fanalyzer -c $< -o $@

analyze: $(ANALYZE_O)

# --------------------------------------------------------------------------
# Every header stands alone: each common/ and services/*/ header is the
# only #include of a generated .c (build/headers), compiled with the
# build's flags, so no header leans on what its includer happened to
# include before it. The objects' .d files make it incremental: a header's
# check reruns when it or anything it includes changes.

HEADER_DIR   := $(BUILD)/headers
HEADERS      := $(wildcard common/*.h) $(wildcard services/*/*.h)
HEADER_O     := $(patsubst %.h,$(HEADER_DIR)/%.o,$(HEADERS))

$(HEADER_DIR)/%.c: %.h
	@mkdir -p $(dir $@)
	@printf '#include "%s"\n' $(notdir $<) > $@

$(HEADER_DIR)/%.o: $(HEADER_DIR)/%.c $(PROTO_H)
	$(CC) $(CFLAGS) -I$(dir $*) -c $< -o $@

header-check: $(HEADER_O)

# --------------------------------------------------------------------------
# Fuzzing (clang + libFuzzer, separate from the gcc build). Each target in
# fuzz/fuzz_NAME.c links the common library, with fuzz/fuzz_db.c in place
# of kp_db.c, and for a service every .c of services/NAME but main.c.

FUZZ_CC      := clang
FUZZ_DIR     := build/fuzz
FUZZ_TARGETS := envelope intake referral groups reporting stream
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(DEPFLAGS) -std=gnu11 -g -O1 -Wall -Wextra -Wno-missing-field-initializers -Wno-unused-parameter -I$(GEN) -Icommon -Ifuzz $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I$(PG_INC)
FUZZ_COMMON  := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(filter-out common/kp_db.c,$(COMMON_SRC)) \
                  fuzz/fuzz_call.c fuzz/fuzz_db.c) \
                $(patsubst $(GEN)/%.c,$(FUZZ_DIR)/obj/gen/%.o,$(PROTO_C))
FUZZ_BIN     := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
fuzz_service_objects = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(filter-out services/$(1)/main.c,$(wildcard services/$(1)/*.c)))
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-build chaos chaos-build

$(FUZZ_DIR)/obj/gen/%.o: $(GEN)/%.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/fuzz_seeds: $(FUZZ_DIR)/obj/fuzz/fuzz_seeds.o $(FUZZ_COMMON)
	$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(LDLIBS)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/fuzz/fuzz_%.o $$(call fuzz_service_objects,$$*) $(FUZZ_COMMON)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BIN) $(FUZZ_DIR)/fuzz_seeds

# Every target for FUZZ_SECONDS (default 60) from the seed corpus; crashes
# land in build/fuzz/artifacts/NAME and fail the run.
fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh $(FUZZ_TARGETS)

# --------------------------------------------------------------------------
# The chaos run: chaos/run.sh starts its own cluster and services, kills
# them for CHAOS_SECONDS (default 60) and prints the CHAOS line.

CHAOS_BIN     := $(BUILD)/chaos/chaos
CHAOS_SECONDS ?= 60

$(CHAOS_BIN): $(BUILD)/obj/chaos/chaos.o $(LIBKP)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

chaos-build: $(SERVICE_BIN) $(CLI_BIN) $(CHAOS_BIN)

chaos: chaos-build
	@CHAOS_SECONDS=$(CHAOS_SECONDS) BUILD=$(BUILD) chaos/run.sh

# The dependency files of whatever has been built (any build directory).
-include $(shell find build -name '*.d' 2>/dev/null)
