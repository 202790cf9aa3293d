# kumppani — build, run and test.
#
#   make            build everything (services, CLI, tests)
#   make up / down  run / stop the whole system on the embedded default (./var)
#   make test       unit + integration tests against a throwaway cluster
#   make SANITIZE=1 test   the same under ASan + UBSan (separate build dir)

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
CFLAGS      += -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
               -I$(GEN) -Icommon $(SANFLAGS) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I$(PG_INC)
LDFLAGS     += $(SANFLAGS)
LDLIBS      := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
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

BENCH_SRC   := $(wildcard bench/*.c)
BENCH_BIN   := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: all deps up down test test-unit test-integration bench clean proto
.SECONDARY:

all: $(SERVICE_BIN) $(CLI_BIN) $(UNIT_BIN) $(INTEG_BIN) $(BENCH_BIN)

deps:
	@scripts/deps.sh

proto: $(PROTO_C)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto $(PROTOS)
	@mkdir -p $(GEN)
	protoc-c --proto_path=proto --c_out=$(GEN) $<

$(BUILD)/obj/gen/%.o: $(GEN)/%.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter -c $< -o $@

# Unit tests of a service module include its .c (they link only libkp),
# so they depend on the services' sources too.
$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c $(PROTO_H) $(wildcard common/*.h services/*/*.[ch])
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(PROTO_H) $(wildcard common/*.h)
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
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) scripts/test.sh

test-unit: all
	@BUILD=$(BUILD) scripts/test.sh unit

test-integration: all
	@BUILD=$(BUILD) scripts/test.sh integration

clean:
	rm -rf build
