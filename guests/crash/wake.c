/*
 * mode=wake role=dom0|domu n=N samples=M: does an event reach a blocked
 * Dom0 promptly while a DomU spins? (a two-domain run, Xenolith's boot DomU)
 *
 * Dom0 offers three unbound ports to domain 1 ("ready", "event", "done"),
 * unpauses it and blocks. The DomU binds them, opens its events and stays
 * CPU-bound, never blocking. Every send is an exchange: Dom0's handler
 * answers on the same port at once, and the DomU spins (events open) until
 * the answer came before it sends again, so no send can coalesce with
 * another and nothing depends on how fast the host is. It sends "ready",
 * then "event" N times (a spin before each), then "done"; Dom0 prints how
 * many events it handled before it answers "done".
 *
 * The check is where each answer to "event" arrives. A scheduler that lets
 * the woken Dom0 run at once (Xen's credit BOOST) switches to it on the way
 * out of the DomU's send: Dom0 handles the event, answers and blocks, and
 * the DomU finds the answer delivered before its send returned. One that
 * leaves Dom0 waiting for the DomU's slice to end has the DomU spin for the
 * rest of its slice first: no answer is there when the send returns. The
 * DomU counts the immediate answers:
 *     spin: sent N events and done; K of N answered before the send returned
 * K is N with BOOST and 0 without it, and 0 too under Xen's 1 ms rate limit
 * (the DomU resumed less than 1 ms before its send, so Dom0 waits until it
 * has run that long): "ratelimit=0" on Dom0's command line turns it off
 * first (XEN_SYSCTL_scheduler_op, as xl sched-credit -s -r 0), and
 * "ratelimit=N" sets N us. A stalled host can make one exchange
 * late (guest time jumps past Dom0's slice while Dom0 runs, and Dom0 waits
 * runnable rather than blocked for the next send), so the test asks for
 * more than half. The DomU then sends "ready" again: its report is out.
 *
 * Then, with the DomU still spinning, Dom0 measures its wake-up latency M
 * times: a singleshot timer 1 ms ahead, block, and the system time at which
 * it runs again less the deadline (deterministic under -icount):
 *     BENCH wake_latency_ns median=<ns> n=<M> min=<ns> max=<ns>
 * and powers the machine off.
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <os/time.h>
#include <xen/event_channel.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>
#include "crash.h"

#define MAX_SAMPLES 1001
#define SPIN_BETWEEN_SENDS 20000

static volatile unsigned long handled, answers[3];
static volatile int ready, done;
static uint64_t samples[MAX_SAMPLES];

static void send(unsigned int port)
{
    struct evtchn_send s = { .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* Dom0's handlers answer "ready" and "event" at once ("done" after its report). */
static void on_event(unsigned int port, struct os_regs *regs, void *data)
{
    handled++;
    send(port);
}

static void on_ready(unsigned int port, struct os_regs *regs, void *data)
{
    ready++;
    send(port);
}

static void on_done(unsigned int port, struct os_regs *regs, void *data)
{
    done = 1;
}

/* The DomU's handler: data is the index of the answered port. */
static void on_answer(unsigned int port, struct os_regs *regs, void *data)
{
    answers[(unsigned long)data]++;
}

static unsigned int offer_port(os_evtchn_handler_t fn)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 1 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc) {
        os_printf("wake: alloc_unbound for domain 1: %ld\n", rc);
        os_poweroff();
    }
    os_evtchn_bind(a.port, fn, NULL);
    os_evtchn_unmask(a.port);
    return a.port;
}

/* See crash.h. */
void crash_timer_wake_latency(uint64_t *out, unsigned long m)
{
    for (unsigned long i = 0; i < m; i++) {
        uint64_t deadline = os_now_ns() + 1000000;
        unsigned long ticks = os_timer_ticks;

        os_timer_set(deadline);
        while (os_timer_ticks == ticks)
            os_block();
        out[i] = os_now_ns() - deadline;
    }
    for (unsigned long i = 1; i < m; i++)          /* sorted: few samples, insertion */
        for (unsigned long j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint64_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
}

static void measure_latency(unsigned long m)
{
    struct vcpu_runstate_info before, after;

    if (m > MAX_SAMPLES)
        m = MAX_SAMPLES;
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before);
    crash_timer_wake_latency(samples, m);
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after);
    os_printf("wake: dom0 waited runnable %lu ns over %lu timer events\n",
              (unsigned long)(after.time[RUNSTATE_runnable] - before.time[RUNSTATE_runnable]), m);
    os_printf("BENCH wake_latency_ns median=%lu n=%lu min=%lu max=%lu\n",
              (unsigned long)samples[m / 2], m, (unsigned long)samples[0],
              (unsigned long)samples[m - 1]);
}

static void wake_dom0(unsigned long n, unsigned long m)
{
    struct xen_domctl unpause = {
        .cmd = XEN_DOMCTL_unpausedomain,
        .interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION,
        .domain = 1,
    };
    unsigned int rd = offer_port(on_ready), ev = offer_port(on_event), dn = offer_port(on_done);
    long rc;

    os_printf("wake: ports %u, %u and %u offered to domain 1; unpausing it\n", rd, ev, dn);
    rc = os_hypercall_dyn(__HYPERVISOR_domctl, (long)&unpause, 0, 0, 0, 0);
    while (!done && !rc)
        os_block();
    os_printf("wake: unpause %ld, ready %d; dom0 handled %lu of %lu events from the spinning "
              "domain 1\n", rc, ready, (unsigned long)handled, n);
    send(dn);
    while (ready < 2 && !rc)                    /* the DomU's report is out */
        os_block();
    measure_latency(m);
    os_poweroff();
}

static void spin(unsigned long iterations)
{
    for (volatile unsigned long i = 0; i < iterations; i++)
        ;
}

/*
 * Send on local[k] and spin, events open, until Dom0's answer came; returns
 * whether it had come before the send returned.
 */
static int exchange(const unsigned int *local, unsigned long k)
{
    unsigned long before = answers[k];
    int at_once;

    send(local[k]);
    at_once = answers[k] != before;
    while (answers[k] == before)
        spin(1000);
    return at_once;
}

static void wake_domu(unsigned long n)
{
    unsigned int local[3], found = 0;
    unsigned long at_once = 0;

    /* Dom0 offered three of its ports: find them (in the order offered: lowest first). */
    for (unsigned int p = 1; p < 64 && found < 3; p++) {
        struct evtchn_bind_interdomain b = { .remote_dom = 0, .remote_port = p };
        if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b) == 0)
            local[found++] = b.local_port;
    }
    if (found < 3) {
        os_printf("spin: found %u of Dom0's 3 ports\n", found);
        os_poweroff();
    }
    for (unsigned long k = 0; k < 3; k++) {
        os_evtchn_bind(local[k], on_answer, (void *)k);
        os_evtchn_unmask(local[k]);
    }
    os_irq_enable();                            /* CPU-bound with events open */
    os_printf("spin: bound, sending %lu events while spinning\n", n);
    exchange(local, 0);
    for (unsigned long i = 0; i < n; i++) {
        spin(SPIN_BETWEEN_SENDS);
        at_once += exchange(local, 1);
    }
    exchange(local, 2);
    os_printf("spin: sent %lu events and done; %lu of %lu answered before the send returned\n",
              n, at_once, n);
    send(local[0]);
    for (;;)
        spin(1000000);
}

/*
 * The pool's context-switch rate limit, as `xl sched-credit -s -r`
 * (XEN_SYSCTL_scheduler_op putinfo; the 30 ms slice kept).
 */
static void set_ratelimit(long us)
{
    struct xen_sysctl sc = { .cmd = XEN_SYSCTL_scheduler_op,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };

    sc.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    sc.u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_putinfo;
    sc.u.scheduler_op.u.sched_credit.tslice_ms = 30;
    sc.u.scheduler_op.u.sched_credit.ratelimit_us = (uint32_t)us;
    os_printf("wake: rate limit %ld us: %ld\n", us, os_hypercall1(__HYPERVISOR_sysctl, &sc));
}

void crash_wake(int dom0, unsigned long n, unsigned long m, long ratelimit_us)
{
    if (dom0 && ratelimit_us >= 0)
        set_ratelimit(ratelimit_us);
    if (dom0)
        wake_dom0(n, m);
    wake_domu(n);
    os_poweroff();
}
