/*
 * Figures for bench/run.py (bench/SPEC.md, "Domains"), one BENCH line each:
 *   mode=bench runs=R      domain creation, from createdomain to the DomU's
 *                          first sign of life, for 16 MiB and 256 MiB DomUs
 *                          (median of R), then the interdomain event round
 *                          trip between two DomUs (median of 1001)
 *   mode=bench-density     4 MiB DomUs built until the builder fails; the
 *                          count, and the builder's reason on a line of its own
 * Times are system time in ns (os_now_ns), shown in us.
 */
#include <os/events.h>
#include <os/time.h>
#include <xc/xc.h>
#include "lifecycle.h"

#define MAX_RUNS 15

static uint64_t median_of(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

/* Create (build, start, first sign of life) and destroy `runs` DomUs of `pages`. */
static void create_time(const char *metric, unsigned long pages, unsigned int runs)
{
    static struct lc_dom d;
    uint64_t t[MAX_RUNS];
    unsigned int done = 0;

    for (unsigned int i = 0; i < runs; i++) {
        uint64_t t0 = os_now_ns();
        long rc = lc_start(&d, pages);

        t[i] = os_now_ns() - t0;
        if (rc) {
            os_printf("lifecycle: %s: build gave %ld\n", metric, rc);
            break;
        }
        lc_destroy(&d);
        done++;
    }
    if (done)
        os_printf("BENCH %s median=%lu samples=%u\n", metric,
                  (unsigned long)(median_of(t, done) / 1000), done);
}

static void evtchn_rtt(void)
{
    static struct lc_dom a, b;
    long port;

    if (lc_start(&a, 1024) || lc_start(&b, 1024))
        return;
    port = xc_evtchn_alloc_unbound(a.domid, b.domid);
    if (port <= 0)
        return;
    a.mbox->port = (uint32_t)port;
    a.mbox->peer = b.domid;
    lc_command(&a, LC_PONG);
    b.mbox->port = (uint32_t)port;
    b.mbox->peer = a.domid;
    b.mbox->n = 1001;
    lc_command(&b, LC_PING);
    if (b.mbox->res[0] == 0 && b.mbox->count == 1001)
        os_printf("BENCH evtchn_interdomain_rtt_ns median=%lu samples=1001 cpu=same\n",
                  (unsigned long)b.mbox->ns);
    lc_destroy(&a);
    lc_destroy(&b);
}

/* As many 4 MiB DomUs as will run at once; each gives its sign of life and stays. */
static void density(void)
{
    static struct lc_dom d;
    unsigned long pages = lc_arg("pages", 1024), count = 0;
    long rc;

    for (;;) {
        struct evtchn_close c;

        rc = lc_start(&d, pages);
        if (rc)
            break;
        count++;
        /* It stays, blocked; Dom0 lets go of its mailbox and port. */
        xc_unmap_foreign(d.va, d.map_pte);
        d.map_pte = 0;
        os_evtchn_mask(d.lport);
        os_evtchn_unbind(d.lport);
        c = (struct evtchn_close){ .port = d.lport };
        HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
        if (count % 100 == 0)
            os_printf("lifecycle: %lu DomUs running\n", count);
    }
    os_printf("lifecycle: density stopped at %lu DomUs of %lu pages: rc %ld\n", count, pages, rc);
    os_printf("BENCH density_4MiB_guests median=%lu\n", count);
}

void lc_bench(void)
{
    unsigned int runs = (unsigned int)lc_arg("runs", 5);

    if (runs > MAX_RUNS)
        runs = MAX_RUNS;
    if (lc_arg_is("mode", "bench-density")) {
        density();
        return;
    }
    create_time("domain_create_16MiB_us", 4096, runs);
    create_time("domain_create_256MiB_us", 65536, runs);
    evtchn_rtt();
}
