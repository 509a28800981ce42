# The PV MMU's frame type and reference-count machine (hv/arch/x86/lib/pt_*.c).
# Pure: linked into the hypervisor (HV_LIB_SRCS) and into the host unit
# tests below.

PT_SRCS := hv/arch/x86/lib/pt_refs.c hv/arch/x86/lib/pt_entry.c hv/arch/x86/lib/pt_table.c hv/arch/x86/lib/pt_update.c \
           hv/arch/x86/lib/pt_pin.c hv/arch/x86/lib/pt_audit.c \
           hv/arch/x86/lib/pt_relinquish.c
HV_LIB_SRCS += $(PT_SRCS)

# Host tests: directed cases and the randomized invariant run share a fake machine.
PT_TEST_MACHINE := tests/unit/test_pt_machine.c
$(eval $(call lib_unit_test,test_pt_types,$(PT_SRCS) $(PT_TEST_MACHINE)))
$(eval $(call lib_unit_test,test_pt_random,$(PT_SRCS) $(PT_TEST_MACHINE)))
$(eval $(call lib_unit_test,test_pt_relinquish,$(PT_SRCS) $(PT_TEST_MACHINE)))
# Threads standing for CPUs: releases racing references, writable claims racing each other.
$(eval $(call lib_unit_test,test_pt_smp,$(PT_SRCS)))

# Freestanding compile check with the hypervisor's flags (lib.mk checks all
# of HV_LIB_SRCS; this names the objects for pt-check).
PT_FREE_OBJS := $(patsubst %.c,$(LIB_FREE_DIR)/%.o,$(PT_SRCS))

.PHONY: pt-check
pt-check: $(PT_FREE_OBJS) $(LIB_UNIT_DIR)/test_pt_types $(LIB_UNIT_DIR)/test_pt_random
	$(LIB_UNIT_DIR)/test_pt_types
	$(LIB_UNIT_DIR)/test_pt_random
