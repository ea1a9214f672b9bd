# iovsim: one non-recursive Makefile. `make` builds ./iovsim; `make demo` runs
# the main job; `make test` runs the suite; `make sanitize` runs it under
# ASan+UBSan; `make bench` measures speed; `make figures` draws the plots.

PKGS := glib-2.0 gsl sqlite3
APT_PKGS := pkg-config libglib2.0-dev libgsl-dev libsqlite3-dev gnuplot-nox sqlite3 parallel perl
BUILD ?= build
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
        -Wwrite-strings -Wundef -Wno-format-nonliteral
WERROR ?= -Werror
OPT ?= -O2 -g
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)
# Recursive (=) so pkg-config runs after the dependency check has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(WERROR) $(CFLAGS) $(PKG_CFLAGS) -Isim \
             -DIOVSIM_VERSION='"$(VERSION)"' -MMD -MP
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm

LIB_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c models/*.c models/*/*.c analysis/*.c))
GP_SRC := $(wildcard analysis/*.gp)
# The gnuplot templates are built in too, so that a copied binary plots.
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/gp_embedded.o
TEST_SRC := $(wildcard tests/test-*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SH := $(wildcard tests/t-*.sh)
BENCH_SRC := $(wildcard tests/bench/*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
DEPS_OK := $(BUILD)/.deps-ok

.PHONY: all demo test test-san sanitize valgrind bench bench-peers figures validation clean deps \
        format-check fuzz install uninstall
.SECONDARY:

all: iovsim

# A missing library or tool is installed when we run as root, otherwise we
# stop with the exact command to run.
deps: $(DEPS_OK)
$(DEPS_OK):
	@if ! pkg-config --exists $(PKGS) 2>/dev/null || ! command -v gnuplot >/dev/null \
	    || ! command -v sqlite3 >/dev/null || ! command -v parallel >/dev/null \
	    || ! command -v prove >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "iovsim: installing build dependencies: $(APT_PKGS)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(APT_PKGS)) >&2 || exit 1; \
	  else \
	    echo "iovsim: missing dependencies; run: sudo apt-get install -y $(APT_PKGS)" >&2; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(@D) && touch $@

iovsim: $(BUILD)/iovsim
	cp $< $@

$(BUILD)/iovsim: $(BUILD)/sim/main.o $(BUILD)/libiovsim.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libiovsim.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Runs record the commit of a build from a git checkout (sim/store.c),
# "-dirty" after it when tracked files differ from it; the header changes
# only when that does, so store.o rebuilds only then.
$(BUILD)/gen/git_commit.h: FORCE
	@mkdir -p $(@D)
	@printf '#define IOVSIM_GIT_COMMIT "%s"\n' \
	    "$$(git rev-parse --short=12 HEAD 2>/dev/null)$$(git rev-parse -q HEAD >/dev/null 2>&1 && \
	    ! git diff --quiet HEAD -- 2>/dev/null && echo -dirty)" >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/sim/store.o: $(BUILD)/gen/git_commit.h
$(BUILD)/sim/store.o: ALL_CFLAGS += -I$(BUILD)/gen -DIOVSIM_HAVE_GIT_COMMIT_H
.PHONY: FORCE
FORCE:

$(BUILD)/gen/gp_embedded.c: $(GP_SRC) dist/embed.sh
	@mkdir -p $(@D)
	dist/embed.sh $(GP_SRC) >$@.tmp && mv $@.tmp $@
$(BUILD)/gen/gp_embedded.o: $(BUILD)/gen/gp_embedded.c | $(DEPS_OK)
	$(CC) $(ALL_CFLAGS) -Ianalysis -c -o $@ $<

# `make install PREFIX=/usr/local DESTDIR=`: the program, its gnuplot
# templates and bundled scenarios in share/iovsim (where the program looks,
# from ../share/iovsim beside it), the man page generated from its own help,
# and bash completion.
PREFIX ?= /usr/local
SHARE = $(DESTDIR)$(PREFIX)/share
$(BUILD)/iovsim.1: $(BUILD)/iovsim dist/man.sh
	dist/man.sh $(BUILD)/iovsim >$@.tmp && mv $@.tmp $@
install: iovsim $(BUILD)/iovsim.1
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/iovsim/analysis $(SHARE)/iovsim/scenarios \
	  $(SHARE)/man/man1 $(SHARE)/bash-completion/completions
	install -m 755 iovsim $(DESTDIR)$(PREFIX)/bin/iovsim
	install -m 644 $(GP_SRC) $(SHARE)/iovsim/analysis/
	install -m 644 scenarios/*.ini $(SHARE)/iovsim/scenarios/
	install -m 644 $(BUILD)/iovsim.1 $(SHARE)/man/man1/iovsim.1
	install -m 644 dist/iovsim.bash $(SHARE)/bash-completion/completions/iovsim
uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/iovsim $(SHARE)/iovsim $(SHARE)/man/man1/iovsim.1 \
	  $(SHARE)/bash-completion/completions/iovsim

# Every test links the helpers the model tests share (tests/testlib.c).
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/tests/testlib.o $(BUILD)/libiovsim.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(BUILD)/libiovsim.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The main job: every strategy under bulk and request/response traffic, its
# comparison table on stdout and its figures in results/.
demo: iovsim
	./iovsim sweep scenarios/quickstart.ini -j 2
	./iovsim plot results/quickstart.db --scenario scenarios/quickstart.ini --outdir results

# Unit and model tests are GTest binaries printing TAP; t-*.sh are end-to-end
# CLI tests printing TAP. prove ends with its "Result: PASS" summary.
test: iovsim $(TEST_BIN)
	IOVSIM=$(CURDIR)/iovsim prove -f -e 'timeout 600' $(TEST_BIN) $(TEST_SH)

sanitize:
	$(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined" test-san

test-san: $(BUILD)/iovsim $(TEST_BIN)
	IOVSIM=$(CURDIR)/$(BUILD)/iovsim ASAN_OPTIONS=detect_leaks=1 prove -f -e 'timeout 900' \
	  $(TEST_BIN) $(TEST_SH)

valgrind: iovsim
	tests/valgrind.sh

bench: iovsim $(BENCH_BIN)
	tests/bench/run-bench.sh $(BUILD)/bench

# The hold model against ns-3's schedulers (installs libns3-dev as root; not in CI).
bench-peers: $(BENCH_BIN)
	tests/bench/peers/run-peers.sh $(BUILD)/bench

# Every bundled scenario that declares [plot NAME] groups: sweep it, then
# draw its figures into results/.
figures: iovsim
	@for s in scenarios/*.ini; do \
	  grep -q '^\[plot ' "$$s" || continue; \
	  n=$$(basename "$$s" .ini); \
	  ./iovsim sweep "$$s" -o "results/$$n.db" -q -j 2 || exit $$?; \
	  ./iovsim plot "results/$$n.db" --scenario "$$s" --outdir results || exit $$?; \
	done

# The scenario loader and value parsers under libFuzzer (tests/fuzz/), with
# ASan and UBSan, seeded with the bundled scenarios, for FUZZ_SECONDS. Needs
# clang; without it this fails, unless FUZZ_OPTIONAL=1 (CI, when clang
# cannot be installed) makes it a notice. Warnings are gcc's to report, in
# the other builds; here clang only sanitizes.
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	@if ! command -v clang >/dev/null; then \
	  echo "make fuzz: clang is not installed (apt-get install clang libclang-rt-dev); nothing fuzzed" >&2; \
	  exit $(if $(FUZZ_OPTIONAL),0,1); \
	fi; \
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer \
	  -fsanitize=fuzzer-no-link $(FUZZ_SAN)" LDFLAGS="-fsanitize=fuzzer $(FUZZ_SAN)" \
	  WERROR= CFLAGS=-w build-fuzz/fuzz/fuzz-scenario && \
	mkdir -p build-fuzz/corpus && cp scenarios/*.ini tests/data/*.ini build-fuzz/corpus/ && \
	build-fuzz/fuzz/fuzz-scenario -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	  -max_len=16384 -print_final_stats=1 build-fuzz/corpus

# The loader needs no subcommand: the CLI files stay out (and gcc-only code
# in them does not stop clang).
FUZZ_OBJ = $(filter-out $(BUILD)/sim/cli_%.o $(BUILD)/analysis/cli_%.o,$(LIB_OBJ))
$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# docs/validation.md: published results beside iovsim's, regenerated.
validation: iovsim
	analysis/validate.sh

clean:
	rm -rf build build-san build-fuzz iovsim

# The house style (.clang-format, from STYLE.md), checked in CI.
format-check:
	clang-format --dry-run -Werror $(LIB_SRC) sim/main.c $(TEST_SRC) $(BENCH_SRC) $(wildcard tests/fuzz/*.c) tests/testlib.[ch] \
	  $(wildcard sim/*.h models/*/*.h analysis/*.h)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
