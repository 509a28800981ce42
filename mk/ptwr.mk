# Writable page tables: the faulting-store decoder (hv/arch/x86/lib/ptwr_decode.c).
# Pure: linked into the hypervisor through HV_LIB_SRCS and into the host
# unit test below.

HV_LIB_SRCS += hv/arch/x86/lib/ptwr_decode.c

# Host test: cmocka, ASan/UBSan.  It assembles its own instruction table
# (gas computes the expected lengths) and checks compose against this CPU.
$(eval $(call lib_unit_test,test_ptwr_decode,hv/arch/x86/lib/ptwr_decode.c))

# Freestanding compile check with the hypervisor's flags (lib.mk checks all
# of HV_LIB_SRCS; this names the object for ptwr-check).
PTWR_FREE_OBJS := $(LIB_FREE_DIR)/hv/arch/x86/lib/ptwr_decode.o

# --- fuzzing (clang + libFuzzer; `make test` only builds and smoke-runs it) --
# `make fuzz-ptwr` runs the decoder harness for FUZZ_SECONDS (default 60).
FUZZ_PTWR := $(FUZZ_OUT)/fuzz_ptwr_decode
FUZZ_HARNESSES += $(FUZZ_PTWR)

$(FUZZ_PTWR): tests/fuzz/fuzz_ptwr_decode.c hv/arch/x86/lib/ptwr_decode.c hv/arch/x86/include/asm/ptwr_decode.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: fuzz-ptwr ptwr-check
fuzz-ptwr: $(FUZZ_PTWR)
	@mkdir -p $(FUZZ_OUT)/corpus-ptwr
	$(FUZZ_PTWR) -max_total_time=$(FUZZ_SECONDS) -max_len=32 $(FUZZ_OUT)/corpus-ptwr

ptwr-check: $(PTWR_FREE_OBJS) $(LIB_UNIT_DIR)/test_ptwr_decode
	$(LIB_UNIT_DIR)/test_ptwr_decode
