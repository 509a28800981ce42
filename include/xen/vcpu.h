/*
 * Xenolith public ABI: vcpu_op (hypercall 24).
 *
 * vcpu_op(cmd, vcpuid, arg).  Returns 0 or -XEN_E*: -XEN_ENOENT no such
 * vCPU, -XEN_EINVAL bad argument, -XEN_EFAULT bad pointer, -XEN_ENOSYS
 * unknown cmd.  Timer and registration ops act on the calling domain's
 * vCPUs only.
 */
#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include <stdint.h>

#include "xen.h"

/*
 * Set the initial state of an offline, never-run vCPU.
 * arg: vcpu_guest_context.  -XEN_EEXIST if already initialised.
 */
#define VCPUOP_initialise               0

/* Bring an initialised vCPU online.  -XEN_EINVAL if not initialised. */
#define VCPUOP_up                       1

/* Take a vCPU offline; the last one going down stops the domain. */
#define VCPUOP_down                     2

/* Returns 1 if the vCPU is up, 0 if down. */
#define VCPUOP_is_up                    3

/* Copy out the vCPU's run-state accounting.  arg: vcpu_runstate_info. */
#define VCPUOP_get_runstate_info        4

/*
 * Run-state accounting of one vCPU.  time[] sums to the system time.
 * With VMASST_TYPE_runstate_update_flag the hypervisor sets
 * XEN_RUNSTATE_UPDATE in state_entry_time while it rewrites a guest copy.
 */
struct vcpu_runstate_info {
    int32_t  state;             /* RUNSTATE_* */
    uint64_t state_entry_time;  /* system time (ns) the state was entered */
    uint64_t time[4];           /* ns spent in each RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
XEN_DEFINE_GUEST_HANDLE(vcpu_runstate_info_t);
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info size");
_Static_assert(offsetof(struct vcpu_runstate_info, state_entry_time) == 8, "runstate.state_entry_time");
_Static_assert(offsetof(struct vcpu_runstate_info, time) == 16, "runstate.time");

#define XEN_RUNSTATE_UPDATE     (1ull << 63)

#define RUNSTATE_running        0   /* on a physical CPU */
#define RUNSTATE_runnable       1   /* ready, waiting for a CPU */
#define RUNSTATE_blocked        2   /* waiting for an event */
#define RUNSTATE_offline        3   /* down, or paused by the tool-stack */

/*
 * Ask the hypervisor to keep a vcpu_runstate_info up to date at a guest
 * VA (addr.v, reached through the guest's kernel page tables).
 */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        uint64_t p;
    } addr;                     /* IN */
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8, "register_runstate size");

/*
 * Periodic VIRQ_TIMER.  arg: vcpu_set_periodic_timer for set, NULL for
 * stop.  -XEN_EINVAL if period_ns < 1 ms.
 */
#define VCPUOP_set_periodic_timer       6
#define VCPUOP_stop_periodic_timer      7
struct vcpu_set_periodic_timer {
    uint64_t period_ns;         /* IN */
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "vcpu_set_periodic_timer size");

/*
 * One-shot VIRQ_TIMER at an absolute system time.  A time already past
 * fires at once, unless VCPU_SSHOTTMR_future asks for -XEN_ETIME.
 * Only for the calling vCPU (-XEN_EINVAL otherwise).  Stop takes NULL.
 */
#define VCPUOP_set_singleshot_timer     8
#define VCPUOP_stop_singleshot_timer    9
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;    /* IN */
    uint32_t flags;             /* IN: VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer size");

#define _VCPU_SSHOTTMR_future   0
#define VCPU_SSHOTTMR_future    (1u << _VCPU_SSHOTTMR_future)

/*
 * Move this vCPU's vcpu_info out of shared_info to (mfn, offset).  The
 * area must be 8-byte aligned and not cross the page (-XEN_EINVAL), may
 * be set once (-XEN_EBUSY if already moved).  The current contents are
 * carried over and an upcall is made pending.
 */
#define VCPUOP_register_vcpu_info       10
struct vcpu_register_vcpu_info {
    uint64_t mfn;               /* IN: frame holding the vcpu_info */
    uint32_t offset;            /* IN: byte offset in that frame */
    uint32_t rsvd;              /* must be 0 */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info size");

/* Send an NMI to the vCPU.  arg NULL. */
#define VCPUOP_send_nmi                 11

/* Physical CPU id (hardware domain only).  arg: vcpu_get_physid. */
#define VCPUOP_get_physid               12
struct vcpu_get_physid {
    uint64_t phys_id;           /* OUT: APIC id low 32 bits, ACPI id high */
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
#define xen_vcpu_physid_to_x86_apicid(id) ((uint32_t)(id))
#define xen_vcpu_physid_to_x86_acpiid(id) ((uint32_t)((id) >> 32))

/* Keep an extra vcpu_time_info up to date at a guest VA (for a vDSO). */
#define VCPUOP_register_vcpu_time_memory_area 13
XEN_DEFINE_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        uint64_t p;
    } addr;                     /* IN */
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
_Static_assert(sizeof(struct vcpu_register_time_memory_area) == 8, "register_time_area size");

/*
 * As 5 and 13, but addr.p is a guest-physical address; ~0 unregisters.
 * Advertised by XENFEAT_runstate_phys_area / XENFEAT_vcpu_time_phys_area.
 */
#define VCPUOP_register_runstate_phys_area  14
#define VCPUOP_register_vcpu_time_phys_area 15

#endif /* XEN_PUBLIC_VCPU_H */
