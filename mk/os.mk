# os/: the PV kernel library, and the guests built on it (guests/*).
# Each guest is guests/<name>/*.c linked with every library object into
# build/guests/<name>.elf, an ELF64 image that Xen's PV loader accepts.

OS_BUILD   := $(BUILD)/os
OS_CFLAGS  := $(FREE_CFLAGS) -Ios/include -MMD -MP
OS_ASFLAGS := $(OS_CFLAGS) -D__ASSEMBLY__
OS_LDS     := os/arch/x86/os.lds
OS_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T $(OS_LDS)

OS_XLLIB   := lib/string.c lib/format.c lib/evtchn_2l.c lib/evtchn_fifo.c
OS_SRCS    := $(wildcard os/arch/x86/*.S) $(wildcard os/core/*.c)
OS_OBJS    := $(patsubst %,$(OS_BUILD)/%.o,$(basename $(OS_SRCS))) \
              $(patsubst lib/%.c,$(OS_BUILD)/xllib/%.o,$(OS_XLLIB))

OS_GUESTS  := hello hellop2m selftest bench crash logdirty xdom lifecycle idle

# The toolstack's libxc (toolstack/xc, headers <xc/...>): hypercall wrappers and the PV
# domain builder, with the lib/ modules it needs. xdom builds its DomU with it.
OS_CFLAGS  += -Itoolstack
XC_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard toolstack/xc/*.c)) \
              $(OS_BUILD)/xllib/elf_xen.o $(OS_BUILD)/xllib/boot_layout.o

$(BUILD)/toolstack/%.o: toolstack/%.c
	@mkdir -p $(dir $@)
	$(CC) $(OS_CFLAGS) -c $< -o $@
-include $(patsubst %.c,$(BUILD)/%.d,$(wildcard toolstack/xc/*.c))

# Modules a guest links beyond the library's own.
xdom_XLLIB := $(XC_OBJS)
lifecycle_XLLIB := $(XC_OBJS)
logdirty_XLLIB := $(XC_OBJS)
crash_XLLIB := $(XC_OBJS)

$(OS_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(OS_CFLAGS) -c $< -o $@

$(OS_BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(OS_ASFLAGS) -c $< -o $@

$(OS_BUILD)/xllib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(OS_CFLAGS) -c $< -o $@

# One link rule per guest.
define os_guest_rules
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard guests/$(1)/*.c)) \
             $$(patsubst %.S,$(BUILD)/%.o,$$(wildcard guests/$(1)/*.S))

$(BUILD)/guests/$(1)/%.o: guests/$(1)/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(OS_CFLAGS) -Iguests/$(1) -c $$< -o $$@

$(BUILD)/guests/$(1)/%.o: guests/$(1)/%.S
	@mkdir -p $$(dir $$@)
	$$(CC) $$(OS_ASFLAGS) -Iguests/$(1) -c $$< -o $$@

$(BUILD)/guests/$(1).elf: $$($(1)_OBJS) $$(OS_OBJS) $$($(1)_XLLIB) $$(OS_LDS)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(OS_LDFLAGS) -o $$@ $$(OS_OBJS) $$($(1)_OBJS) $$($(1)_XLLIB)

ALL_TARGETS += $(BUILD)/guests/$(1).elf
-include $$($(1)_OBJS:.o=.d)
endef

$(foreach g,$(OS_GUESTS),$(eval $(call os_guest_rules,$(g))))

-include $(OS_OBJS:.o=.d)

.PHONY: guests
guests: $(foreach g,$(OS_GUESTS),$(BUILD)/guests/$(g).elf)

# Record Xen 4.17's output of hello and selftest (needs .cache/xen/xen-4.17).
# hello's command line is the one tests/system uses.
.PHONY: guests-expected
guests-expected: $(BUILD)/guests/hello.elf $(BUILD)/guests/selftest.elf
	/usr/bin/python3 guests/record-expected.py $(BUILD)/guests/hello.elf "hello,world x=1" \
	    > guests/hello/expected-xen-4.17.txt
	/usr/bin/python3 guests/record-expected.py $(BUILD)/guests/selftest.elf \
	    > guests/selftest/expected-xen-4.17.txt
