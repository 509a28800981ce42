/*
 * The one door for guest memory. Every read or write of a guest virtual
 * address goes through these: the range is checked (canonical, outside the
 * hypervisor's slots, no wrap-around) and the copy itself recovers from a
 * page fault through the exception-fixup table, so a bad pointer is -EFAULT,
 * never a hypervisor fault. The current guest's page tables must be loaded.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/guest_range.h>
/* 0, or -XEN_EFAULT when the range is bad or any byte faults. */
int copy_from_guest(void *dst, uint64_t gva, size_t n);
int copy_to_guest(uint64_t gva, const void *src, size_t n);

/* Fault-tolerant raw copy: returns the number of bytes NOT copied. */
size_t raw_copy(void *dst, const void *src, size_t n);

/* Exception fixups: where to resume when the instruction at `addr` faults. */
uint64_t search_fixup(uint64_t addr);

/*
 * Inline-asm text of one exception-table entry: a fault at local label
 * `from` resumes at local label `to` (e.g. EX_TABLE("1b", "3b")).
 */
#define EX_TABLE(from, to)                                      \
    ".section .ex_table, \"a\"\n"                               \
    ".balign 8\n"                                               \
    ".quad " from ", " to "\n"                                   \
    ".previous\n"

#endif
