# Xenolith: one flat make. Each part of the tree adds its rules in mk/<part>.mk.
#   make            build the hypervisor, the guests and the host tests
#   make test       host unit tests, then the QEMU system tests
#   make bench      benchmarks, figures under bench/results/
BUILD   := build
CC      := gcc
LD      := ld
OBJCOPY := objcopy
PYTEST  ?= pytest-3

WARN := -Wall -Wextra -Werror -Wno-unused-parameter

# Host programs (unit tests, tools): ordinary hosted C.
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -Ihv/include -fsanitize=address,undefined

# Freestanding code (hypervisor and PV guests): no libc, no SSE in C code,
# no red zone (interrupts land on the same stack).
FREE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -nostdlib \
               -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
               -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -mgeneral-regs-only \
               -fno-omit-frame-pointer -Iinclude \
               -Wmissing-prototypes -Wshadow -Wstrict-prototypes

ALL_TARGETS :=
UNIT_TESTS  :=

.PHONY: all test unit-test system-test bench clean
all:

include $(sort $(wildcard mk/*.mk))

all: $(ALL_TARGETS)

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

system-test: all
	tools/fetch-xen.sh
	$(PYTEST) -v tests/system

test: unit-test system-test

bench: all
	python3 bench/run.py

clean:
	rm -rf $(BUILD)
