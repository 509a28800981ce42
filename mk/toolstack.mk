# toolstack/: the Domain 0 toolstack (docs/toolstack.md), an os/ program.
# toolstack/xc (the libxc; XC_OBJS and the compile rule are in mk/os.mk, since
# guests link it too) and toolstack/xl (the shell) make build/toolstack/xl.elf.

XL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard toolstack/xl/*.c))

$(BUILD)/toolstack/xl.elf: $(XL_OBJS) $(XC_OBJS) $(OS_OBJS) $(OS_LDS)
	@mkdir -p $(dir $@)
	$(LD) $(OS_LDFLAGS) -o $@ $(OS_OBJS) $(XL_OBJS) $(XC_OBJS)

ALL_TARGETS += $(BUILD)/toolstack/xl.elf
-include $(XL_OBJS:.o=.d)
