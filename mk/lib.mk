# hv/lib: pure helpers shared by the hypervisor and the host unit tests.
#
# HV_LIB_SRCS is for the hypervisor build: compile each file freestanding
# with $(FREE_CFLAGS) -Ihv/include -mcmodel=kernel.  string.c belongs only
# in freestanding images (the host tests use libc's string functions).

HV_LIB_SRCS := hv/lib/string.c hv/lib/format.c hv/lib/cmdline.c \
               hv/lib/elf_xen.c hv/lib/boot_layout.c hv/lib/evtchn_2l.c \
               hv/lib/cpu_policy.c hv/lib/cpu_featureset.c \
               hv/lib/evtchn_fifo.c \
               hv/lib/crc.c hv/lib/inflate.c hv/lib/lzma2.c hv/lib/unxz.c hv/lib/bzimage.c \
               hv/lib/gnttab_rules.c

# The other kernel decompressors (bzImage payloads).
HV_LIB_SRCS += hv/lib/unlz4.c hv/lib/unzstd.c

LIB_UNIT_DIR := $(BUILD)/tests/unit
LIB_FREE_DIR := $(BUILD)/lib-free

# --- host unit tests (cmocka, ASan/UBSan via HOST_CFLAGS) -------------------
# $(1): test name (tests/unit/$(1).c), $(2): hv/lib sources it links.
define lib_unit_test
$(LIB_UNIT_DIR)/$(1): tests/unit/$(1).c $(2)
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -MMD -MP -o $$@ tests/unit/$(1).c $(2) -lcmocka
UNIT_TESTS  += $(LIB_UNIT_DIR)/$(1)
ALL_TARGETS += $(LIB_UNIT_DIR)/$(1)
-include $(LIB_UNIT_DIR)/$(1).d
endef

$(eval $(call lib_unit_test,test_format,hv/lib/format.c))
$(eval $(call lib_unit_test,test_cmdline,hv/lib/cmdline.c))
$(eval $(call lib_unit_test,test_elf_xen,hv/lib/elf_xen.c hv/lib/format.c))
$(eval $(call lib_unit_test,test_boot_layout,hv/lib/boot_layout.c hv/lib/format.c))
$(eval $(call lib_unit_test,test_evtchn_2l,hv/lib/evtchn_2l.c))
$(eval $(call lib_unit_test,test_evtchn_fifo,hv/lib/evtchn_fifo.c))
$(eval $(call lib_unit_test,test_guest_range,))
$(eval $(call lib_unit_test,test_cpu_policy,hv/lib/cpu_policy.c hv/lib/cpu_featureset.c))
$(eval $(call lib_unit_test,test_decompress,hv/lib/crc.c hv/lib/inflate.c hv/lib/lzma2.c hv/lib/unxz.c hv/lib/unlz4.c hv/lib/unzstd.c hv/lib/bzimage.c))
$(eval $(call lib_unit_test,test_gnttab_rules,hv/lib/gnttab_rules.c))

# string.c is tested on the host under other names, so libc stays intact.
LIB_STRING_RENAME := -Dmemcpy=xl_memcpy -Dmemmove=xl_memmove -Dmemset=xl_memset \
                     -Dmemcmp=xl_memcmp -Dstrlen=xl_strlen -Dstrnlen=xl_strnlen \
                     -Dstrcmp=xl_strcmp -Dstrncmp=xl_strncmp -Dstrchr=xl_strchr
$(LIB_UNIT_DIR)/xl_string.o: hv/lib/string.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fno-builtin $(LIB_STRING_RENAME) -MMD -MP -c -o $@ $<
$(LIB_UNIT_DIR)/test_string: tests/unit/test_string.c $(LIB_UNIT_DIR)/xl_string.o
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -o $@ $^ -lcmocka
-include $(LIB_UNIT_DIR)/xl_string.d $(LIB_UNIT_DIR)/test_string.d
UNIT_TESTS  += $(LIB_UNIT_DIR)/test_string
ALL_TARGETS += $(LIB_UNIT_DIR)/test_string

# --- freestanding compile check ---------------------------------------------
# Proves every helper builds unchanged with the hypervisor's flags.
LIB_FREE_OBJS := $(patsubst hv/lib/%.c,$(LIB_FREE_DIR)/%.o,$(HV_LIB_SRCS))
$(LIB_FREE_DIR)/%.o: hv/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(FREE_CFLAGS) -Ihv/include -mcmodel=kernel -MMD -MP -c -o $@ $<
-include $(LIB_FREE_OBJS:.o=.d)
ALL_TARGETS += $(LIB_FREE_OBJS)

.PHONY: lib-check
lib-check: $(LIB_FREE_OBJS) $(filter $(LIB_UNIT_DIR)/%,$(UNIT_TESTS))
	@set -e; for t in $(filter $(LIB_UNIT_DIR)/%,$(UNIT_TESTS)); do echo "== $$t"; $$t; done

# --- fuzzing (clang + libFuzzer; not part of `make test`) -------------------
# `make fuzz` builds the ELF harness and runs it for FUZZ_SECONDS on a corpus
# under build/fuzz/, seeded with two valid images (tests/fuzz/make_elf_seeds.py).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_ELF     := $(FUZZ_DIR)/fuzz_elf_xen

$(FUZZ_ELF): tests/fuzz/fuzz_elf_xen.c hv/lib/elf_xen.c hv/lib/format.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	    -Iinclude -Ihv/include -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -o $@ $^

.PHONY: fuzz
fuzz: $(FUZZ_ELF)
	@mkdir -p $(FUZZ_DIR)/corpus-elf
	/usr/bin/python3 tests/fuzz/make_elf_seeds.py $(FUZZ_DIR)/seeds-elf
	$(FUZZ_ELF) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    $(FUZZ_DIR)/corpus-elf $(FUZZ_DIR)/seeds-elf
