/*
 * The one door for guest memory. Every read or write of a guest virtual
 * address goes through raw_copy_from_guest/raw_copy_to_guest: the range is
 * checked (canonical, outside the hypervisor's slots, no wrap-around) and the
 * copy itself recovers from a page fault through the exception-fixup table,
 * so a bad pointer is -EFAULT, never a hypervisor fault. The current guest's
 * page tables must be loaded.
 *
 * Hypercall arguments reach that door through typed guest handles, as in
 * Xen: a handle (XEN_GUEST_HANDLE(type), include/xen/arch-x86/xen.h) is a
 * union of a typed pointer .p, which only gives the compiler the element
 * type, and the raw address .addr, which is all this side ever uses; the
 * pointer is never dereferenced. The copies below count ELEMENTS, not bytes,
 * and check at compile time that the handle's element type is the one of
 * the hypervisor buffer (a void handle takes any buffer; a copy to a guest
 * refuses a handle to const). Offsets are in elements too. A count or offset
 * whose size in bytes does not fit in 64 bits is refused with -EFAULT before
 * anything is touched. Everything answers 0 or -XEN_EFAULT.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/guest_range.h>

/* The byte primitive: 0, or -XEN_EFAULT when the range is bad or any byte faults. */
int raw_copy_from_guest(void *dst, uint64_t gva, size_t n);
int raw_copy_to_guest(uint64_t gva, const void *src, size_t n);

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
    ".quad " from ", " to "\n"                                  \
    ".previous\n"

/* ---- Typed guest handles ---------------------------------------------- */

/* A handle passed as a hypercall argument: on x86-64 the same 8-byte type. */
#define XEN_GUEST_HANDLE_PARAM(name)    XEN_GUEST_HANDLE(name)

/* A handle of element type `name` for a guest address taken from a register. */
#define guest_handle_from_va(name, va)  ((XEN_GUEST_HANDLE(name)){ .addr = (uint64_t)(va) })
/* The same guest address seen as an array of another element type. */
#define guest_handle_cast(hnd, name)    guest_handle_from_va(name, (hnd).addr)

/*
 * A handle (element type `name`) to member `fld` of the structure `hnd`
 * points at; for a structure already read whole (its range is good).
 */
#define guest_handle_for_field(hnd, name, fld) \
    guest_handle_from_va(name, (hnd).addr + offsetof(typeof(*(hnd).p), fld))

#define guest_handle_is_null(hnd)       ((hnd).addr == 0)
/* Size of one element of the handle's array (1 for a void handle). */
#define guest_handle_elem_size(hnd)     sizeof(*(hnd).p)
/* Move the handle `nr` elements on (or back) in the array it points into. */
#define guest_handle_add_offset(hnd, nr) \
    ((hnd).addr += (uint64_t)(nr) * guest_handle_elem_size(hnd))
#define guest_handle_subtract_offset(hnd, nr) \
    ((hnd).addr -= (uint64_t)(nr) * guest_handle_elem_size(hnd))

/*
 * Where elements [off, off + nr) of an array of `size`-byte elements at
 * `base` lie: their address and length in bytes. False when a product or
 * the sum does not fit in 64 bits (Xen refuses such counts: its
 * array_access_ok). Pure; host-tested (tests/unit/test_guest_handle.c).
 */
static inline bool guest_array_span(uint64_t base, uint64_t off, uint64_t nr, size_t size,
                                    uint64_t *at, uint64_t *bytes)
{
    uint64_t skip;

    if (__builtin_mul_overflow(nr, (uint64_t)size, bytes) ||
        __builtin_mul_overflow(off, (uint64_t)size, &skip) ||
        __builtin_add_overflow(base, skip, at))
        return false;
    return true;
}

/* May the hypervisor touch elements [off, off + nr) of that array? (the range rule on the span) */
static inline bool guest_array_ok(uint64_t base, uint64_t off, uint64_t nr, size_t size)
{
    uint64_t at, bytes;

    return guest_array_span(base, off, nr, size, &at, &bytes) && guest_range_ok(at, bytes);
}

/*
 * Elements first..last inclusive. last = first - 1 is empty; a last further
 * below first is a huge count, refused, as is 2^64 elements (0..~0).
 */
static inline bool guest_array_range_ok(uint64_t base, uint64_t first, uint64_t last, size_t size)
{
    return !(first == 0 && last == UINT64_MAX) && guest_array_ok(base, first, last - first + 1, size);
}

/* The copies of the macros below: elements, or `n` bytes `skip` bytes into the object at base. */
static inline int guest_array_from(void *dst, uint64_t base, uint64_t off, uint64_t nr, size_t size)
{
    uint64_t at, bytes;

    if (!guest_array_span(base, off, nr, size, &at, &bytes))
        return -XEN_EFAULT;
    return raw_copy_from_guest(dst, at, bytes);
}

static inline int guest_array_to(uint64_t base, uint64_t off, const void *src, uint64_t nr,
                                 size_t size)
{
    uint64_t at, bytes;

    if (!guest_array_span(base, off, nr, size, &at, &bytes))
        return -XEN_EFAULT;
    return raw_copy_to_guest(at, src, bytes);
}

static inline int guest_part_from(void *dst, uint64_t base, size_t skip, size_t n)
{
    uint64_t at;

    if (__builtin_add_overflow(base, (uint64_t)skip, &at))
        return -XEN_EFAULT;
    return raw_copy_from_guest(dst, at, n);
}

static inline int guest_part_to(uint64_t base, size_t skip, const void *src, size_t n)
{
    uint64_t at;

    if (__builtin_add_overflow(base, (uint64_t)skip, &at))
        return -XEN_EFAULT;
    return raw_copy_to_guest(at, src, n);
}

/*
 * Would copies of `nr` elements of the handle's type (elements first..last)
 * pass the range check? For refusing a whole array with -EFAULT before any
 * work, as Xen's guest_handle_okay/guest_handle_subrange_okay.
 */
#define guest_handle_okay(hnd, nr) \
    guest_array_ok((hnd).addr, 0, (nr), guest_handle_elem_size(hnd))
#define guest_handle_subrange_okay(hnd, first, last) \
    guest_array_range_ok((hnd).addr, (first), (last), guest_handle_elem_size(hnd))

/*
 * Read `nr` elements of *ptr's type from element `off` of the guest array
 * `hnd` into ptr. The element size is the buffer's; a handle of another
 * (non-void) element type does not compile.
 */
#define copy_from_guest_offset(ptr, hnd, off, nr) ({                        \
    typeof(*(ptr)) *gh_dst_ = (ptr);                                        \
    const typeof(*(ptr)) *gh_chk_ __attribute__((unused)) = (hnd).p;        \
    guest_array_from(gh_dst_, (hnd).addr, (off), (nr), sizeof(*gh_dst_));   \
})

/*
 * Write `nr` elements from ptr to element `off` of the guest array `hnd`.
 * The handle must not be to const, and its element type must be *ptr's
 * (or void).
 */
#define copy_to_guest_offset(hnd, off, ptr, nr) ({                          \
    const typeof(*(ptr)) *gh_src_ = (ptr);                                  \
    void *gh_chk_ __attribute__((unused)) = (hnd).p;                        \
    (void)sizeof((hnd).p == gh_src_);           /* same element type, or void */ \
    guest_array_to((hnd).addr, (off), gh_src_, (nr), sizeof(*gh_src_));     \
})

#define copy_from_guest(ptr, hnd, nr)   copy_from_guest_offset(ptr, hnd, 0, nr)
#define copy_to_guest(hnd, ptr, nr)     copy_to_guest_offset(hnd, 0, ptr, nr)

/*
 * One member of the structure `hnd` points at, to or from the same member
 * of *ptr (the handle's element type must be ptr's structure type).
 */
#define copy_field_to_guest(hnd, ptr, field) ({                             \
    const typeof((ptr)->field) *gh_src_ = &(ptr)->field;                    \
    (void)sizeof(&(hnd).p->field == gh_src_);   /* same member type */      \
    guest_part_to((hnd).addr, offsetof(typeof(*(hnd).p), field),            \
                  gh_src_, sizeof(*gh_src_));                               \
})
#define copy_field_from_guest(ptr, hnd, field) ({                           \
    typeof((ptr)->field) *gh_dst_ = &(ptr)->field;                          \
    (void)sizeof(&(hnd).p->field == gh_dst_);                               \
    guest_part_from(gh_dst_, (hnd).addr, offsetof(typeof(*(hnd).p), field), \
                    sizeof(*gh_dst_));                                      \
})

/*
 * The same, for a structure already known to be in range (a copy of the
 * whole element succeeded, or guest_handle_okay said so): no check that the
 * member's address fits, only the primitive's (Xen's __copy_field_to_guest).
 */
#define __copy_field_to_guest(hnd, ptr, field) ({                           \
    const typeof((ptr)->field) *gh_src_ = &(ptr)->field;                    \
    (void)sizeof(&(hnd).p->field == gh_src_);                               \
    raw_copy_to_guest((hnd).addr + offsetof(typeof(*(hnd).p), field),       \
                      gh_src_, sizeof(*gh_src_));                           \
})

#endif
