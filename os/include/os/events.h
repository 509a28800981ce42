/*
 * Event channels of the os/ library: 2-level ABI from boot, FIFO after
 * os_evtchn_fifo_init, 2-level again after os_evtchn_reset (as Xen does).
 *
 * The upcall handler finds each pending, unmasked port (2-level: the
 * selector and the pending/mask words of shared_info; FIFO: the queues of
 * the control block of the vCPU it runs on, most urgent priority first) and calls the handler
 * bound to it after clearing its pending bit.  Handlers run with events
 * masked.
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

/*
 * FIFO event channels: vCPU 0's control block at offset in cb_page and the
 * first event-array page (ports 0-1023), both fresh zeroed pages of ours;
 * every port keeps its 2-level mask.  Returns 0 or Xen's error; link_bits
 * (may be NULL) gets init_control's answer.
 */
long os_evtchn_fifo_init(void *cb_page, unsigned int offset, void *array_page,
                         uint8_t *link_bits);
/*
 * EVTCHNOP_reset of ourselves: every port closed, back to 2-level (from
 * FIFO too), handlers forgotten, stale 2-level pending bits cleared,
 * VIRQ_TIMER bound again.  0 or Xen's error.
 */
long os_evtchn_reset(void);
/*
 * FIFO on another vCPU: its control block at offset in cb_page (ours; may
 * hold other vCPUs' blocks).  0 or Xen's error; -EOPNOTSUPP before
 * os_evtchn_fifo_init.
 */
long os_evtchn_fifo_init_vcpu(unsigned int vcpu, void *cb_page, unsigned int offset);
/* One more event-array page: EVTCHNOP_expand_array's answer. */
long os_evtchn_fifo_expand(void *page);
/* Nonzero once FIFO is on. */
int os_evtchn_fifo_active(void);
/* The FIFO event word of port (tests), or NULL: 2-level, or no page for it. */
volatile uint32_t *os_evtchn_fifo_word(unsigned int port);

/* Port of VIRQ_TIMER, bound by os_events_init. */
extern unsigned int os_timer_port;

#endif /* OS_EVENTS_H */
