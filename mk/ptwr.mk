# Writable page tables: the faulting-store decoder (hv/lib/ptwr_decode.c).
# Pure: linked into the hypervisor through HV_LIB_SRCS (mk/xenolith-hv.mk is
# included after this file) and into the host unit test below.

HV_LIB_SRCS += hv/lib/ptwr_decode.c

# Host test: cmocka, ASan/UBSan.  It assembles its own instruction table
# (gas computes the expected lengths) and checks compose against this CPU.
$(eval $(call lib_unit_test,test_ptwr_decode,hv/lib/ptwr_decode.c))

# Freestanding compile check with the hypervisor's flags (lib.mk's pattern rule).
PTWR_FREE_OBJS := $(LIB_FREE_DIR)/ptwr_decode.o
ALL_TARGETS += $(PTWR_FREE_OBJS)
-include $(PTWR_FREE_OBJS:.o=.d)

# --- fuzzing (clang + libFuzzer; not part of `make test`) -------------------
# `make fuzz-ptwr` runs the decoder harness for FUZZ_SECONDS (lib.mk, default 60).
FUZZ_PTWR := $(BUILD)/fuzz/fuzz_ptwr_decode

$(FUZZ_PTWR): tests/fuzz/fuzz_ptwr_decode.c hv/lib/ptwr_decode.c hv/include/hv/ptwr_decode.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	    -Iinclude -Ihv/include -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -o $@ $(filter %.c,$^)

.PHONY: fuzz-ptwr ptwr-check
fuzz-ptwr: $(FUZZ_PTWR)
	@mkdir -p $(BUILD)/fuzz/corpus-ptwr
	$(FUZZ_PTWR) -max_total_time=$(FUZZ_SECONDS) -max_len=32 $(BUILD)/fuzz/corpus-ptwr

ptwr-check: $(PTWR_FREE_OBJS) $(LIB_UNIT_DIR)/test_ptwr_decode
	$(LIB_UNIT_DIR)/test_ptwr_decode
