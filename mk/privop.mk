# Privileged-instruction emulation for PV kernels: the pure decoder
# (hv/lib/privop_decode.c), linked into the hypervisor through HV_LIB_SRCS
# (mk/xenolith-hv.mk is included after this file) and into the host test.

HV_LIB_SRCS += hv/lib/privop_decode.c

# Host test: cmocka, ASan/UBSan; gas assembles the instruction table.
$(eval $(call lib_unit_test,test_privop_decode,hv/lib/privop_decode.c))

# --- fuzzing (clang + libFuzzer; not part of `make test`) -------------------
FUZZ_PRIVOP := $(BUILD)/fuzz/fuzz_privop_decode

$(FUZZ_PRIVOP): tests/fuzz/fuzz_privop_decode.c hv/lib/privop_decode.c hv/include/hv/privop_decode.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	    -Iinclude -Ihv/include -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -o $@ $(filter %.c,$^)

.PHONY: fuzz-privop
fuzz-privop: $(FUZZ_PRIVOP)
	@mkdir -p $(BUILD)/fuzz/corpus-privop
	$(FUZZ_PRIVOP) -max_total_time=$(FUZZ_SECONDS) -max_len=32 $(FUZZ_OPTS) $(BUILD)/fuzz/corpus-privop
