/*
 * A domain's I/O capabilities (Xen's xen/iocap.h): the I/O memory frames it
 * may map and the IRQs it may use (and on x86 the I/O ports it may reach:
 * asm/ioports.h), each a rangeset in the domain under d->caps_lock. The
 * hardware domain starts with Xen's (arch_iocaps_dom0); other domains with
 * none until a privileged domain grants some (XEN_DOMCTL_*_permission).
 */
#ifndef HV_IOCAP_H
#define HV_IOCAP_H
#include <stdbool.h>
#include <stdint.h>

struct domain;
struct xen_domctl;

/* May d map every frame of [s, e]? Use every IRQ of [s, e]? (false for a wrapped range) */
bool iomem_access_permitted(struct domain *d, uint64_t s, uint64_t e);
bool irq_access_permitted(struct domain *d, unsigned int irq);
/* Xen's cache_flush_permitted: d holds I/O memory or ports (cache attributes in its PTEs). */
bool cache_flush_permitted(struct domain *d);
/* Take IRQ irq from d (an unmapped PIRQ, as Xen's unmap_domain_pirq): 0 or -ENOMEM. */
int irq_deny_access(struct domain *d, unsigned int irq);
/* Give d IRQ irq (a PIRQ mapped for it, as Xen's map_domain_pirq): 0 or -ENOMEM. */
int irq_permit_access(struct domain *d, unsigned int irq);

/*
 * XEN_DOMCTL_iomem_permission, irq_permission and ioport_permission on d,
 * which do_domctl hands here before its privilege check: each checks in
 * Xen's order (its range, then the caller's privilege, then the caller's
 * own access: -EINVAL, -EPERM, -EPERM) and grants or revokes. True, with
 * the answer in *rc, if op is one of them. The caller has looked d up.
 * arch_ioport_permission_domctl is the architecture's (x86: iocaps.c).
 */
bool iocap_domctl(struct domain *d, const struct xen_domctl *op, long *rc);
long arch_ioport_permission_domctl(struct domain *d, const struct xen_domctl *op);

/* The hardware domain's initial capabilities (arch: Xen's dom0_setup_permissions). */
int arch_iocaps_dom0(struct domain *d);
/*
 * Give back the memory of d's capability sets (its destruction, or a
 * creation that failed); arch_iocaps_destroy frees the architecture's.
 */
void iocaps_destroy(struct domain *d);
void arch_iocaps_destroy(struct domain *d);

#endif
