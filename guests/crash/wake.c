/*
 * mode=wake role=dom0|domu n=N samples=M: does an event reach a blocked
 * Dom0 promptly while a DomU spins? (a two-domain run, Xenolith's boot DomU)
 *
 * Dom0 offers three unbound ports to domain 1 ("ready", "event", "done"),
 * unpauses it and blocks. The DomU binds them, opens its events and stays
 * CPU-bound: it sends "ready", spins 25 ms of system time (longer than a
 * slice, so Dom0 has handled "ready" and blocked again however the two
 * started), then sends "event" N times, spinning between the sends, then
 * "done", and spins on; it never blocks. Each send
 * wakes Dom0; a scheduler that lets the woken Dom0 run at once (Xen's credit
 * BOOST) has Dom0 handle every one of the N events before the DomU sends the
 * next, so Dom0 counts N; one that leaves Dom0 waiting for the DomU's slice
 * to end sees the sends coalesce and counts far fewer. The count is the
 * check: no clock is compared with anything.
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
#include <xen/vcpu.h>
#include "crash.h"

#define MAX_SAMPLES 1001
#define SPIN_BETWEEN_SENDS 20000

static volatile unsigned long handled;
static volatile int ready, done;
static uint64_t samples[MAX_SAMPLES];

static void on_event(unsigned int port, struct os_regs *regs, void *data)
{
    handled++;
}

static void on_ready(unsigned int port, struct os_regs *regs, void *data)
{
    ready = 1;
}

static void on_done(unsigned int port, struct os_regs *regs, void *data)
{
    done = 1;
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

static void sort(uint64_t *v, unsigned long n)
{
    for (unsigned long i = 1; i < n; i++)
        for (unsigned long j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void measure_latency(unsigned long m)
{
    struct vcpu_runstate_info before, after;

    if (m > MAX_SAMPLES)
        m = MAX_SAMPLES;
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before);
    for (unsigned long i = 0; i < m; i++) {
        uint64_t deadline = os_now_ns() + 1000000;
        unsigned long ticks = os_timer_ticks;

        os_timer_set(deadline);
        while (os_timer_ticks == ticks)
            os_block();
        samples[i] = os_now_ns() - deadline;
    }
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after);
    os_printf("wake: dom0 waited runnable %lu ns over %lu timer events\n",
              (unsigned long)(after.time[RUNSTATE_runnable] - before.time[RUNSTATE_runnable]), m);
    sort(samples, m);
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
    measure_latency(m);
    os_poweroff();
}

static void spin(unsigned long iterations)
{
    for (volatile unsigned long i = 0; i < iterations; i++)
        ;
}

static void send(unsigned int port)
{
    struct evtchn_send s = { .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

static void wake_domu(unsigned long n)
{
    unsigned int local[3], found = 0;
    uint64_t until;

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
    os_irq_enable();                            /* CPU-bound with events open */
    os_printf("spin: bound, sending %lu events while spinning\n", n);
    send(local[0]);
    until = os_now_ns() + 25000000;             /* pacing only: nothing is measured by it */
    while (os_now_ns() < until)
        spin(1000);
    for (unsigned long i = 0; i < n; i++) {
        spin(SPIN_BETWEEN_SENDS);
        send(local[1]);
    }
    send(local[2]);
    os_printf("spin: sent %lu events and done; spinning on\n", n);
    for (;;)
        spin(1000000);
}

void crash_wake(int dom0, unsigned long n, unsigned long m)
{
    if (dom0)
        wake_dom0(n, m);
    wake_domu(n);
    os_poweroff();
}
