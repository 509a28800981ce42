# The Linux benchmark program (bench/linux/lbench.c, issue 8): an ordinary
# static Linux program built on the host against glibc's libc.a (libc6-dev),
# put into the benchmark initramfs by bench/linux_bench.py.

LBENCH := $(BUILD)/bench/lbench

$(LBENCH): bench/linux/lbench.c mk/lbench.mk
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -static -O2 $(WARN) -o $@ $<

ALL_TARGETS += $(LBENCH)
