# Privileged-instruction emulation for PV kernels: the pure decoder
# (hv/arch/x86/lib/privop_decode.c), linked into the hypervisor through HV_LIB_SRCS
# and into the host test.

HV_LIB_SRCS += hv/arch/x86/lib/privop_decode.c

# Host test: cmocka, ASan/UBSan; gas assembles the instruction table.
$(eval $(call lib_unit_test,test_privop_decode,hv/arch/x86/lib/privop_decode.c))

# --- fuzzing (clang + libFuzzer; `make test` only builds and smoke-runs it) --
FUZZ_PRIVOP := $(FUZZ_OUT)/fuzz_privop_decode
FUZZ_HARNESSES += $(FUZZ_PRIVOP)

$(FUZZ_PRIVOP): tests/fuzz/fuzz_privop_decode.c hv/arch/x86/lib/privop_decode.c hv/arch/x86/include/asm/privop_decode.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: fuzz-privop
fuzz-privop: $(FUZZ_PRIVOP)
	@mkdir -p $(FUZZ_OUT)/corpus-privop
	$(FUZZ_PRIVOP) -max_total_time=$(FUZZ_SECONDS) -max_len=32 $(FUZZ_OPTS) $(FUZZ_OUT)/corpus-privop
