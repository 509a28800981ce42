# Xenolith: one flat make. Each part of the tree adds its rules in mk/<part>.mk.
#   make            build the hypervisor, the guests and the host tests
#   make test       host unit tests, then the QEMU system tests
#   make bench      benchmarks, figures under bench/results/
BUILD   := build
CC      := gcc
LD      := ld
OBJCOPY := objcopy
PYTEST  ?= pytest-3

WARN := -Wall -Wextra -Werror -Wno-unused-parameter

# Host programs (unit tests, tools): ordinary hosted C.
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -Ilib/include -Ihv/include -Ihv/arch/x86/include -fsanitize=address,undefined

# Freestanding code (hypervisor and PV guests): no libc, no SSE in C code,
# no red zone (interrupts land on the same stack).
FREE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -nostdlib \
               -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
               -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -mgeneral-regs-only \
               -fno-omit-frame-pointer -Iinclude -Ilib/include \
               -Wmissing-prototypes -Wshadow -Wstrict-prototypes

# --- What the fragments share ---------------------------------------------
# Each mk/<part>.mk adds to these lists and defines rules for its own files;
# it may be read in any order. Rules that need a whole list (the hypervisor's
# link over HV_LIB_SRCS, the freestanding check) are macros the fragment
# names in LATE_RULES: they are expanded below, after every fragment.
ALL_TARGETS    :=
UNIT_TESTS     :=
HV_LIB_SRCS    :=
FUZZ_HARNESSES :=
LATE_RULES     :=

LIB_UNIT_DIR := $(BUILD)/tests/unit
LIB_FREE_DIR := $(BUILD)/lib-free

# A host unit test: cmocka, ASan/UBSan through HOST_CFLAGS.
# $(1): test name (tests/unit/$(1).c), $(2): hv/lib sources it links.
define lib_unit_test
$(LIB_UNIT_DIR)/$(1): tests/unit/$(1).c $(2)
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -MMD -MP -o $$@ tests/unit/$(1).c $(2) -lcmocka
UNIT_TESTS  += $(LIB_UNIT_DIR)/$(1)
ALL_TARGETS += $(LIB_UNIT_DIR)/$(1)
-include $(LIB_UNIT_DIR)/$(1).d
endef

# libFuzzer harnesses (tests/fuzz/README.md): clang, run by the make fuzz-* targets.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OPTS    ?=
FUZZ_OUT     := $(BUILD)/fuzz
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
                -Iinclude -Ilib/include -Ihv/include -Ihv/arch/x86/include -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined

.PHONY: all test unit-test system-test fuzz-build fuzz-check bench clean
all:

include $(wildcard mk/*.mk)
$(foreach r,$(LATE_RULES),$(eval $(call $(r))))

all: $(ALL_TARGETS)

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

system-test: all
	tools/fetch-xen.sh
	$(PYTEST) -v tests/system

# Every fuzz harness, built (not part of `all`: it needs clang's libFuzzer).
fuzz-build: $(FUZZ_HARNESSES)

# `make test` compiles every harness and runs each for FUZZ_CHECK_RUNS inputs
# (a smoke test of the harness, not a fuzzing campaign) and on its regression
# inputs (tests/fuzz/crashes/<stem>-*, for build/fuzz/fuzz_<stem>), when clang
# can link libFuzzer (Debian's clang does); otherwise it says so and goes on.
FUZZ_CHECK_RUNS ?= 2000
FUZZ_AVAILABLE := $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
                    $(FUZZ_CC) -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1 && echo yes)
fuzz-check:
ifeq ($(FUZZ_AVAILABLE),yes)
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for h in $(FUZZ_HARNESSES); do echo "== $$h ($(FUZZ_CHECK_RUNS) runs)"; \
	    if ! $$h -runs=$(FUZZ_CHECK_RUNS) -seed=1 -max_len=4096 >$$h.check.log 2>&1; then \
	        cat $$h.check.log; exit 1; fi; tail -n 1 $$h.check.log; \
	    stem=$${h##*/fuzz_}; set -- tests/fuzz/crashes/$$stem-*; [ -e "$$1" ] || continue; \
	    echo "== $$h on $$# regression input(s)"; \
	    if ! $$h "$$@" >$$h.check.log 2>&1; then cat $$h.check.log; exit 1; fi; done
else
	@echo "fuzz-check: $(FUZZ_CC) cannot link libFuzzer here; fuzz harnesses not built"
endif

test: unit-test fuzz-check system-test

bench: all
	python3 bench/run.py

clean:
	rm -rf $(BUILD)
