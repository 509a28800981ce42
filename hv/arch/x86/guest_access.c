/*
 * The byte primitive under every guest copy (see hv/guest_access.h); the
 * range rule is asm/guest_range.h. Typed handles reach it through the
 * inline element copies of guest_access.h.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/guest_access.h>

int raw_copy_from_guest(void *dst, uint64_t gva, size_t n)
{
    if (!guest_range_ok(gva, n))
        return -XEN_EFAULT;
    return raw_copy(dst, (const void *)gva, n) ? -XEN_EFAULT : 0;
}

int raw_copy_to_guest(uint64_t gva, const void *src, size_t n)
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
