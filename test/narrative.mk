# test/narrative.mk
#
# Unit test and fuzzing of the narrative reader (src/narrative.c), without
# PostgreSQL.  Run from the repository root:
#
#   make -f test/narrative.mk unit                  build and run the TAP unit test
#   make -f test/narrative.mk fuzz FUZZ_SECONDS=20  run the libFuzzer harness
#   make -f test/narrative.mk cc-check              compile narrative.c, util.c with gcc -std=c11
#   make -f test/narrative.mk clean
#
# Fuzzing starts from a seed corpus written under $(BUILD)/fuzz/corpus/narrative
# (plus test/fuzz/corpus/narrative/ and test/fuzz/regressions/narrative/ when
# they exist; regressions are replayed one by one first), so the tree is never
# written to; crash inputs land in $(BUILD)/fuzz/artifacts/narrative/.

BUILD ?= build

FUZZ_SECONDS ?= 20
FUZZ_MAX_LEN ?= 512
FUZZ_FLAGS ?=

CC_UNIT ?= $(if $(shell command -v clang 2>/dev/null),clang,gcc)
CC_FUZZ ?= clang
CC_CHECK ?= gcc

SRCS := src/narrative.c src/util.c
HDRS := src/narrative.h src/util.h

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 $(SAN)
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror
CHECK_CFLAGS := -std=c11 -Wall -Wextra -Werror

UNIT_BIN := $(BUILD)/unit/test_narrative
FUZZ_BIN := $(BUILD)/fuzz/fuzz_narrative
CORPUS := $(BUILD)/fuzz/corpus/narrative
ARTIFACTS := $(BUILD)/fuzz/artifacts/narrative

.PHONY: all unit fuzz fuzz-build cc-check clean
.DELETE_ON_ERROR:

all: unit

$(UNIT_BIN): test/unit/test_narrative.c $(SRCS) $(HDRS) test/narrative.mk
	@mkdir -p $(@D)
	$(CC_UNIT) $(UNIT_CFLAGS) -Isrc -o $@ test/unit/test_narrative.c $(SRCS)

unit: $(UNIT_BIN)
	$(UNIT_BIN)

$(FUZZ_BIN): test/fuzz/fuzz_narrative.c $(SRCS) $(HDRS) test/narrative.mk
	@mkdir -p $(@D)
	$(CC_FUZZ) $(FUZZ_CFLAGS) -Isrc -o $@ test/fuzz/fuzz_narrative.c $(SRCS)

fuzz-build: $(FUZZ_BIN)

# seeds: names, a NUL byte, then a narrative; or a narrative alone
fuzz: $(FUZZ_BIN)
	@set -e; \
	rm -rf "$(CORPUS)"; \
	mkdir -p "$(CORPUS)" "$(ARTIFACTS)"; \
	printf 'Tacrolimus 1 mg capsule, take 2 bid, 30 days supply' > "$(CORPUS)/seed1"; \
	printf 'tacrolimus|envarsus xr|mycophenolic acid\000ENVARSUS-XR 0.75mg daily' > "$(CORPUS)/seed2"; \
	printf 'a b|b c|a\000a b c a b 1,000 units .5 mL 10 %%' > "$(CORPUS)/seed3"; \
	printf 'cicl\303\263sporin\302\240''25\302\265g \342\200\234prograf\342\200\235 \342\204\242' > "$(CORPUS)/seed4"; \
	printf 'muromonab-cd3\000MUROMONAB CD3 5 mgx 5 units2 \343\200\200' > "$(CORPUS)/seed5"; \
	if [ -d test/fuzz/corpus/narrative ] && [ -n "$$(ls -A test/fuzz/corpus/narrative)" ]; then \
		cp test/fuzz/corpus/narrative/* "$(CORPUS)"/; \
	fi; \
	if [ -d test/fuzz/regressions/narrative ] && [ -n "$$(ls -A test/fuzz/regressions/narrative)" ]; then \
		echo "== fuzz_narrative: replaying test/fuzz/regressions/narrative"; \
		"$(FUZZ_BIN)" -artifact_prefix="$(ARTIFACTS)"/ test/fuzz/regressions/narrative/*; \
		cp test/fuzz/regressions/narrative/* "$(CORPUS)"/; \
	fi; \
	echo "== fuzz_narrative: $(FUZZ_SECONDS) s on $(CORPUS)"; \
	"$(FUZZ_BIN)" -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
		-artifact_prefix="$(ARTIFACTS)"/ -print_final_stats=1 $(FUZZ_FLAGS) "$(CORPUS)"; \
	echo "== fuzzing passed: narrative"

# the reader and its helpers, as a plain C11 compiler sees them
cc-check:
	@mkdir -p $(BUILD)/cc
	@set -e; for f in $(SRCS); do \
		echo "$(CC_CHECK) $(CHECK_CFLAGS) -c $$f"; \
		$(CC_CHECK) $(CHECK_CFLAGS) -Isrc -c $$f -o $(BUILD)/cc/$$(basename $$f .c).o; \
	done

clean:
	rm -f $(UNIT_BIN) $(FUZZ_BIN)
	rm -rf $(CORPUS) $(ARTIFACTS)
