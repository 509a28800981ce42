# The hypervisor image: build/hv/xenolith.elf (multiboot 1 and 2, loads at 1 MiB).
HV_CFLAGS := $(FREE_CFLAGS) -Ihv/include -Ihv/arch/x86/include -fpie -mcmodel=small -fno-jump-tables
HV_ASFLAGS := -Iinclude -Ihv/include -Ihv/arch/x86/include -D__ASSEMBLER__

HV_IMAGE := $(BUILD)/hv/xenolith.elf
ALL_TARGETS += $(HV_IMAGE)

$(BUILD)/hv/%.o: hv/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv/%.o: hv/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

# The link takes all of HV_LIB_SRCS (other fragments add to it): after them all.
# The pure modules (hv/lib, hv/arch/x86/lib, lib) come only through that list.
define hv_image_rules
HV_C_SRCS := $$(filter-out hv/arch/x86/lib/%,$$(wildcard hv/common/*.c hv/arch/x86/*.c hv/arch/x86/*/*.c)) \
             $$(sort $$(HV_LIB_SRCS))
HV_S_SRCS := $$(wildcard hv/arch/x86/*/*.S)
HV_OBJS := $$(patsubst %.c,$$(BUILD)/%.o,$$(HV_C_SRCS)) $$(patsubst %.S,$$(BUILD)/%.o,$$(HV_S_SRCS))

$$(HV_IMAGE): $$(HV_OBJS) hv/arch/x86/boot/hv.lds
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$$(LD) -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	    -T hv/arch/x86/boot/hv.lds -o $$@ $$(HV_OBJS)

-include $$(HV_OBJS:.o=.d)
endef
LATE_RULES += hv_image_rules
