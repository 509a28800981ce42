# The public guest ABI headers (include/xen) and their checks.
#
#  - every header compiles alone, freestanding and hosted, with -Werror:
#    a generated one-line .c per header under build/tests/abi/alone/;
#  - build/tests/abi/test_abi checks sizes and offsets against Xen's
#    reference values (cmocka, run by `make unit-test`);
#  - build/tests/abi/test_ring checks the ring helpers' behaviour;
#  - build/tests/abi/test_abi_xen (after `make abi-xenref`) compares the
#    same facts with Xen 4.17's own headers.  See docs/abi-headers.md.

ABI_HEADERS := $(sort $(shell find include/xen -name '*.h'))
ABI_DIR     := $(BUILD)/tests/abi
ABI_ALONE   := $(patsubst include/%.h,$(ABI_DIR)/alone/%.ok,$(ABI_HEADERS))

# One generated source per header; the stamp proves both compiles passed.
# Depends on all headers, since they include each other.
$(ABI_DIR)/alone/%.ok: include/%.h $(ABI_HEADERS) mk/abi.mk
	@mkdir -p $(dir $@)
	@printf '#include <%s.h>\ntypedef int abi_alone_unit_t; /* ISO C wants a declaration */\n' '$*' > $(@:.ok=.c)
	$(CC) $(FREE_CFLAGS) -Wpedantic -c $(@:.ok=.c) -o $(@:.ok=.free.o)
	$(CC) $(HOST_CFLAGS) -Wpedantic -c $(@:.ok=.c) -o $(@:.ok=.host.o)
	@touch $@

# Headers whose constants assembly uses (entry code, hypercall page, ELF
# notes): they must also assemble alone, C parts hidden by __ASSEMBLER__.
ABI_ASM_HEADERS := include/xen/xen.h include/xen/elfnote.h include/xen/errno.h \
                   include/xen/arch-x86/xen.h include/xen/arch-x86/xen-x86_64.h
ABI_ASM_ALONE   := $(patsubst include/%.h,$(ABI_DIR)/asm/%.ok,$(ABI_ASM_HEADERS))

$(ABI_DIR)/asm/%.ok: include/%.h $(ABI_HEADERS) mk/abi.mk
	@mkdir -p $(dir $@)
	@printf '#include <%s.h>\n' '$*' > $(@:.ok=.S)
	$(CC) -Werror -Iinclude -c $(@:.ok=.S) -o $(@:.ok=.o)
	@touch $@

$(ABI_DIR)/headers-alone.ok: $(ABI_ALONE) $(ABI_ASM_ALONE)
	@touch $@

$(ABI_DIR)/test_abi: tests/abi/test_abi.c $(ABI_HEADERS) | $(ABI_DIR)/headers-alone.ok
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ tests/abi/test_abi.c -lcmocka

# Behaviour of the ring helpers in include/xen/io/ring.h.
$(ABI_DIR)/test_ring: tests/abi/test_ring.c $(ABI_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ tests/abi/test_ring.c -lcmocka

.PHONY: abi-headers
abi-headers: $(ABI_DIR)/headers-alone.ok

ALL_TARGETS += $(ABI_DIR)/headers-alone.ok $(ABI_DIR)/test_abi $(ABI_DIR)/test_ring
UNIT_TESTS  += $(ABI_DIR)/test_abi $(ABI_DIR)/test_ring

# Cross-check against Xen 4.17's own public headers (Debian libxen-dev).
# `make abi-xenref` fetches the package with apt-get download and unpacks
# it under build/ (nothing is installed system-wide, and the headers never
# enter the tree).  Once unpacked, test_abi_xen joins the unit tests.
ABI_XENREF_DIR := $(ABI_DIR)/xenref
ABI_XENREF_INC := $(ABI_XENREF_DIR)/usr/include
# Xen's headers default to the oldest interface unless told otherwise;
# 0x00040e00 is the latest interface of Xen 4.17.
ABI_XENREF_CFLAGS := $(filter-out -Iinclude -Ilib/include -Ihv/include -Ihv/arch/x86/include,$(HOST_CFLAGS)) \
                     -D__XEN_INTERFACE_VERSION__=0x00040e00 -isystem $(ABI_XENREF_INC)

.PHONY: abi-xenref
abi-xenref:
	@mkdir -p $(ABI_XENREF_DIR)
	cd $(ABI_XENREF_DIR) && rm -f libxen-dev_*.deb && apt-get download libxen-dev
	dpkg-deb -x $(ABI_XENREF_DIR)/libxen-dev_*.deb $(ABI_XENREF_DIR)

$(ABI_DIR)/facts_ours.o: tests/abi/facts_ours.c tests/abi/abi_facts.def tests/abi/abi_facts.h $(ABI_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(ABI_DIR)/facts_xen.o: tests/abi/facts_xen.c tests/abi/abi_facts.def tests/abi/abi_facts.h $(ABI_XENREF_INC)/xen/xen.h
	@mkdir -p $(dir $@)
	$(CC) $(ABI_XENREF_CFLAGS) -c $< -o $@

$(ABI_DIR)/test_abi_xen: tests/abi/test_abi_xen.c $(ABI_DIR)/facts_ours.o $(ABI_DIR)/facts_xen.o
	$(CC) $(HOST_CFLAGS) -o $@ $^ -lcmocka

ifneq ($(wildcard $(ABI_XENREF_INC)/xen/xen.h),)
ALL_TARGETS += $(ABI_DIR)/test_abi_xen
UNIT_TESTS  += $(ABI_DIR)/test_abi_xen
endif
