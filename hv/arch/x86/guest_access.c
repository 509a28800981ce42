/* Copies for guest virtual addresses (see hv/guest_access.h); the range rule is hv/lib/guest_range.c. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/guest_access.h>

int copy_from_guest(void *dst, uint64_t gva, size_t n)
{
    if (!guest_range_ok(gva, n))
        return -XEN_EFAULT;
    return raw_copy(dst, (const void *)gva, n) ? -XEN_EFAULT : 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t n)
{
    if (!guest_range_ok(gva, n))
        return -XEN_EFAULT;
    return raw_copy((void *)gva, src, n) ? -XEN_EFAULT : 0;
}

struct fixup { uint64_t insn, resume; };
extern const struct fixup __ex_table_start[], __ex_table_end[];

uint64_t search_fixup(uint64_t addr)
{
    for (const struct fixup *f = __ex_table_start; f < __ex_table_end; f++)
        if (f->insn == addr)
            return f->resume;
    return 0;
}
