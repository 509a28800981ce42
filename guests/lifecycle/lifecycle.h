/*
 * lifecycle: many domains created, run and destroyed by Dom0, through the
 * toolstack's libxc (toolstack/xc), with the same CASE lines on Xen 4.17
 * and on Xenolith.
 *
 * One image plays every part. As Dom0 (SIF_INITDOMAIN) it gets the same
 * image as its initrd and builds DomUs from it; its command line says what
 * to do (mode=cycles|pingpong|dying, or a bench mode, see main.c). As a
 * DomU it talks to Dom0 through a mailbox in its xenstore page (there is no
 * xenstored: the page is free) and an event channel, its console port,
 * which Dom0 binds:
 *  - at start the DomU writes one line into its console ring, marks the
 *    mailbox ready and sends on its console port: its first sign of life;
 *  - Dom0 maps the mailbox (a foreign mapping), writes a command, bumps
 *    `seq` and sends; the DomU does it, sets `done` = seq and sends back.
 * Nothing waits on time: every wait blocks until an event and checks again
 * (a notification sent before Dom0 bound the port is covered by the
 * pending notification Xen gives the binder's new port).
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xc/xc.h>

#define LC_MAGIC 0x4c434d42u            /* "LCMB": the DomU is up */

enum lc_cmd {
    LC_NONE,
    LC_PONG,        /* answer `n` events on `port` (Dom0 allocated it for us, for `peer`) */
    LC_PING,        /* bind_interdomain(peer, port), then `n` round trips, timed */
    LC_STATUS,      /* EVTCHNOP_status of local_port: res[0] rc, res[1] status, res[2] dom */
    LC_SEND_CLOSE,  /* send on local_port (res[0]), close it (res[1]), status (res[2], res[3]) */
    LC_GRANT,       /* grant Dom0 the mailbox page at LC_REF, the console page at LC_REF + 1 (r/o) */
    LC_EXIT,        /* SCHEDOP_shutdown(poweroff) */
    LC_FILL,        /* write LC_PATTERN over each of our frames not mapped where it belongs:
                       res[0] frames filled, res[1] mapping failures */
    LC_CHECK_ZERO,  /* read each such frame: res[0] frames read, res[1] not all zero,
                       res[2] the first of those (pfn), res[3] mapping failures */
    LC_CHURN,       /* churn our own memory until destroyed (memrace.c): count = rounds */
    LC_GRANT_NEW,   /* after LC_GRANT: a new frame past our memory (res[0] populate's answer,
                       res[1] its MFN), granted to Dom0 writable at LC_REF + 2 */
    LC_GIVE_BACK,   /* decrease_reservation of that frame: res[0] */
    LC_SPIN,        /* count in `count` as fast as we can until destroyed (pause.c) */
};

#define LC_PATTERN 0xa5c3a5c3a5c3a5c3ull

#define LC_REF 8            /* the grant ref of LC_GRANT (past the reserved ones) */

struct lc_mbox {
    volatile uint32_t magic;        /* DomU: LC_MAGIC once up */
    volatile uint32_t cmd;          /* Dom0: enum lc_cmd */
    volatile uint32_t seq;          /* Dom0: bumped with each command */
    volatile uint32_t done;         /* DomU: the seq it finished */
    volatile uint32_t peer;         /* Dom0: the other DomU's id */
    volatile uint32_t port;         /* Dom0: the port to use (PONG: ours; PING: the peer's) */
    volatile uint32_t n;            /* Dom0: round trips */
    volatile uint32_t local_port;   /* DomU: its end of the interdomain channel */
    volatile int64_t res[8];        /* DomU: results */
    volatile uint64_t count;        /* DomU: events answered / round trips done */
    volatile uint64_t ns;           /* DomU: time of the round trips (system time) */
    volatile uint64_t main_ns;      /* DomU: system time when its os_main began */
};

/* CASE lines (os/cases.h): Dom0 only, a DomU cannot print on a release Xen. */
#include <os/cases.h>

/* Dom0's command line: the number after key= (or dflt), the word after key= (or NULL). */
unsigned long lc_arg(const char *key, unsigned long dflt);
int lc_arg_is(const char *key, const char *value);

/* A DomU as Dom0 sees it (dom0.c). */
struct lc_dom {
    uint32_t domid;
    uint32_t lport;                 /* Dom0's end of the DomU's console port */
    uint64_t store_mfn, console_mfn;
    uint32_t console_evtchn;
    volatile struct lc_mbox *mbox;  /* mapped at `va` while map_pte != 0 */
    void *va;
    uint64_t map_pte;
};

/* Build a DomU of nr_pages from our initrd and wait for its sign of life: 0 or an error. */
long lc_start(struct lc_dom *d, unsigned long nr_pages);

/*
 * lc_start's steps when lc_timed is set: the builder's (xc_dom_build's
 * step_ns, map_ns, map_calls, clear_calls) and then Dom0's own until the sign of life.
 */
enum lc_step {
    LC_STEP_MAP_MBOX = XC_DOM_STEPS,    /* Dom0 maps the DomU's mailbox */
    LC_STEP_BIND,                       /* and binds its console port */
    LC_STEP_TO_MAIN,                    /* bound -> the DomU's os_main (its os/ start; 0 when
                                           it ran before, inside the steps above) */
    LC_STEP_TO_LIFE,                    /* then -> Dom0 sees the sign of life */
    LC_STEPS
};
struct lc_timing {
    uint64_t step_ns[LC_STEPS];
    uint64_t map_ns;
    unsigned long map_calls;
    unsigned long clear_calls;
};
extern int lc_timed;
extern struct lc_timing lc_last;
/* Ask for a command and wait until it is done, unless it never ends (LC_EXIT, LC_CHURN,
   LC_SPIN; mbox fields set by the caller first). */
void lc_command(struct lc_dom *d, enum lc_cmd cmd);
/* Block until cond() or an event; then check again (events on). */
void lc_wait_event(void);
/* Unmap the mailbox, destroy the DomU, close our port: the destroy's answer. */
long lc_destroy(struct lc_dom *d);
long lc_destroy_id(uint32_t domid);
/* VIRQ_DOM_EXC deliveries to Dom0 so far. */
extern volatile unsigned long lc_dom_exc;
void lc_dom0_init(void);
/* The hypervisor's free frames (Xen: sysctl physinfo; Xenolith: mmu_audit), or < 0. */
long lc_free_frames(long *mismatches);
/*
 * Xenolith's frames cleared since boot as they were handed out, and by idle
 * CPUs (mmu_audit, which also audits Dom0); false on Xen, which has no such counters.
 */
bool lc_scrub_counts(uint64_t *at_alloc, uint64_t *idle);

/* The suites (Dom0). */
void lc_cycles(void);
void lc_pingpong(void);
void lc_dying(void);
void lc_race(void);
void lc_memrace(void);
void lc_held(void);
void lc_pause(void);
void lc_scrub(void);
void lc_bench(void);

/* DomU. */
void lc_domu_main(void);

/*
 * memrace.c: one round of churning domain dom's memory (DOMID_SELF: our
 * own): populate_physmap of LC_CHURN_FRAMES frames at PFNs from base,
 * XENMEM_exchange of them for extents of 2^LC_CHURN_ORDER frames, and
 * decrease_reservation of every frame that came back. Counts in *c.
 */
#define LC_CHURN_FRAMES 16
#define LC_CHURN_ORDER 3
struct lc_churn {
    unsigned long rounds, populated, exchanged, given_back;
    xen_pfn_t in[LC_CHURN_FRAMES], out[LC_CHURN_FRAMES >> LC_CHURN_ORDER];
    xen_pfn_t give[LC_CHURN_FRAMES];
};
void lc_churn_round(domid_t dom, xen_pfn_t base, struct lc_churn *c);

#endif /* LIFECYCLE_H */
