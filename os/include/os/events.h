/*
 * Event channels of the os/ library (2-level ABI).
 *
 * The upcall handler scans evtchn_pending_sel and the pending/mask words
 * of shared_info and calls the handler bound to each pending, unmasked
 * port, after clearing its pending bit.  Handlers run with events masked.
 */
#ifndef OS_EVENTS_H
#define OS_EVENTS_H

#include <stdint.h>
#include <os/traps.h>

#define OS_NR_PORTS 4096

typedef void (*os_evtchn_handler_t)(unsigned int port, struct os_regs *regs,
                                    void *data);

/* Route port to handler (NULL: deliveries are only counted). */
void os_evtchn_bind(unsigned int port, os_evtchn_handler_t fn, void *data);
/* Forget the handler of port (does not close it). */
void os_evtchn_unbind(unsigned int port);

/* Guest-side mask/unmask/clear of a port's bits in shared_info. */
void os_evtchn_mask(unsigned int port);
void os_evtchn_unmask(unsigned int port);
void os_evtchn_clear(unsigned int port);
int os_evtchn_is_pending(unsigned int port);

/* Deliveries per port since boot, counted by the upcall handler. */
extern volatile unsigned long os_evtchn_count[OS_NR_PORTS];

/* Virtual interrupt flag: vcpu_info.evtchn_upcall_mask. */
void os_irq_disable(void);
/* Clear the mask; if an upcall became pending meanwhile, get it delivered. */
void os_irq_enable(void);

/* Block until an event arrives (SCHEDOP_block); events enabled after. */
void os_block(void);

/* Called from the dispatcher for OS_VEC_EVENT. */
void os_evtchn_upcall(struct os_regs *regs);

/* Bind VIRQ_TIMER on vCPU 0 and set up the scan; returns 0 or errno. */
long os_events_init(void);

/* Port of VIRQ_TIMER, bound by os_events_init. */
extern unsigned int os_timer_port;

#endif /* OS_EVENTS_H */
