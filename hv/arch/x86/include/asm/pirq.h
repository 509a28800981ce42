/*
 * Physical interrupts (PIRQs) of the hardware domain: GSIs of the I/O APIC
 * mapped to PIRQs (PHYSDEVOP_map_pirq), bound to event channels
 * (EVTCHNOP_bind_pirq) and acknowledged (PHYSDEVOP_eoi), as Xen 4.17 serves
 * a PV Dom0. GSI 0 (the timer) and GSI 4 (our UART) stay the hypervisor's.
 */
#ifndef HV_PIRQ_H
#define HV_PIRQ_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/*
 * PIRQs the hardware domain may name. Xen 4.17 gives it its nr_irqs: on one
 * CPU the larger of the CPU's dynamic vectors (0x20-0xef: 208) and 8 per GSI
 * (192), so 208 ("d0 has maximum 208 PIRQs"; GSIs 0-23, 184 for MSIs).
 */
#define NR_PIRQS 208
#define NR_GSIS  24                     /* the I/O APIC's pins */
#define VEC_GSI_BASE 0x20               /* GSI n arrives on vector 0x20 + n */

long pirq_setup_gsi(struct domain *d, int gsi, bool level, bool active_low);
long pirq_map_gsi(struct domain *d, int gsi, int *pirq);
long pirq_unmap(struct domain *d, int pirq);
long pirq_eoi(struct domain *d, uint32_t pirq);
/* EVTCHNOP_bind_pirq's checks of a PIRQ in range: -EPERM not mapped, -EEXIST bound. */
long pirq_may_bind(const struct domain *d, uint32_t pirq);
/* Whether the (mapped) PIRQ's pin is the hypervisor's: bind is then -EBUSY. */
bool pirq_busy(uint32_t pirq);
/* Bind port to the (checked) PIRQ and unmask its pin. */
void pirq_bind(struct domain *d, uint32_t pirq, unsigned int port);
/* The port is being closed: mask the pin if it is still this PIRQ's port. */
void pirq_unbind(struct domain *d, uint32_t pirq, unsigned int port);
/* An interrupt on GSI gsi (vector VEC_GSI_BASE + gsi), from handle_trap. */
void pirq_interrupt(unsigned int gsi);

#endif
