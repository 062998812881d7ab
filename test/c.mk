# test/c.mk
#
# Unit tests and fuzzing of the pure C parsers (src/codes.h, src/x12.h, with
# their helpers in src/util.h), without PostgreSQL.  Run from the repository root:
#
#   make -f test/c.mk unit                      build and run the TAP unit tests
#                                               (the parsers, then util.h)
#   make -f test/c.mk fuzz FUZZ_SECONDS=20      run every libFuzzer harness
#   make -f test/c.mk fuzz PARSERS=ndc FUZZ_SECONDS=600
#                                               one harness only
#   make -f test/c.mk cc-check                  compile the parsers with gcc -std=c11
#   make -f test/c.mk clean
#
# The unit tests read the reference code sets from data/reference; set
# REF_CODES= REF_MODS= to skip those two tests.  Fuzzing works on a fresh copy
# of test/fuzz/corpus/<parser>/ (plus test/fuzz/regressions/<parser>/, which
# are also replayed one by one first) under $(BUILD)/fuzz/, so the tree is
# never written to; crash inputs land in $(BUILD)/fuzz/artifacts/<parser>/.

BUILD ?= build
REF_CODES ?= data/reference/hcpcs-level2-2020.csv
REF_MODS ?= data/reference/hcpcs-modifiers-2020.csv

FUZZ_SECONDS ?= 20
FUZZ_MAX_LEN ?= 256
FUZZ_FLAGS ?=
PARSERS ?= line ndc icd10 x12 legacy

CC_UNIT ?= $(if $(shell command -v clang 2>/dev/null),clang,gcc)
CC_FUZZ ?= clang
CC_CHECK ?= gcc

SRCS := src/hcpcs_parse.c src/ndc_parse.c src/dx_pos_parse.c src/x12_parse.c src/legacy_parse.c src/util.c
HDRS := src/codes.h src/x12.h src/util.h

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 $(SAN)
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror
CHECK_CFLAGS := -std=c11 -Wall -Wextra -Werror

UNIT_BIN := $(BUILD)/unit/test_codes
UTIL_BIN := $(BUILD)/unit/test_util
UNIT_X12_BIN := $(BUILD)/unit/test_x12
FUZZ_BINS := $(PARSERS:%=$(BUILD)/fuzz/fuzz_%)

.PHONY: all unit fuzz fuzz-build cc-check clean
.DELETE_ON_ERROR:

all: unit

$(UNIT_BIN): test/unit/test_codes.c $(SRCS) $(HDRS) test/c.mk
	@mkdir -p $(@D)
	$(CC_UNIT) $(UNIT_CFLAGS) -Isrc -o $@ test/unit/test_codes.c $(SRCS)

$(UTIL_BIN): test/unit/test_util.c src/util.c src/util.h test/c.mk
	@mkdir -p $(@D)
	$(CC_UNIT) $(UNIT_CFLAGS) -Isrc -o $@ test/unit/test_util.c src/util.c

$(UNIT_X12_BIN): test/unit/test_x12.c $(SRCS) $(HDRS) test/c.mk
	@mkdir -p $(@D)
	$(CC_UNIT) $(UNIT_CFLAGS) -Isrc -o $@ test/unit/test_x12.c $(SRCS)

unit: $(UNIT_BIN) $(UTIL_BIN) $(UNIT_X12_BIN)
	$(UNIT_BIN) $(REF_CODES) $(REF_MODS)
	$(UTIL_BIN)
	$(UNIT_X12_BIN)

$(BUILD)/fuzz/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz_common.h $(SRCS) $(HDRS) test/c.mk
	@mkdir -p $(@D)
	$(CC_FUZZ) $(FUZZ_CFLAGS) -Isrc -o $@ $< $(SRCS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@set -e; \
	for p in $(PARSERS); do \
		bin=$(BUILD)/fuzz/fuzz_$$p; \
		corpus=$(BUILD)/fuzz/corpus/$$p; \
		art=$(BUILD)/fuzz/artifacts/$$p; \
		reg=test/fuzz/regressions/$$p; \
		rm -rf "$$corpus"; \
		mkdir -p "$$corpus" "$$art"; \
		cp test/fuzz/corpus/$$p/* "$$corpus"/; \
		if [ -d "$$reg" ] && [ -n "$$(ls -A "$$reg")" ]; then \
			echo "== fuzz_$$p: replaying $$reg"; \
			"$$bin" -artifact_prefix="$$art"/ "$$reg"/*; \
			cp "$$reg"/* "$$corpus"/; \
		fi; \
		echo "== fuzz_$$p: $(FUZZ_SECONDS) s on $$corpus"; \
		"$$bin" -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
			-artifact_prefix="$$art"/ -print_final_stats=1 $(FUZZ_FLAGS) "$$corpus"; \
	done; \
	echo "== fuzzing passed: $(PARSERS)"

# the parsers alone, as a plain C11 compiler sees them
cc-check:
	@mkdir -p $(BUILD)/cc
	@set -e; for f in $(SRCS); do \
		echo "$(CC_CHECK) $(CHECK_CFLAGS) -c $$f"; \
		$(CC_CHECK) $(CHECK_CFLAGS) -Isrc -c $$f -o $(BUILD)/cc/$$(basename $$f .c).o; \
	done

clean:
	rm -rf $(BUILD)/unit $(BUILD)/fuzz $(BUILD)/cc
