/*
 * Xenolith public ABI: callback_op (hypercall 30).
 *
 * callback_op(cmd, arg) registers the guest entry points the hypervisor
 * bounces to: event upcall, failsafe (bad segment on return), syscall
 * from 64-bit and 32-bit user mode, sysenter, NMI.
 * Errors: -XEN_EINVAL unknown type or non-canonical address,
 * -XEN_EFAULT bad arg, -XEN_ENOSYS unknown cmd.
 */
#ifndef XEN_PUBLIC_CALLBACK_H
#define XEN_PUBLIC_CALLBACK_H

#include <stdint.h>

#include "xen.h"

#define CALLBACKTYPE_event                  0
#define CALLBACKTYPE_failsafe               1
#define CALLBACKTYPE_syscall                2   /* 64-bit user syscall */
#define CALLBACKTYPE_sysenter_deprecated    3
#define CALLBACKTYPE_nmi                    4
#define CALLBACKTYPE_sysenter               5
#define CALLBACKTYPE_syscall32              7   /* 32-bit compat user syscall */

/* Mask events (set the upcall mask) when entering this callback. */
#define _CALLBACKF_mask_events              0
#define CALLBACKF_mask_events               (1u << _CALLBACKF_mask_events)

/* Register a callback.  arg: struct callback_register. */
#define CALLBACKOP_register                 0
struct callback_register {
    uint16_t type;              /* IN: CALLBACKTYPE_* */
    uint16_t flags;             /* IN: CALLBACKF_* */
    xen_callback_t address;     /* IN: entry point VA */
};
typedef struct callback_register callback_register_t;
_Static_assert(sizeof(struct callback_register) == 16, "callback_register size");
_Static_assert(offsetof(struct callback_register, address) == 8, "callback_register.address");

/*
 * Unregister a callback.  arg: struct callback_unregister.  Only the NMI
 * callback may be unregistered; others give -XEN_EINVAL.
 */
#define CALLBACKOP_unregister               1
struct callback_unregister {
    uint16_t type;              /* IN: CALLBACKTYPE_* */
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
_Static_assert(sizeof(struct callback_unregister) == 4, "callback_unregister size");

#endif /* XEN_PUBLIC_CALLBACK_H */
