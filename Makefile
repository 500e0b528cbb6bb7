# Makefile: builds ./vaultwise and runs its tests, demo and benchmarks.
# The two set-up commands (README.md): `make demo` and `make check`. Both
# run `make deps` first, which installs missing Debian -dev packages when
# run as root and otherwise prints the apt-get line to run.

CC ?= cc
OPT ?= -O2
BUILD ?= build
PKGS = libcurl libcjson openssl gsl zlib

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla -Wundef
# Recursive (=) so pkg-config runs after `make deps` has installed things.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lm
CPPFLAGS_ALL = -D_XOPEN_SOURCE=700 -I. \
	       $(CPPFLAGS)
# -ffile-prefix-map: the binary's debug information and __FILE__ name the
# sources relative to the tree, so it holds no path of the build machine.
CFLAGS_ALL = -std=c11 -g -pthread -ffile-prefix-map=$(CURDIR)=. $(OPT) \
	     $(WARN) $(PKG_CFLAGS) $(SAN) $(CFLAGS)
LDFLAGS_ALL = -pthread $(SAN) $(LDFLAGS)
# The unit tests and fuzz targets, never installed, read the source tree's
# data/ and tests/data/ by name; the program itself finds its data at run
# time (optimizer/base/datadir.c).
TEST_CPPFLAGS = -DVW_DATADIR='"$(CURDIR)/data"'

LIB_SRC = $(filter-out optimizer/cli/main.c, \
	    $(wildcard optimizer/*/*.c models/*/*.c reports/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/unit/test_*.c)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# The decision simulation harness (tests/sim): a small case in check.
SIM_SRC = tests/sim/harness.c tests/sim/chain.c
TEST_BIN += $(BUILD)/tests/test_sim
BIN = $(BUILD)/vaultwise

.PHONY: all deps demo check test-bins asan tsan bench clean sample-data fuzz \
	fuzz-bins fuzz-smoke valgrind man install

all: vaultwise man

vaultwise: $(BIN)
	@[ "$(BUILD)" = build ] && cp $(BIN) vaultwise || true

$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libvaultwise.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/optimizer/cli/main.o $(BUILD)/libvaultwise.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvaultwise.a tests/unit/testutil.h \
    tests/unit/testsnap.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(TEST_CPPFLAGS) -Itests/unit $(CFLAGS_ALL) \
	    $(shell pkg-config --cflags cmocka) -o $@ $< \
	    $(BUILD)/libvaultwise.a $(LDFLAGS_ALL) $(PKG_LIBS) \
	    $(shell pkg-config --libs cmocka)

$(BUILD)/tests/test_sim: tests/sim/test_sim.c $(SIM_SRC) tests/sim/harness.h tests/sim/chain.h \
    $(BUILD)/libvaultwise.a tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/unit -Itests/sim $(CFLAGS_ALL) \
	    $(shell pkg-config --cflags cmocka) -o $@ $(filter %.c,$^) \
	    $(BUILD)/libvaultwise.a $(LDFLAGS_ALL) $(PKG_LIBS) \
	    $(shell pkg-config --libs cmocka)

test-bins: $(BIN) $(TEST_BIN)

# The man pages (man/) and the bash and zsh completions (completion/),
# generated from the option tables that print --help.
man: man/vaultwise.1

man/vaultwise.1: $(BIN) scripts/gendoc.sh
	@sh scripts/gendoc.sh $(BIN) .

# make install PREFIX=/usr/local DESTDIR=: the binary, its data (found
# from the binary's place: PREFIX/share/vaultwise), the man pages and the
# bash and zsh completions.
PREFIX ?= /usr/local
DESTDIR ?=
P = $(DESTDIR)$(PREFIX)

install: $(BIN) man
	install -d $(P)/bin $(P)/share/vaultwise $(P)/share/man/man1 \
	    $(P)/share/bash-completion/completions \
	    $(P)/share/zsh/site-functions
	install -m 755 $(BIN) $(P)/bin/vaultwise
	cp -R data/. $(P)/share/vaultwise/
	install -m 644 man/*.1 $(P)/share/man/man1/
	install -m 644 completion/vaultwise.bash \
	    $(P)/share/bash-completion/completions/vaultwise
	install -m 644 completion/_vaultwise $(P)/share/zsh/site-functions/

deps:
	@sh scripts/deps.sh

demo: deps
	@$(MAKE) --no-print-directory vaultwise
	@sh scripts/demo.sh

# Built one job a core: a serial build was a quarter of make check's time.
check: deps
	@$(MAKE) --no-print-directory -j$$(nproc) test-bins vaultwise man
	@sh tests/run.sh $(BUILD)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
# The sanitizers make the tests compute rather than wait: one job a core
# (run.sh's default is two).
asan: deps
	@$(MAKE) --no-print-directory -j$$(nproc) BUILD=build-asan OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all" test-bins
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    JOBS=$${JOBS:-$$(nproc)} sh tests/run.sh build-asan

# The whole suite under ThreadSanitizer: the recovery-point reader runs on
# a thread of its own (snapshot_each_item_rps).
tsan: deps
	@$(MAKE) --no-print-directory -j$$(nproc) BUILD=build-tsan OPT=-O1 \
	    SAN="-fsanitize=thread" test-bins
	@TSAN_OPTIONS="halt_on_error=1" JOBS=$${JOBS:-$$(nproc)} \
	    sh tests/run.sh build-tsan

# The reference scanner stands alone: it links nothing of vaultwise's.
$(BUILD)/bench/refscan: tests/bench/refscan.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -D_XOPEN_SOURCE=700 $(WARN) -o $@ $<

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libvaultwise.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libvaultwise.a \
	    $(LDFLAGS_ALL) $(PKG_LIBS)

$(BUILD)/bench/sim_full: tests/sim/sim_full.c $(SIM_SRC) tests/sim/harness.h tests/sim/chain.h \
    $(BUILD)/libvaultwise.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/sim $(CFLAGS_ALL) -o $@ \
	    $(filter %.c,$^) $(BUILD)/libvaultwise.a $(LDFLAGS_ALL) $(PKG_LIBS)

bench: deps
	@$(MAKE) --no-print-directory vaultwise $(BUILD)/bench/parse_only \
	    $(BUILD)/bench/refscan $(BUILD)/bench/vmset_chain \
	    $(BUILD)/bench/bill_only \
	    $(BUILD)/bench/sim_full
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
FUZZ_MAKE = $(MAKE) --no-print-directory -j$$(nproc) BUILD=build-fuzz CC=clang OPT=-O1 \
	    CFLAGS=-Wno-format-nonliteral \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=all" fuzz-bins

# Each target is its check alone; tests/fuzz/driver.c, linked into every
# one, is libFuzzer's side (tests/fuzz/fuzzutil.h).
FUZZ_DRIVER = tests/fuzz/driver.c
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_DRIVER) $(BUILD)/libvaultwise.a \
		 tests/fuzz/fuzzutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(TEST_CPPFLAGS) -Itests/fuzz $(CFLAGS_ALL) \
	    -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_DRIVER) $(BUILD)/libvaultwise.a $(LDFLAGS_ALL) \
	    $(PKG_LIBS)

fuzz-bins: $(FUZZ_BIN)

fuzz: deps
	@sh scripts/deps.sh clang libclang-rt-dev
	@$(FUZZ_MAKE)
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-smoke: deps
	@sh scripts/deps.sh clang libclang-rt-dev
	@$(FUZZ_MAKE)
	@FUZZ_SEED=1 sh tests/fuzz/run.sh build-fuzz 15

# The unit-test binaries and the commands the end-to-end tests run, under
# valgrind (tests/valgrind.sh).
valgrind: deps
	@sh scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory BUILD=build-vg OPT=-O1 test-bins
	@sh tests/valgrind.sh build-vg

clean:
	rm -rf build build-asan build-tsan build-fuzz build-vg vaultwise man \
	    completion

-include $(LIB_OBJ:.o=.d) $(BUILD)/optimizer/cli/main.d
