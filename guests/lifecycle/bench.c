/*
 * Figures for bench/run.py (bench/SPEC.md, "Domains"), one BENCH line each:
 *   mode=bench runs=R      domain creation, from createdomain to the DomU's
 *                          first sign of life, for 16 MiB and 256 MiB DomUs
 *                          (median of R), one right after the other and with
 *                          idle time before each (_idle), each with STEP
 *                          lines (where the time went) and on Xenolith a
 *                          SCRUB line (who cleared the frames); then the
 *                          interdomain event round trip between two DomUs
 *                          (median of 1001) on one CPU
 *   mode=bench-create      only the 16 MiB creation figures (both), for
 *                          bench/run.py --only creation
 *   mode=bench-rtt-2cpus   the round trip on a machine of two CPUs, the two
 *                          DomUs pinned to one CPU, then to different CPUs
 *   mode=bench-density     4 MiB DomUs built until the builder fails; the
 *                          count, and the builder's reason on a line of its own
 * Times are system time in ns (os_now_ns), shown in us.
 */
#include <os/events.h>
#include <os/time.h>
#include <xc/xc.h>
#include "lifecycle.h"

#define MAX_RUNS 15
#define IDLE_NS 1000000000ull           /* Dom0 asleep before an "idle" creation: 1 s */

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

/* The names of lc_start's steps in STEP lines (enum xc_dom_step, then enum lc_step). */
static const char *const step_names[LC_STEPS] = {
    [XC_DOM_STEP_PLAN] = "plan",
    [XC_DOM_STEP_CREATE] = "createdomain",
    [XC_DOM_STEP_LIMITS] = "max_vcpus_max_mem",
    [XC_DOM_STEP_POPULATE] = "populate_physmap",
    [XC_DOM_STEP_KERNEL] = "kernel",
    [XC_DOM_STEP_P2M] = "p2m",
    [XC_DOM_STEP_START_INFO] = "start_info",
    [XC_DOM_STEP_PAGE_TABLES] = "page_tables",
    [XC_DOM_STEP_UNMAP] = "unmap_window",
    [XC_DOM_STEP_HYPERCALL_INIT] = "hypercall_init",
    [XC_DOM_STEP_VCPU_CONTEXT] = "setvcpucontext",
    [XC_DOM_STEP_UNPAUSE] = "unpause",
    [LC_STEP_MAP_MBOX] = "map_mailbox",
    [LC_STEP_BIND] = "bind_console",
    [LC_STEP_TO_MAIN] = "to_domu_main",
    [LC_STEP_TO_LIFE] = "to_sign_of_life",
};

/*
 * One STEP line per step of lc_start, the median over the runs in ns (under
 * icount: instructions): "STEP <metric> <step> median=<ns>"; and the part of
 * the writing steps spent in the window's mapping hypercalls.
 */
static void print_steps(const char *metric, struct lc_timing *t, unsigned int n)
{
    uint64_t v[MAX_RUNS];

    for (unsigned int s = 0; s < LC_STEPS; s++) {
        for (unsigned int i = 0; i < n; i++)
            v[i] = t[i].step_ns[s];
        os_printf("STEP %s %s median=%lu\n", metric, step_names[s],
                  (unsigned long)median_of(v, n));
    }
    for (unsigned int i = 0; i < n; i++)
        v[i] = t[i].map_ns;
    os_printf("STEP %s window_maps median=%lu calls=%lu clear_batches=%lu\n", metric,
              (unsigned long)median_of(v, n), t[0].map_calls, t[0].clear_calls);
}

/*
 * Create (build, start, first sign of life) and destroy `runs` DomUs of
 * `pages`, one right after the other, or with Dom0 asleep for IDLE_NS
 * before each (`idle`: idle CPUs clear the frames the last one left; the
 * sleep is not timed). The frames the hypervisor cleared while building
 * and while Dom0 slept (Xenolith) go on a SCRUB line.
 */
static void create_time(const char *metric, unsigned long pages, unsigned int runs, int idle)
{
    static struct lc_dom d;
    static struct lc_timing steps[MAX_RUNS];
    uint64_t t[MAX_RUNS];
    unsigned int done = 0;

    uint64_t at_alloc = 0, by_idle = 0, a0, i0, a1, i1;
    int counted = 1;

    lc_timed = 1;
    for (unsigned int i = 0; i < runs; i++) {
        uint64_t t0;
        long rc;

        counted &= lc_scrub_counts(&a0, &i0);
        if (idle)
            os_sleep_until(os_now_ns() + IDLE_NS);
        t0 = os_now_ns();
        rc = lc_start(&d, pages);
        t[i] = os_now_ns() - t0;
        counted &= lc_scrub_counts(&a1, &i1);
        at_alloc += a1 - a0;
        by_idle += i1 - i0;
        if (rc) {
            os_printf("lifecycle: %s: build gave %ld\n", metric, rc);
            break;
        }
        steps[i] = lc_last;
        lc_destroy(&d);
        done++;
    }
    lc_timed = 0;
    if (!done)
        return;
    os_printf("BENCH %s median=%lu samples=%u\n", metric,
              (unsigned long)(median_of(t, done) / 1000), done);
    print_steps(metric, steps, done);
    if (counted)
        os_printf("SCRUB %s cleared_at_alloc=%lu scrubbed_idle=%lu runs=%u\n", metric,
                  (unsigned long)(at_alloc / done), (unsigned long)(by_idle / done), done);
}

/* Pin vCPU 0 of domid to one CPU (hard affinity): 0 or an error. */
static long pin(uint32_t domid, unsigned int cpu)
{
    uint8_t map = (uint8_t)(1u << cpu);

    return xc_vcpu_setaffinity(domid, 0, &map, NULL, 8, 0);
}

/* The CPU vCPU 0 of domid was last on, or -1. */
static long last_cpu(uint32_t domid)
{
    struct xen_domctl_getvcpuinfo info;

    return xc_vcpu_getinfo(domid, 0, &info) ? -1 : (long)info.cpu;
}

/*
 * The interdomain round trip between two new DomUs: B pings, A answers.
 * cpu_a, cpu_b >= 0: each pinned there first (the line says where each
 * was once done); -1: wherever the scheduler puts them (one CPU).
 */
static void evtchn_rtt(const char *metric, long cpu_a, long cpu_b)
{
    static struct lc_dom a, b;
    long port;

    if (lc_start(&a, 1024) || lc_start(&b, 1024))
        return;
    if (cpu_a >= 0 && (pin(a.domid, (unsigned int)cpu_a) || pin(b.domid, (unsigned int)cpu_b))) {
        os_printf("lifecycle: %s: pinning failed\n", metric);
        goto out;
    }
    port = xc_evtchn_alloc_unbound(a.domid, b.domid);
    if (port <= 0)
        goto out;
    a.mbox->port = (uint32_t)port;
    a.mbox->peer = b.domid;
    lc_command(&a, LC_PONG);
    b.mbox->port = (uint32_t)port;
    b.mbox->peer = a.domid;
    b.mbox->n = 1001;
    lc_command(&b, LC_PING);
    if (b.mbox->res[0] == 0 && b.mbox->count == 1001) {
        if (cpu_a < 0)
            os_printf("BENCH %s median=%lu samples=1001 cpu=same\n", metric,
                      (unsigned long)b.mbox->ns);
        else
            os_printf("BENCH %s median=%lu samples=1001 cpu_a=%ld cpu_b=%ld\n", metric,
                      (unsigned long)b.mbox->ns, last_cpu(a.domid), last_cpu(b.domid));
    }
out:
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
    if (lc_arg_is("mode", "bench-rtt-2cpus")) {
        /* Boot memory is scrubbed by idle CPUs first (both hypervisors): let them finish. */
        os_sleep_until(os_now_ns() + IDLE_NS);
        evtchn_rtt("evtchn_interdomain_rtt_2cpus_same_ns", 0, 0);
        evtchn_rtt("evtchn_interdomain_rtt_2cpus_cross_ns", 0, 1);
        return;
    }
    create_time("domain_create_16MiB_us", 4096, runs, 0);
    if (lc_arg_is("mode", "bench-create")) {
        create_time("domain_create_16MiB_idle_us", 4096, runs, 1);
        return;
    }
    create_time("domain_create_256MiB_us", 65536, runs, 0);
    create_time("domain_create_16MiB_idle_us", 4096, runs, 1);
    create_time("domain_create_256MiB_idle_us", 65536, runs, 1);
    evtchn_rtt("evtchn_interdomain_rtt_ns", -1, -1);
}
