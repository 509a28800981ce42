# libFuzzer harnesses for the pure hv/lib parsers and state machines.
# Not part of `make all`; `make test` builds each and runs it briefly
# (fuzz-check in the Makefile). Each `make fuzz-<name>` builds its harness
# with clang and runs it for FUZZ_SECONDS on a corpus kept under
# build/fuzz/corpus-<name>/, seeded by tests/fuzz/make_seeds.py.  Crashes
# land in build/fuzz/crashes-<name>/.  See tests/fuzz/README.md.
# FUZZ_CC, FUZZ_CFLAGS, FUZZ_OUT and FUZZ_SECONDS come from the Makefile.

FUZZ_PT_SRCS := hv/arch/x86/lib/pt_refs.c hv/arch/x86/lib/pt_entry.c hv/arch/x86/lib/pt_table.c hv/arch/x86/lib/pt_update.c \
                hv/arch/x86/lib/pt_pin.c hv/arch/x86/lib/pt_audit.c tests/unit/test_pt_machine.c

# One clang call compiles and links several sources, so -MMD cannot name
# the headers of each; depend on every header they could include instead.
FUZZ_HEADERS := $(wildcard include/xen/*.h lib/include/xl/*.h hv/include/hv/*.h hv/arch/x86/include/asm/*.h tests/unit/test_pt_machine.h \
                  tests/unit/evtchn_fifo_rig.h $(wildcard tests/fuzz/*.h))

# $(1): target name (fuzz-$(1)), $(2): harness stem (tests/fuzz/$(2).c),
# $(3): sources it links, $(4): -max_len, $(5): extra libFuzzer options.
define fuzz_target
$(FUZZ_OUT)/$(2): tests/fuzz/$(2).c $(3) $$(FUZZ_HEADERS)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/$(2).c $(3)

.PHONY: fuzz-$(1) fuzz-build-$(1)
fuzz-build-$(1): $(FUZZ_OUT)/$(2)
fuzz-$(1): $(FUZZ_OUT)/$(2)
	@mkdir -p $(FUZZ_OUT)/corpus-$(1) $(FUZZ_OUT)/seeds-$(1) $(FUZZ_OUT)/crashes-$(1)
	/usr/bin/python3 tests/fuzz/make_seeds.py $(1) $(FUZZ_OUT)/seeds-$(1)
	$(FUZZ_OUT)/$(2) -max_total_time=$$(FUZZ_SECONDS) -max_len=$(4) -timeout=20 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/crashes-$(1)/ $(5) $$(FUZZ_OPTS) \
	    $(FUZZ_OUT)/corpus-$(1) $(FUZZ_OUT)/seeds-$(1)
FUZZ_HARNESSES += $(FUZZ_OUT)/$(2)
endef

$(eval $(call fuzz_target,pt-types,fuzz_pt_types,$(FUZZ_PT_SRCS),1024,))
$(eval $(call fuzz_target,cmdline,fuzz_cmdline,hv/lib/cmdline.c,512,-dict=tests/fuzz/cmdline.dict))
$(eval $(call fuzz_target,boot-layout,fuzz_boot_layout,lib/boot_layout.c lib/format.c,64,))
$(eval $(call fuzz_target,evtchn-2l,fuzz_evtchn_2l,lib/evtchn_2l.c,2048,))
$(eval $(call fuzz_target,evtchn-fifo,fuzz_evtchn_fifo,lib/evtchn_fifo.c,2048,))
$(eval $(call fuzz_target,gunzip,fuzz_gunzip,hv/lib/inflate.c hv/lib/crc.c,65536,))
$(eval $(call fuzz_target,unxz,fuzz_unxz,hv/lib/unxz.c hv/lib/lzma2.c hv/lib/crc.c hv/arch/x86/lib/bzimage.c hv/lib/inflate.c hv/lib/unlz4.c hv/lib/unzstd.c,65536,))
$(eval $(call fuzz_target,unlz4,fuzz_unlz4,hv/lib/unlz4.c,65536,))
$(eval $(call fuzz_target,unzstd,fuzz_unzstd,hv/lib/unzstd.c,65536,))

# The toolstack's config parser and initrd reader (headers under toolstack/).
$(FUZZ_OUT)/fuzz_xl_cfg: FUZZ_CFLAGS += -Itoolstack
$(eval $(call fuzz_target,xl-cfg,fuzz_xl_cfg,toolstack/xl/cfg.c toolstack/xl/cpio.c lib/format.c,4096,))
