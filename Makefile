# Makefile: builds ./vaultwise and runs its tests, demo and benchmarks.
# The two set-up commands (README.md): `make demo` and `make check`. Both
# run `make deps` first, which installs missing Debian -dev packages when
# run as root and otherwise prints the apt-get line to run.

CC ?= cc
OPT ?= -O2
BUILD ?= build
PKGS = libcurl libcjson openssl gsl

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla -Wundef
# Recursive (=) so pkg-config runs after `make deps` has installed things.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lm
CPPFLAGS_ALL = -D_XOPEN_SOURCE=700 -Ioptimizer -Imodels -Ireports \
	       -DVW_DATADIR='"$(CURDIR)/data"' $(CPPFLAGS)
CFLAGS_ALL = -std=c11 -g -pthread $(OPT) $(WARN) $(PKG_CFLAGS) $(SAN) $(CFLAGS)
LDFLAGS_ALL = -pthread $(SAN) $(LDFLAGS)

LIB_SRC = $(filter-out optimizer/main.c, \
	    $(wildcard optimizer/*.c models/*.c reports/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/unit/test_*.c)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BIN = $(BUILD)/vaultwise

.PHONY: all deps demo check test-bins asan tsan bench clean sample-data fuzz \
	fuzz-bins fuzz-smoke valgrind

all: vaultwise

vaultwise: $(BIN)
	@[ "$(BUILD)" = build ] && cp $(BIN) vaultwise || true

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libvaultwise.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/optimizer/main.o $(BUILD)/libvaultwise.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvaultwise.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) \
	    $(shell pkg-config --cflags cmocka) -o $@ $< \
	    $(BUILD)/libvaultwise.a $(LDFLAGS_ALL) $(PKG_LIBS) \
	    $(shell pkg-config --libs cmocka)

test-bins: $(BIN) $(TEST_BIN)

deps:
	@sh scripts/deps.sh

demo: deps
	@$(MAKE) --no-print-directory vaultwise
	@sh scripts/demo.sh

check: deps
	@$(MAKE) --no-print-directory test-bins vaultwise
	@sh tests/run.sh $(BUILD)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all" test-bins
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    sh tests/run.sh build-asan

# The whole suite under ThreadSanitizer: the recovery-point reader runs on
# a thread of its own (snapshot_each_item_rps).
tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT=-O1 \
	    SAN="-fsanitize=thread" test-bins
	@TSAN_OPTIONS="halt_on_error=1" sh tests/run.sh build-tsan

# The reference scanner stands alone: it links nothing of vaultwise's.
$(BUILD)/bench/refscan: tests/bench/refscan.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -D_XOPEN_SOURCE=700 $(WARN) -o $@ $<

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libvaultwise.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libvaultwise.a \
	    $(LDFLAGS_ALL) $(PKG_LIBS)

bench: deps
	@$(MAKE) --no-print-directory vaultwise $(BUILD)/bench/parse_only \
	    $(BUILD)/bench/refscan
	@sh tests/bench/run.sh

# Regenerates the committed sample estate (tests check it is unchanged).
sample-data: vaultwise
	./vaultwise sample --out data/sample

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang into
# build-fuzz/ against the library compiled for fuzzing; `make fuzz` runs
# each for FUZZ_SECONDS from its corpus, `make fuzz-smoke` for 15 s each.
FUZZ_SECONDS ?= 60
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_MAKE = $(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 \
	    CFLAGS=-Wno-format-nonliteral \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=all" fuzz-bins

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libvaultwise.a tests/fuzz/fuzzutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/fuzz $(CFLAGS_ALL) -fsanitize=fuzzer \
	    -o $@ $< $(BUILD)/libvaultwise.a $(LDFLAGS_ALL) $(PKG_LIBS)

fuzz-bins: $(FUZZ_BIN)

fuzz: deps
	@sh scripts/deps.sh clang libclang-rt-dev
	@$(FUZZ_MAKE)
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-smoke: deps
	@sh scripts/deps.sh clang libclang-rt-dev
	@$(FUZZ_MAKE)
	@sh tests/fuzz/run.sh build-fuzz 15

# The unit-test binaries and the commands the end-to-end tests run, under
# valgrind (tests/valgrind.sh).
valgrind: deps
	@sh scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory BUILD=build-vg OPT=-O1 test-bins
	@sh tests/valgrind.sh build-vg

clean:
	rm -rf build build-asan build-tsan build-fuzz build-vg vaultwise

-include $(LIB_OBJ:.o=.d) $(BUILD)/optimizer/main.d
