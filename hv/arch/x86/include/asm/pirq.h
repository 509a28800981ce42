/*
 * Physical interrupts (PIRQs): GSIs of the I/O APIC mapped to a domain's
 * PIRQs (PHYSDEVOP_map_pirq: the hardware domain's own, or another domain's
 * at the privileged domain's request), bound to event channels
 * (EVTCHNOP_bind_pirq) and acknowledged (PHYSDEVOP_eoi), as Xen 4.17 serves
 * PV domains. GSI 0 (the timer) and GSI 4 (our UART) stay the hypervisor's.
 */
#ifndef HV_PIRQ_H
#define HV_PIRQ_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/*
 * PIRQs the hardware domain may name (nr_pirqs), as Xen 4.17 sizes them
 * (arch_hwdom_irqs): the GSIs plus the 208 dynamic vectors (0x20-0xef) of
 * fls(CPUs) CPUs, no more than Dom0's vCPUs, capped at nr_irqs (the larger of
 * 208 per CPU and 8 per GSI). One CPU: min(24 + 208, 208) = 208 ("d0 has
 * maximum 208 PIRQs"); two CPUs and two Dom0 vCPUs: 416; the most, 8 CPUs:
 * 24 + 4 * 208.
 */
#define XEN_EXTRA_DOMU_PIRQS 32         /* another domain's: the GSIs and Xen's extra_domU_irqs */
#define NR_GSIS  24                     /* the I/O APIC's pins */
#define PIRQ_DYNAMIC_VECTORS 208
#define NR_PIRQS_MAX (NR_GSIS + 4 * PIRQ_DYNAMIC_VECTORS)
extern unsigned int nr_pirqs;
/* Size the range from the CPUs up and Dom0's vCPUs (at boot, once the CPUs are up). */
void pirq_set_limit(unsigned int cpus, unsigned int dom0_vcpus);
#define VEC_GSI_BASE 0x20               /* GSI n arrives on vector 0x20 + n */

long pirq_setup_gsi(struct domain *d, int gsi, bool level, bool active_low);
/*
 * PHYSDEVOP_map_pirq of GSI gsi (Xen's index) to a PIRQ of d, for the
 * current domain, which the caller found privileged: *pirq in (-1: any)
 * and out. Xen's answers (pirq.c).
 */
long pirq_map_gsi(struct domain *d, int gsi, int *pirq);
/* PHYSDEVOP_unmap_pirq of d's PIRQ, the caller privileged: 0, or -EINVAL (none there). */
long pirq_unmap(struct domain *d, int pirq);
long pirq_eoi(struct domain *d, uint32_t pirq);
/* EVTCHNOP_bind_pirq's checks of a PIRQ in range: -EPERM not mapped, -EEXIST bound. */
long pirq_may_bind(struct domain *d, uint32_t pirq);
/* How many PIRQs the domain may name (Xen's d->nr_pirqs). */
unsigned int pirq_count(const struct domain *d);
/* The IRQ (the GSI's number) behind the domain's PIRQ, or 0 if it maps none (Xen's domain_pirq_to_irq). */
unsigned int pirq_to_irq(const struct domain *d, uint32_t pirq);
/* Whether d's (mapped) PIRQ's pin is the hypervisor's or bound to another PIRQ: bind is -EBUSY. */
bool pirq_busy(const struct domain *d, uint32_t pirq);
/* Bind port to the (checked) PIRQ and unmask its pin. */
void pirq_bind(struct domain *d, uint32_t pirq, unsigned int port);
/* The port is being closed: mask the pin if it is still this PIRQ's port. */
void pirq_unbind(struct domain *d, uint32_t pirq, unsigned int port);
/* d is being freed: its pins masked and released, its PIRQ table freed. */
void pirq_domain_destroy(struct domain *d);
/* An interrupt on GSI gsi (vector VEC_GSI_BASE + gsi), from handle_trap. */
void pirq_interrupt(unsigned int gsi);

#endif
