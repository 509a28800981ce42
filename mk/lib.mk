# The pure modules, linked into the hypervisor and into the host unit tests:
#  - lib/: shared with os/ and the guests too (headers lib/include/xl/);
#  - hv/lib/: the hypervisor's common ones;
#  - hv/arch/x86/lib/: the x86 ones (headers hv/arch/x86/include/asm/).
#
# HV_LIB_SRCS is for the hypervisor build: compile each file freestanding
# with $(FREE_CFLAGS) -Ihv/include -mcmodel=kernel.  string.c belongs only
# in freestanding images (the host tests use libc's string functions).

HV_LIB_SRCS += lib/string.c lib/format.c hv/lib/cmdline.c \
               lib/elf_xen.c lib/boot_layout.c lib/evtchn_2l.c \
               hv/arch/x86/lib/cpu_policy.c hv/arch/x86/lib/cpu_featureset.c \
               lib/evtchn_fifo.c \
               hv/lib/crc.c hv/lib/inflate.c hv/lib/lzma2.c hv/lib/unxz.c hv/arch/x86/lib/bzimage.c \
               hv/lib/gnttab_rules.c hv/lib/domain_life.c hv/lib/frame_bitmap.c hv/lib/spinlock.c
HV_LIB_SRCS += hv/lib/evtchn_ports.c hv/lib/gnttab_pin.c
HV_LIB_SRCS += hv/arch/x86/lib/e820_dom0.c
HV_LIB_SRCS += hv/lib/timer_heap.c
HV_LIB_SRCS += hv/lib/runq.c hv/lib/credit.c hv/lib/placement.c
HV_LIB_SRCS += hv/arch/x86/lib/acpi_madt.c
HV_LIB_SRCS += hv/lib/rangeset.c
HV_LIB_SRCS += hv/lib/grace_period.c

# The other kernel decompressors (bzImage payloads).
HV_LIB_SRCS += hv/lib/unlz4.c hv/lib/unzstd.c

# --- host unit tests (lib_unit_test: see the Makefile) ----------------------
$(eval $(call lib_unit_test,test_format,lib/format.c))
$(eval $(call lib_unit_test,test_cmdline,hv/lib/cmdline.c))
$(eval $(call lib_unit_test,test_elf_xen,lib/elf_xen.c lib/format.c))
$(eval $(call lib_unit_test,test_boot_layout,lib/boot_layout.c lib/format.c))
$(eval $(call lib_unit_test,test_evtchn_2l,lib/evtchn_2l.c))
$(eval $(call lib_unit_test,test_evtchn_fifo,lib/evtchn_fifo.c))
$(eval $(call lib_unit_test,test_guest_range,))
$(eval $(call lib_unit_test,test_cpu_policy,hv/arch/x86/lib/cpu_policy.c hv/arch/x86/lib/cpu_featureset.c))
$(eval $(call lib_unit_test,test_decompress,hv/lib/crc.c hv/lib/inflate.c hv/lib/lzma2.c hv/lib/unxz.c hv/lib/unlz4.c hv/lib/unzstd.c hv/arch/x86/lib/bzimage.c))
$(eval $(call lib_unit_test,test_gnttab_rules,hv/lib/gnttab_rules.c))
$(eval $(call lib_unit_test,test_domain_life,hv/lib/domain_life.c))
$(eval $(call lib_unit_test,test_frame_bitmap,hv/lib/frame_bitmap.c))
$(eval $(call lib_unit_test,test_spinlock,hv/lib/spinlock.c))
$(eval $(call lib_unit_test,test_e820_dom0,hv/arch/x86/lib/e820_dom0.c))
$(eval $(call lib_unit_test,test_evtchn_ports,hv/lib/evtchn_ports.c))
$(eval $(call lib_unit_test,test_gnttab_pin,hv/lib/gnttab_pin.c hv/lib/gnttab_rules.c))
$(eval $(call lib_unit_test,test_timer_heap,hv/lib/timer_heap.c))
$(eval $(call lib_unit_test,test_runq,hv/lib/runq.c))
$(eval $(call lib_unit_test,test_acpi_madt,hv/arch/x86/lib/acpi_madt.c))
$(eval $(call lib_unit_test,test_credit,hv/lib/credit.c hv/lib/runq.c))
$(eval $(call lib_unit_test,test_placement,hv/lib/placement.c))
$(eval $(call lib_unit_test,test_rangeset,hv/lib/rangeset.c))
$(eval $(call lib_unit_test,test_grace_period,hv/lib/grace_period.c hv/lib/spinlock.c))

# string.c is tested on the host under other names, so libc stays intact.
LIB_STRING_RENAME := -Dmemcpy=xl_memcpy -Dmemmove=xl_memmove -Dmemset=xl_memset \
                     -Dmemcmp=xl_memcmp -Dstrlen=xl_strlen -Dstrnlen=xl_strnlen \
                     -Dstrcmp=xl_strcmp -Dstrncmp=xl_strncmp -Dstrchr=xl_strchr
$(LIB_UNIT_DIR)/xl_string.o: lib/string.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fno-builtin $(LIB_STRING_RENAME) -MMD -MP -c -o $@ $<
$(LIB_UNIT_DIR)/test_string: tests/unit/test_string.c $(LIB_UNIT_DIR)/xl_string.o
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -o $@ $^ -lcmocka
-include $(LIB_UNIT_DIR)/xl_string.d $(LIB_UNIT_DIR)/test_string.d
UNIT_TESTS  += $(LIB_UNIT_DIR)/test_string
ALL_TARGETS += $(LIB_UNIT_DIR)/test_string

# --- freestanding compile check ---------------------------------------------
# Proves every helper builds unchanged with the hypervisor's flags. Over the
# whole HV_LIB_SRCS list (other fragments add to it), so after all of them.
$(LIB_FREE_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(FREE_CFLAGS) -Ihv/include -Ihv/arch/x86/include -mcmodel=kernel -MMD -MP -c -o $@ $<

define lib_free_rules
LIB_FREE_OBJS := $$(patsubst %.c,$$(LIB_FREE_DIR)/%.o,$$(sort $$(HV_LIB_SRCS)))
-include $$(LIB_FREE_OBJS:.o=.d)
ALL_TARGETS += $$(LIB_FREE_OBJS)

.PHONY: lib-check
lib-check: $$(LIB_FREE_OBJS) $$(filter $$(LIB_UNIT_DIR)/%,$$(UNIT_TESTS))
	@set -e; for t in $$(filter $$(LIB_UNIT_DIR)/%,$$(UNIT_TESTS)); do echo "== $$$$t"; $$$$t; done
endef
LATE_RULES += lib_free_rules

# --- fuzzing (clang + libFuzzer; `make test` only builds and smoke-runs it) --
# `make fuzz` builds the ELF harness and runs it for FUZZ_SECONDS on a corpus
# under build/fuzz/, seeded with two valid images (tests/fuzz/make_elf_seeds.py).
FUZZ_ELF := $(FUZZ_OUT)/fuzz_elf_xen
FUZZ_HARNESSES += $(FUZZ_ELF)

$(FUZZ_ELF): tests/fuzz/fuzz_elf_xen.c lib/elf_xen.c lib/format.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

.PHONY: fuzz
fuzz: $(FUZZ_ELF)
	@mkdir -p $(FUZZ_OUT)/corpus-elf
	/usr/bin/python3 tests/fuzz/make_elf_seeds.py $(FUZZ_OUT)/seeds-elf
	$(FUZZ_ELF) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    $(FUZZ_OUT)/corpus-elf $(FUZZ_OUT)/seeds-elf

# Sources that moved to lib/ and hv/arch/x86/lib/: the dependency files of
# an older build still name them; as targets without a recipe they no longer
# stop make (what -MP does for headers). Spelt with addprefix so that a
# rewrite of the moved paths (hv/lib/X.c -> lib/X.c ...) leaves them alone.
$(addprefix hv/lib/,string.c format.c evtchn_2l.c evtchn_fifo.c elf_xen.c boot_layout.c \
  pt_refs.c pt_entry.c pt_table.c pt_update.c pt_pin.c pt_audit.c ptwr_decode.c \
  privop_decode.c cpu_policy.c cpu_featureset.c bzimage.c):

# The toolstack's pure parts (toolstack/, headers <xc/...>, <xl/...> under -Itoolstack).
$(LIB_UNIT_DIR)/test_xc_dom_pt: HOST_CFLAGS += -Itoolstack
$(eval $(call lib_unit_test,test_xc_dom_pt,toolstack/xc/dom_pt.c lib/boot_layout.c lib/format.c))
$(LIB_UNIT_DIR)/test_xl_cfg: HOST_CFLAGS += -Itoolstack
$(eval $(call lib_unit_test,test_xl_cfg,toolstack/xl/cfg.c lib/format.c))
$(LIB_UNIT_DIR)/test_xl_cpio: HOST_CFLAGS += -Itoolstack
$(eval $(call lib_unit_test,test_xl_cpio,toolstack/xl/cpio.c))
$(LIB_UNIT_DIR)/test_xl_cpumap: HOST_CFLAGS += -Itoolstack
$(eval $(call lib_unit_test,test_xl_cpumap,toolstack/xl/cpumap.c lib/format.c))
$(LIB_UNIT_DIR)/test_xl_getopt: HOST_CFLAGS += -Itoolstack
$(eval $(call lib_unit_test,test_xl_getopt,toolstack/xl/getopt.c))
