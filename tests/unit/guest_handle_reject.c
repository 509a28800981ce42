/*
 * Uses of typed guest handles that must not compile (mk/guest_handle.mk
 * compiles each REJECT case and fails the build if one compiles; case 0, the
 * correct uses, must compile). This is the point of a typed handle: the
 * element type of the hypervisor buffer and of the guest array agree.
 */
#include <hv/guest_access.h>

int reject_case(void);

int reject_case(void)
{
    XEN_GUEST_HANDLE(uint64_t) u64 = guest_handle_from_va(uint64_t, 0x1000);
    XEN_GUEST_HANDLE(const_void) cv = guest_handle_from_va(const_void, 0x1000);
    XEN_GUEST_HANDLE(void) v = guest_handle_from_va(void, 0x1000);
    XEN_GUEST_HANDLE(multicall_entry_t) m = guest_handle_from_va(multicall_entry_t, 0x1000);
    uint64_t q = 0;
    uint32_t w = 0;
    multicall_entry_t e = { 0 };
    int rc = 0;

    (void)u64, (void)cv, (void)v, (void)m, (void)q, (void)w, (void)e;
#if REJECT == 0
    rc |= copy_from_guest(&q, u64, 1) | copy_to_guest(u64, &q, 1);
    rc |= copy_from_guest(&w, v, 1) | copy_to_guest(v, &w, 1) | copy_from_guest(&w, cv, 1);
    rc |= copy_from_guest(&e, m, 1) | copy_field_to_guest(m, &e, result);
#elif REJECT == 1
    rc = copy_from_guest(&w, u64, 1);           /* 4-byte buffer, 8-byte elements */
#elif REJECT == 2
    rc = copy_to_guest(u64, &w, 1);
#elif REJECT == 3
    rc = copy_to_guest(cv, &w, 1);              /* a handle to const is read-only */
#elif REJECT == 4
    rc = copy_from_guest(&q, m, 1);             /* a multicall entry is no uint64_t */
#elif REJECT == 5
    m = u64;                                    /* handles of different types do not mix */
#elif REJECT == 6
    rc = copy_field_to_guest(v, &e, result);    /* a field needs a typed handle */
#endif
    return rc;
}
