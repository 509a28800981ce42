/*
 * xdom: Dom0 and a DomU talking to each other through event channels and
 * grant tables, with the same output on Xen 4.17 and on Xenolith.
 *
 * The same image runs in both domains; start_info's SIF_INITDOMAIN says
 * which half it is. The DomU comes from one of two places:
 *  - Dom0 gets the image as its initrd and builds domain 1 itself through
 *    Xen 4.17's control interface (build.c: createdomain, populate_physmap,
 *    foreign mappings, the PV boot layout of lib/boot_layout.c,
 *    setvcpucontext, unpausedomain), on Xen 4.17 and on Xenolith alike;
 *  - Xenolith only: the hypervisor builds it from the last boot module
 *    ("domu" on its command line), paused; Dom0 unpauses it
 *    (XEN_DOMCTL_unpausedomain). Xen 4.17 has no boot-time DomU on x86.
 * Dom0 decides by its initrd: with one, it builds.
 *
 * Only Dom0 prints CASE lines (a stock Xen lets no DomU write to its
 * console); the DomU leaves its results in the control page, which it
 * grants to Dom0 at XDOM_REF_CTRL. Dom0 keeps that page mapped and drives
 * the DomU step by step: it sets `step`, the DomU does it and sets `done`.
 * Both wait by yielding the CPU (no timeouts: the launcher's is the only one).
 */
#ifndef XDOM_H
#define XDOM_H

#include <stdint.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>

#define XDOM_DOMU        1          /* the DomU's id on both hypervisors */
#define XDOM_ABSENT      7          /* a domain id nobody has */
#define XDOM_REF_CTRL    8          /* the control page (first ref past the reserved ones) */
#define XDOM_REF_RW      9          /* a page granted writable, mapped by Dom0 */
#define XDOM_REF_COPY   10          /* a page granted writable, for copies */
#define XDOM_REF_RO     11          /* a page granted read-only */
#define XDOM_REF_NONE   12          /* an entry never granted */
#define XDOM_REF_STRESS 13          /* the page of the stress rounds (stress.c) */
#define XDOM_PINGS     100          /* events each way */
#define XDOM_RACE        4          /* frames of the MMU race (mmurace.c) */
#define XDOM_MAGIC 0x58444f4du      /* "XDOM" */

/* The DomU's steps, in the order Dom0 asks for them. */
enum xdom_step {
    XS_NONE,
    XS_EVT_BIND,        /* negative binds, then bind_interdomain to port */
    XS_EVT_PINGPONG,    /* answer XDOM_PINGS events on the bound port */
    XS_EVT_CLOSE,       /* close the bound port */
    XS_EVT_BIND2,       /* bind port (a second channel) */
    XS_EVT_PEER_GONE,   /* Dom0 closed its end: status of ours, then close it */
    XS_GNT_GRANT,       /* grant pages at XDOM_REF_RW/COPY/RO */
    XS_GNT_CHECK_MAP,   /* read what Dom0 wrote through its mapping; entry flags */
    XS_GNT_CHECK_COPY,  /* read what Dom0 copied in; write a pattern for its copy out */
    XS_GNT_END,         /* entry flags after Dom0's unmap; end foreign access */
    XS_MMU_FRAMES,      /* frames for Dom0's foreign mappings; unprivileged refusals */
    XS_MMU_CHECK,       /* read what Dom0 wrote; try to pin a frame Dom0 maps writable */
    XS_MMU_PIN,         /* pin it again after Dom0's unmap, unpin, map it back */
    XS_DOMCTL,          /* unprivileged domctls and memory_ops on behalf of others */
    XS_STRESS_SETUP,    /* stress.c: bind Dom0's port, grant the page */
    XS_STRESS,          /* stress.c: the rounds */
    XS_MMURACE_SETUP,   /* mmurace.c: the frames Dom0 maps while the DomU changes them */
    XS_MMURACE,         /* mmurace.c: retype and balloon them until race_stop */
    XS_IOPORT,          /* read the port Dom0 granted (I/O capabilities) */
    XS_IOPORT_GONE,     /* read it again after Dom0 took it back */
    XS_PIRQ_UNPRIV,     /* pirq.c: map/unmap/bind/eoi refused to the DomU */
    XS_PIRQ_BIND,       /* pirq.c: bind the PIRQ Dom0 mapped for it, twice; eoi */
    XS_PIRQ_CLOSE,      /* pirq.c: close that port */
    XS_PIRQ_GONE,       /* pirq.c: bind it after Dom0 unmapped it */
    XS_PIRQ_BACK,       /* pirq.c: bind it once Dom0 mapped it again */
    XS_EXIT,            /* shut down (Dom0 sees VIRQ_DOM_EXC) */
    XS_VT_ARM,          /* vtimer.c: arm a singleshot timer far ahead */
    XS_VT_NOTHING,      /* vtimer.c: nothing (run once where it is) */
    XS_VT_TICKS,        /* vtimer.c: sleep on singleshot timers, count periodic ticks */
};

#define XDOM_RES 48
#define XDOM_PIRQ_RES 16

struct xdom_ctrl {
    volatile uint32_t magic;        /* DomU: set once the page is granted */
    volatile uint32_t step;         /* Dom0: the step asked for */
    volatile uint32_t done;         /* DomU: the last step finished */
    volatile uint32_t port;         /* Dom0: a port it allocated for the DomU */
    volatile uint32_t port_other;   /* Dom0: a port it allocated for itself */
    volatile uint32_t local_port;   /* DomU: its end after bind_interdomain */
    volatile uint64_t count;        /* DomU: events received in the ping-pong */
    volatile uint64_t mfn[4];       /* DomU: frames behind the granted refs (RW, COPY, RO) */
    volatile int64_t res[XDOM_RES]; /* DomU: results of its hypercalls and checks */
    volatile uint64_t mmu_mfn[2];   /* DomU: frames Dom0 maps naming the DomU (mmu.c) */
    volatile uint32_t stress_rounds;    /* Dom0: rounds of stress.c */
    volatile uint64_t stress_bad;       /* DomU: rounds that went wrong on its side */
    volatile uint64_t race_mfn[XDOM_RACE];  /* DomU: the frames of the MMU race, as they are now */
    volatile uint32_t race_stop;        /* Dom0: the MMU race is over */
    volatile uint64_t race_rounds, race_pins, race_balloons, race_bad;  /* DomU: its side */
    volatile uint32_t race_bad_what;    /* DomU: the step of its first bad result (mmurace.c) */
    volatile int64_t race_bad_rc;       /* DomU: and what it gave */
    volatile int64_t pirq_res[XDOM_PIRQ_RES];  /* DomU: results of pirq.c's steps */
};

/* Pattern byte i of page `seed`. */
static inline uint8_t xdom_pattern(unsigned int seed, unsigned int i)
{
    return (uint8_t)(i * 7u + seed * 31u + (i >> 8));
}

/* CASE lines (os/cases.h): Dom0 only. */
#include <os/cases.h>

/* The control page as each side sees it. */
extern volatile struct xdom_ctrl *xdom_ctrl;
/* Dom0: ask the DomU for step s and wait until it is done. */
void xdom_run_step(enum xdom_step s);
/* The N of "name=N" on Dom0's command line (stress, mmurace, affinity), 0 without it. */
unsigned long xdom_option(const char *name);
/* Give the CPU to the other domain once. */
void xdom_yield(void);

long xdom_gop(unsigned int cmd, void *arg, unsigned int count);
long xdom_evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st);

/* Dom0 halves. */
void xdom_evtchn_dom0(void);
void xdom_gnttab_dom0(void);
void xdom_mmu_dom0(void);
void xdom_domctl_dom0(void);
void xdom_domctl_after_exit(void);
/* XDST: destroy the DomU after its shutdown (destroy.c); dom_exc is the VIRQ_DOM_EXC flag. */
void xdom_destroy_dom0(volatile int *dom_exc);
/* DomU halves: one step each. */
void xdom_evtchn_domu(enum xdom_step s);
void xdom_gnttab_domu(enum xdom_step s);
void xdom_mmu_domu(enum xdom_step s);
void xdom_domctl_domu(void);
void xdom_stress_dom0(void);
/* mmurace.c: Dom0's "mmurace=N" run (foreign mappings while the DomU retypes and balloons). */
void xdom_mmurace_dom0(void);
void xdom_mmurace_domu(enum xdom_step s);
/* mmu.c: one mmu_update of va's L1 entry to val naming foreigndom, va flushed here. */
long xdom_map_at(void *va, uint64_t val, unsigned int foreigndom);
/* affinity.c: Dom0's "affinity=N" run (hard affinity honoured while the DomU runs). */
void xdom_affinity_dom0(void);
/* Pin vCPU 0 of dom to the CPUs of `map` (hard affinity; the soft one stays): the domctl's answer. */
long xdom_pin(domid_t dom, uint8_t map);
/* The CPU vCPU 0 of dom is on, or -1 if the domctl fails. */
long xdom_where(domid_t dom);
/* Wait until vCPU 0 of dom is on cpu (yielding): the number of yields, or XDOM_MOVE_TRIES. */
#define XDOM_MOVE_TRIES 100000ul    /* far more than a move needs */
unsigned long xdom_wait_on(domid_t dom, long cpu);
/* vtimer.c: Dom0's "vtimer" run (a vCPU's timers follow it to another CPU); the DomU's steps. */
void xdom_vtimer_dom0(void);
void xdom_vtimer_domu(enum xdom_step s);
void xdom_stress_domu(enum xdom_step s);
void xdom_ioport_domu(enum xdom_step s);
/* pirq.c: a PIRQ Dom0 maps for the DomU, which binds it (XPIRQ). */
void xdom_pirq_dom0(void);
void xdom_pirq_after_destroy(void);
void xdom_pirq_domu(enum xdom_step s);
/* DomU: its grant table frame 0, writable (set up at start). */
extern volatile struct grant_entry_v1 *xdom_gtab;
void xdom_grant(grant_ref_t ref, uint16_t flags, domid_t dom, uint64_t mfn);

/* Dom0: build domain 1 from the image (build.c). 0 or an error, explained. */
long xdom_build_domu(const void *image, unsigned long len, unsigned long nr_pages);

#endif /* XDOM_H */
