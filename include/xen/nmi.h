/*
 * Xenolith public ABI: nmi_op (hypercall 28), the older way to register the
 * NMI callback (callback_op with CALLBACKTYPE_nmi is the newer one).
 * register: -XEN_EFAULT, -XEN_EINVAL (address not a guest entry point);
 * unregister: 0; other cmd: -XEN_ENOSYS.
 */
#ifndef XEN_PUBLIC_NMI_H
#define XEN_PUBLIC_NMI_H
#include <stdint.h>

#define XENNMI_register_callback   0
#define XENNMI_unregister_callback 1

struct xennmi_callback {
    uint64_t handler_address;   /* IN */
    uint64_t pad;
};
_Static_assert(sizeof(struct xennmi_callback) == 16, "xennmi_callback size");

#endif /* XEN_PUBLIC_NMI_H */
