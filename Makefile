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
             $(WARN) $(OPT) $(SANITIZE) -Iinclude -I$(BUILD)/gen $(DEP_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANITIZE) $(LDFLAGS) -pthread

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

GEN_SRCS  := $(BUILD)/gen/rule_list.c $(BUILD)/gen/rule_docs.c $(BUILD)/gen/knowledge.c
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(GEN_SRCS:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
LIB       := $(BUILD)/libenvdoctor.a
BIN       := $(BUILD)/env-doctor

.PHONY: all test test-tools asan valgrind run clean install check-deps
all: $(BIN)

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BIN): $(CLI_OBJS) $(LIB)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS)

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

$(BUILD)/tests/%: tests/%.c tests/testutil.h tests/cli_harness.h $(LIB)
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

valgrind: $(BIN) $(TEST_BINS) test-tools
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

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/env-doctor
	install -m 644 docs/env-doctor.1 $(DESTDIR)$(PREFIX)/share/man/man1/env-doctor.1

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
