/*
 * Xenolith public ABI: hvm_op (hypercall 34) and dm_op (hypercall 41), the
 * interfaces of HVM guests and of their device models.
 *
 * Every domain of Xenolith is PV, so these answer as Xen 4.17 answers for a
 * PV domain: the argument is read and checked, then an operation that needs an
 * HVM domain is refused with -XEN_EINVAL.
 *   hvm_op(cmd, arg): unknown cmd -XEN_ENOSYS; set_param/get_param:
 *     -XEN_EFAULT, -XEN_EINVAL (index >= HVM_NR_PARAMS), -XEN_ESRCH (domid),
 *     -XEN_EINVAL (not HVM); flush_tlbs: -XEN_EINVAL; get_time: served (the
 *     hypervisor's system time in ns); pagetable_dying: -XEN_EOPNOTSUPP for
 *     another domain, else -XEN_EINVAL; get_mem_type: -XEN_EPERM (another
 *     domain, unprivileged), -XEN_EINVAL; set_evtchn_upcall_vector: -XEN_EINVAL;
 *     xentrace: -XEN_EINVAL for a malformed record, else 0 (dropped, no trace
 *     buffers); guest_request_vm_event: 0 with a null arg (no monitor), else
 *     -XEN_EINVAL; altp2m: -XEN_EOPNOTSUPP.
 *   dm_op(domid, nr_bufs, bufs): -XEN_ENODATA (no buffer), -XEN_E2BIG (more
 *     than 2), -XEN_EFAULT (buffer list), -XEN_ESRCH (domid), -XEN_EPERM (the
 *     caller itself), -XEN_EINVAL (target not HVM).
 */
#ifndef XEN_PUBLIC_HVM_OP_H
#define XEN_PUBLIC_HVM_OP_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

#define HVMOP_set_param                 0
#define HVMOP_get_param                 1
#define HVMOP_flush_tlbs                5
#define HVMOP_pagetable_dying           9
#define HVMOP_get_time                 10
#define HVMOP_xentrace                 11
#define HVMOP_get_mem_type             15
#define HVMOP_set_evtchn_upcall_vector 23
#define HVMOP_guest_request_vm_event   24
#define HVMOP_altp2m                   25

#define HVM_NR_PARAMS                  39

/* set_param / get_param. */
struct xen_hvm_param {
    domid_t  domid;             /* IN */
    uint16_t pad;
    uint32_t index;             /* IN: HVM_PARAM_* */
    uint64_t value;             /* IN (set) / OUT (get) */
};
typedef struct xen_hvm_param xen_hvm_param_t;
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param size");
_Static_assert(offsetof(struct xen_hvm_param, index) == 4, "xen_hvm_param.index");

/* pagetable_dying: the guest announces it no longer uses a table. */
struct xen_hvm_pagetable_dying {
    domid_t  domid;             /* IN */
    uint16_t pad[3];
    uint64_t gpa;               /* IN */
};
_Static_assert(sizeof(struct xen_hvm_pagetable_dying) == 16, "xen_hvm_pagetable_dying size");

/* get_time: the hypervisor's system time. */
struct xen_hvm_get_time {
    uint64_t now;               /* OUT: ns */
};
_Static_assert(sizeof(struct xen_hvm_get_time) == 8, "xen_hvm_get_time size");

/* xentrace: a trace record from the guest. */
#define HVM_XENTRACE_EXTRA_MAX  28
struct xen_hvm_xentrace {
    uint16_t event;             /* IN: below 1 << 12 */
    uint16_t extra_bytes;       /* IN: at most HVM_XENTRACE_EXTRA_MAX */
    uint8_t  extra[HVM_XENTRACE_EXTRA_MAX];
};
_Static_assert(sizeof(struct xen_hvm_xentrace) == 32, "xen_hvm_xentrace size");

/* get_mem_type: the type of a guest frame. */
struct xen_hvm_get_mem_type {
    domid_t  domid;             /* IN */
    uint16_t mem_type;          /* OUT */
    uint16_t pad[2];
    uint64_t pfn;               /* IN */
};
_Static_assert(sizeof(struct xen_hvm_get_mem_type) == 16, "xen_hvm_get_mem_type size");

/* dm_op: one buffer of the request (at most two per call). */
struct xen_dm_op_buf {
    uint64_t h;                 /* IN: guest address */
    uint64_t size;              /* IN: bytes */
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
XEN_DEFINE_GUEST_HANDLE(xen_dm_op_buf_t);
_Static_assert(sizeof(struct xen_dm_op_buf) == 16, "xen_dm_op_buf size");
#define XEN_DM_OP_MAX_BUFS      2

#endif /* XEN_PUBLIC_HVM_OP_H */
