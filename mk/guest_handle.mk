# Typed guest handles (hv/include/hv/guest_access.h): the host test of their
# arithmetic, and the check that wrong uses do not compile.
$(eval $(call lib_unit_test,test_guest_handle,))

GUEST_HANDLE_REJECTS := 1 2 3 4 5 6
$(LIB_UNIT_DIR)/guest_handle_reject.ok: tests/unit/guest_handle_reject.c hv/include/hv/guest_access.h
	@mkdir -p $(@D)
	@$(CC) $(FREE_CFLAGS) -Ihv/include -Ihv/arch/x86/include -DREJECT=0 -fsyntax-only $<
	@set -e; for n in $(GUEST_HANDLE_REJECTS); do \
	  if $(CC) $(FREE_CFLAGS) -Ihv/include -Ihv/arch/x86/include -DREJECT=$$n -fsyntax-only $< 2>/dev/null; then \
	    echo "$<: case $$n compiled but must be rejected"; exit 1; fi; done
	@touch $@
ALL_TARGETS += $(LIB_UNIT_DIR)/guest_handle_reject.ok
