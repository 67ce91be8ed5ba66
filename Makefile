# env-doctor build. `make` builds build/env-doctor; see README.md for the rest.
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

.DEFAULT_GOAL := all

PKGS      := yaml-0.1 jansson libpcre2-8
TEST_PKGS := cmocka

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
CFLAGS  ?=
LDFLAGS ?=
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -DED_VERSION='"$(VERSION)"' \
             $(WARN) $(OPT) -fPIE $(SANITIZE) -Iinclude -I$(BUILD)/gen $(DEP_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANITIZE) $(LDFLAGS) -pthread

# The binary is linked statically, as a position-independent executable, so
# that a run starts without the dynamic loader, its symbol lookups and most
# of its relocations: a one-file lint costs 2.5 ms instead of 3.3 ms on the
# benchmark machine (docs/performance.md). -static-pie keeps ASLR, which
# -static would give up. STATIC=0 links dynamically; sanitizer builds
# (make asan, make fuzz) and make valgrind always do. Where the static link
# fails (no static libc or libyaml), the binary is linked dynamically.
STATIC ?= $(if $(SANITIZE),0,1)

# Dependencies: found with pkg-config; scripts/bootstrap installs what is missing.
-include $(BUILD)/deps.mk
$(BUILD)/deps.mk: scripts/bootstrap
	@mkdir -p $(BUILD)
	@scripts/bootstrap --check-or-install
	@{ echo "DEP_CFLAGS := $$(pkg-config --cflags $(PKGS) $(TEST_PKGS))"; \
	   echo "DEP_LIBS := $$(pkg-config --libs $(PKGS))"; \
	   echo "TEST_LIBS := $$(pkg-config --libs $(TEST_PKGS))"; } > $@

LIB_SRCS  := $(sort $(wildcard src/core/*.c src/dockerfile/*.c src/model/*.c \
                               src/engine/*.c src/report/*.c src/shell/*.c src/gpu/*.c src/compose/*.c \
                               src/apptainer/*.c src/scan/*.c \
                               rules/*.c))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
RULE_SRCS := $(sort $(wildcard rules/*.c))
RULE_DOCS := $(sort $(wildcard rules/*.md))
KNOWLEDGE := $(sort $(wildcard rules/knowledge/*.yaml))

GEN_SRCS  := $(BUILD)/gen/rule_list.c $(BUILD)/gen/rule_docs.c $(BUILD)/gen/knowledge.c \
             $(BUILD)/gen/kb_tables.c
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(GEN_SRCS:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
LIB       := $(BUILD)/libenvdoctor.a
BIN       := $(BUILD)/env-doctor

.PHONY: all test test-tools asan valgrind valgrind-run run clean install check-deps bench bench-sweep
all: $(BIN)

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BIN): $(CLI_OBJS) $(LIB)
ifeq ($(STATIC),1)
	@echo "  LINK    $@ (static)"
	$(Q)$(CC) $(ALL_LDFLAGS) -static-pie -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS) 2>$@.link-log || { \
	    echo "  LINK    $@: no static link ($$(grep -m1 -v '^$$' $@.link-log)); linking dynamically" >&2; \
	    $(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS); }
	@rm -f $@.link-log
else
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS)
endif

$(LIB): $(LIB_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/obj/%.o: %.c $(BUILD)/deps.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# Rule registration is generated: a rule file declares ED_RULE(name) and
# nothing else in the tree needs editing.
$(BUILD)/gen/rule_list.c: $(RULE_SRCS) scripts/gen-rule-list
	@mkdir -p $(dir $@)
	$(Q)scripts/gen-rule-list $(RULE_SRCS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/rule_docs.c: $(RULE_DOCS) scripts/embed-docs
	@mkdir -p $(dir $@)
	$(Q)scripts/embed-docs $(RULE_DOCS) > $@.tmp && mv $@.tmp $@

# The knowledge base (rules/knowledge/*.yaml), one C string per file.
$(BUILD)/gen/knowledge.c: $(KNOWLEDGE) scripts/embed-knowledge
	@mkdir -p $(dir $@)
	$(Q)scripts/embed-knowledge $(KNOWLEDGE) > $@.tmp && mv $@.tmp $@

# ... compiled into C tables at build time, so that no YAML is parsed at run
# time: scripts/compile-knowledge (linked with the library minus these
# tables) loads and checks it with kb_load and writes it out (kb_emit.c).
KB_TABLES_OBJ := $(BUILD)/obj/gen/kb_tables.o
$(BUILD)/libkbgen.a: $(filter-out $(KB_TABLES_OBJ),$(LIB_OBJS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/tools/compile-knowledge: scripts/compile-knowledge.c $(BUILD)/libkbgen.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc/model -o $@ $< $(BUILD)/libkbgen.a $(DEP_LIBS) $(ALL_LDFLAGS)

$(BUILD)/gen/kb_tables.c: $(BUILD)/tools/compile-knowledge
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/tools/compile-knowledge > $@.tmp && mv $@.tmp $@

$(KB_TABLES_OBJ): $(BUILD)/gen/kb_tables.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc/model -c -o $@ $<

$(BUILD)/tests/%: tests/%.c tests/testutil.h tests/cli_harness.h tests/rule_harness.h $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -DED_TEST_BIN='"$(abspath $(BIN))"' -o $@ $< $(LIB) $(DEP_LIBS) $(TEST_LIBS)

# The schema tests' tools: python3 + jsonschema (apt) and the SARIF schema and
# Multitool (a pinned download). Offline, those tests are skipped instead,
# unless ED_REQUIRE_TEST_TOOLS=1 (CI sets it): then they fail.
test-tools:
	@scripts/bootstrap --test-tools --check-or-install || \
	    echo "make: test tools missing: the schema tests will be skipped" >&2
	@scripts/fetch-sarif-tools $(BUILD)/tools/sarif || \
	    echo "make: no SARIF Multitool: the SARIF schema tests will be skipped" >&2

test: $(BIN) $(TEST_BINS) test-tools
	@tests/run $(BUILD)

asan:
	$(MAKE) --no-print-directory BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SANITIZE='-fsanitize=address,undefined -fno-sanitize-recover=all' test

# Every test program under valgrind's memcheck, and every env-doctor the tests
# start (tests/run: ED_TEST_WRAPPER), as many programs at a time as there are
# processors (TEST_JOBS=N: N). Fails on any memory error and on any block
# still allocated at exit, reachable or not (--errors-for-leak-kinds=all), in
# any of them; no suppressions. Installs valgrind when missing
# (scripts/bootstrap --valgrind). Not under valgrind (docs/robustness.md,
# "Valgrind"): the programs the tests start that are not ours (sh, git, patch,
# pre-commit, python3, the SARIF Multitool), and three env-doctor runs whose
# code other runs check: test_fix's writer killed by `ulimit -f`, test_cli's
# run under strace, test_schemas' probe for the apptainer subcommand. Timing
# bounds are not checked, and test_schemas lints the rule documentation's
# examples in one run per kind, not one run each (each start costs a second).
# Its own build (build/valgrind), linked dynamically: memcheck cannot see the
# allocations of a static binary.
valgrind:
	@$(MAKE) --no-print-directory BUILD=build/valgrind STATIC=0 valgrind-run

valgrind-run: $(BIN) $(TEST_BINS) test-tools
	@scripts/bootstrap --valgrind --check-or-install
	@VALGRIND=1 tests/run $(BUILD)

run: $(BIN)
	@echo "== env-doctor dockerfile examples/gpu-training.Dockerfile"
	@$(BIN) dockerfile examples/gpu-training.Dockerfile || \
	    echo "(exit status $$?: this example has errors on purpose)"
	@echo
	@echo "== env-doctor dockerfile examples/clean.Dockerfile"
	@$(BIN) dockerfile examples/clean.Dockerfile
	@echo
	@echo "== env-doctor compose examples/compose/legacy"
	@$(BIN) compose examples/compose/legacy || \
	    echo "(exit status $$?: this example has errors on purpose)"

# Fuzzing (docs/robustness.md): the libFuzzer targets tests/fuzz/fuzz_*.c,
# built with clang under ASan + UBSan in build/fuzz (the library with
# -fsanitize=fuzzer-no-link), each run FUZZ_SECONDS seconds with its
# dictionary and its corpus (build/fuzz/corpus/<target>: seeds from
# scripts/fuzz-seeds plus what the fuzzer adds); crashing inputs go to
# build/fuzz/crashes/<target>/. Fails when any target finds a crash, a leak,
# a timeout or runs out of memory. `make fuzz-smoke`: 5 seconds each (CI).
FUZZ_TARGETS  := dockerfile shell compose apptainer config lint fix ignore
FUZZ_SECONDS  ?= 60
FUZZ_CC       ?= clang
FUZZ_BUILD    := build/fuzz
FUZZ_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_BINS     := $(FUZZ_TARGETS:%=$(BUILD)/fuzzers/fuzz_%)
FUZZ_FLAGS    ?=

.PHONY: fuzz fuzz-smoke fuzz-run
fuzz:
	@FUZZ_CC='$(FUZZ_CC)' scripts/bootstrap --fuzz-tools --check-or-install
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	    OPT='-O1 -g -fno-omit-frame-pointer' SANITIZE='$(FUZZ_SANITIZE)' \
	    FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz-run

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5

# The regression test runs the fuzz target bodies (no clang needed).
$(BUILD)/tests/test_fuzz_regressions: $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

$(BUILD)/fuzzers/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -DED_LIBFUZZER -fsanitize=fuzzer -o $@ $< $(LIB) $(DEP_LIBS) -pthread

# -max_len per target: longer inputs are cut.
fuzz-run: $(FUZZ_BINS)
	@scripts/fuzz-seeds $(BUILD)/corpus
	@mkdir -p $(BUILD)/logs
	@failed=""; \
	for t in $(FUZZ_TARGETS); do \
	    case $$t in config|ignore) len=4096 ;; shell) len=8192 ;; *) len=16384 ;; esac; \
	    mkdir -p $(BUILD)/crashes/$$t; \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    if $(BUILD)/fuzzers/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -rss_limit_mb=2048 -max_len=$$len -dict=tests/fuzz/$$t.dict \
	        -artifact_prefix=$(CURDIR)/$(BUILD)/crashes/$$t/ -print_final_stats=1 $(FUZZ_FLAGS) \
	        $(BUILD)/corpus/$$t >$(BUILD)/logs/fuzz_$$t.log 2>&1; then \
	        grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' $(BUILD)/logs/fuzz_$$t.log | tail -1; \
	    else \
	        awk '/ERROR|invariant failed|runtime error|[Tt]imeout|out-of-memory/ { p = 1 } p' \
	            $(BUILD)/logs/fuzz_$$t.log | head -n 80; \
	        echo "fuzz_$$t FAILED: log $(BUILD)/logs/fuzz_$$t.log, input in $(BUILD)/crashes/$$t/"; \
	        failed="$$failed $$t"; \
	    fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi; \
	echo "fuzz: $(words $(FUZZ_TARGETS)) targets, no crash, leak or timeout"

# Benchmarks against the peers (bench/bench.py; not tests): BENCH_FLAGS adds
# options, e.g. BENCH_FLAGS='--quick --no-peers'. Results: $(BUILD)/bench/results.md.
BENCH_FLAGS ?=
$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -O2 -o $@ $<

# The same objects linked dynamically (STATIC=0), measured beside the default
# build, and an empty static C program: the cost of starting any process.
$(BUILD)/bench/env-doctor-dynamic: $(CLI_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS)

$(BUILD)/bench/empty: bench/empty.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -O2 -static -o $@ $< 2>/dev/null || $(CC) -O2 -o $@ $<

bench: $(BIN) $(BUILD)/bench/gen $(BUILD)/bench/peak $(BUILD)/bench/env-doctor-dynamic $(BUILD)/bench/empty
	@python3 bench/bench.py --bin $(BIN) --gen $(BUILD)/bench/gen --peak $(BUILD)/bench/peak \
	    --dynamic-bin $(BUILD)/bench/env-doctor-dynamic --floor-bin $(BUILD)/bench/empty \
	    --work $(BUILD)/bench $(BENCH_FLAGS)

# Each kind of repeated line at N and 4N copies: reports superlinear costs
# (bench/sweep.py; BENCH_FLAGS='--copies 2500' for a quicker run).
bench-sweep: $(BIN) $(BUILD)/bench/peak
	@python3 bench/sweep.py --bin $(BIN) --peak $(BUILD)/bench/peak $(BENCH_FLAGS)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/env-doctor
	install -m 644 docs/env-doctor.1 $(DESTDIR)$(PREFIX)/share/man/man1/env-doctor.1

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
