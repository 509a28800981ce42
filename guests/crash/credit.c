/*
 * mode=credit role=dom0 test=weights|starve|bench: Xen's credit scheduler
 * seen from Dom0, the same on Xen 4.17 (sched=credit) and Xenolith. Dom0
 * has this image as its initrd and builds CPU-bound DomUs from it with the
 * toolstack's builder (toolstack/xc), command line "mode=hog" (spin with
 * events open) or "mode=hog masked=1" (spin with events masked). A stock
 * Xen lets no DomU write to the console, so only Dom0 reports; it measures
 * each DomU's CPU time by getdomaininfo's cpu_time (the sum of its vCPUs'
 * running time) while it blocks itself.
 *
 *  test=weights w1=256 w2=512 ms=3000: domains 1 and 2 spin with weights
 *    w1 and w2 while Dom0 sleeps ms milliseconds; the line
 *        credit: weights W1 and W2: domain 1 ran A us, domain 2 ran B us in MS ms; ratio R
 *    (R = B/A to three decimals) is what tests/system/test_credit.py checks.
 *  test=cap cap=25 ms=1500: domain 1 spins alone with a cap while Dom0
 *    sleeps ms milliseconds:
 *        credit: cap C: domain 1 ran A us in MS ms
 *  test=starve n=50: domain 1 spins with its events masked (it never
 *    blocks, never yields, takes no interrupt of its own); Dom0 sleeps n times
 *    on a 2 ms singleshot timer and reports
 *        credit: dom0 had N of N timer events while domain 1 spun with events masked
 *    and how long domain 1 ran meanwhile (it did run: no starvation the other
 *    way round either).
 *  test=bench samples=M ms=MS: the figures of bench/run.py: the 256/512
 *    split over MS ms (BENCH sched_weight_ratio), then Dom0's wake-up
 *    latency from a singleshot timer 1 ms ahead, M samples, beside two
 *    hogs (BENCH sched_wake_latency_2hogs_ns) and, domain 2 destroyed,
 *    beside one (BENCH sched_wake_latency_1hog_ns).
 * The machine is powered off at the end (the DomUs die with it).
 */
#include <os/console.h>
#include <os/events.h>
#include <os/os.h>
#include <os/sched.h>
#include <os/time.h>
#include <xc/xc.h>
#include <xl/string.h>
#include "crash.h"

#define HOG_PAGES 1024                  /* 4 MiB each */
#define MAX_SAMPLES 1001

static uint64_t samples[MAX_SAMPLES];

static void __attribute__((noreturn)) fail(const char *what, long rc)
{
    os_printf("credit: %s failed: %ld\n", what, rc);
    os_poweroff();
}

/* Build domain domid from our initrd with command line cmdline (it starts at once). */
static void build_hog(uint32_t domid, const char *cmdline)
{
    static struct xc_dom_image dom;
    const start_info_t *si = os_start_info;
    long rc;

    if (!si->mod_len)
        fail("finding our image in the initrd", -XEN_ENOENT);
    dom = (struct xc_dom_image){ .kernel = (const void *)si->mod_start, .kernel_len = si->mod_len,
                                 .cmdline = cmdline, .nr_pages = HOG_PAGES, .max_vcpus = 1,
                                 .domid = domid };
    rc = xc_dom_build(&dom);
    if (rc) {
        os_printf("credit: building domain %u: %s\n", domid, dom.reason);
        fail("xc_dom_build", rc);
    }
}

/* Nanoseconds domid has run so far. */
static uint64_t cpu_time(uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;
    long rc = xc_domain_getinfo(domid, &info);

    if (rc || info.domain != domid)
        fail("getdomaininfo", rc ? rc : -XEN_ESRCH);
    return info.cpu_time;
}

static void set_weight(uint32_t domid, uint16_t weight)
{
    long rc = xc_sched_credit_domain_set(domid, weight, 0);

    if (rc)
        fail("scheduler_op putinfo", rc);
}

/* The ratio b/a in thousandths. */
static uint64_t milli_ratio(uint64_t a, uint64_t b)
{
    return a ? (b * 1000 + a / 2) / a : 0;
}

/* Domains 1 and 2 spin with weights w1 and w2 for ms while we sleep: their split. */
static uint64_t split(unsigned int w1, unsigned int w2, uint64_t ms)
{
    uint64_t a0, b0, a, b, r;

    set_weight(1, (uint16_t)w1);
    set_weight(2, (uint16_t)w2);
    /* The share-outs before the weights changed: let one period go by first. */
    os_sleep_until(os_now_ns() + 60000000);
    a0 = cpu_time(1);
    b0 = cpu_time(2);
    os_sleep_until(os_now_ns() + ms * 1000000);
    a = cpu_time(1) - a0;
    b = cpu_time(2) - b0;
    r = milli_ratio(a, b);
    os_printf("credit: weights %u and %u: domain 1 ran %lu us, domain 2 ran %lu us in %lu ms; "
              "ratio %lu.%03lu\n", w1, w2, (unsigned long)(a / 1000), (unsigned long)(b / 1000),
              (unsigned long)ms, (unsigned long)(r / 1000), (unsigned long)(r % 1000));
    return r;
}

/* Dom0's wake-up latency from a singleshot timer 1 ms ahead, m samples. */
static void latency(const char *metric, unsigned long m)
{
    crash_timer_wake_latency(samples, m);
    os_printf("BENCH %s median=%lu n=%lu min=%lu max=%lu\n", metric,
              (unsigned long)samples[m / 2], m, (unsigned long)samples[0],
              (unsigned long)samples[m - 1]);
}

static void test_weights(void)
{
    char buf[16];
    unsigned int w1 = 256, w2 = 512;
    uint64_t ms = 3000;

    if (crash_cmdline_get("w1", buf, sizeof(buf)))
        w1 = (unsigned int)crash_parse_u64(buf, 256);
    if (crash_cmdline_get("w2", buf, sizeof(buf)))
        w2 = (unsigned int)crash_parse_u64(buf, 512);
    if (crash_cmdline_get("ms", buf, sizeof(buf)))
        ms = crash_parse_u64(buf, 3000);
    build_hog(1, "mode=hog");
    build_hog(2, "mode=hog");
    split(w1, w2, ms);
}

/* Domain 1 spins with a cap (percent of one CPU) while we sleep: its share of the time. */
static void test_cap(void)
{
    char buf[16];
    unsigned int cap = 25;
    uint64_t ms = 1500, a0, a;
    long rc;

    if (crash_cmdline_get("cap", buf, sizeof(buf)))
        cap = (unsigned int)crash_parse_u64(buf, 25);
    if (crash_cmdline_get("ms", buf, sizeof(buf)))
        ms = crash_parse_u64(buf, 1500);
    build_hog(1, "mode=hog");
    rc = xc_sched_credit_domain_set(1, 0, (uint16_t)cap);
    if (rc)
        fail("scheduler_op putinfo", rc);
    os_sleep_until(os_now_ns() + 60000000);
    a0 = cpu_time(1);
    os_sleep_until(os_now_ns() + ms * 1000000);
    a = cpu_time(1) - a0;
    os_printf("credit: cap %u: domain 1 ran %lu us in %lu ms\n", cap, (unsigned long)(a / 1000),
              (unsigned long)ms);
}

static void test_starve(void)
{
    char buf[16];
    unsigned long n = 50, got = 0;
    uint64_t ran0, ran;

    if (crash_cmdline_get("n", buf, sizeof(buf)))
        n = (unsigned long)crash_parse_u64(buf, 50);
    build_hog(1, "mode=hog masked=1");
    ran0 = cpu_time(1);
    for (unsigned long i = 0; i < n; i++) {
        unsigned long ticks = os_timer_ticks;

        os_timer_set(os_now_ns() + 2000000);
        while (os_timer_ticks == ticks)
            os_block();
        got++;
    }
    ran = cpu_time(1) - ran0;
    os_printf("credit: dom0 had %lu of %lu timer events while domain 1 spun with events masked\n",
              got, n);
    os_printf("credit: domain 1 ran %s meanwhile\n", ran ? "too" : "not at all");
}

static void test_bench(void)
{
    char buf[16];
    unsigned long m = 101;
    uint64_t ms = 1500, r;
    long rc;

    if (crash_cmdline_get("samples", buf, sizeof(buf)))
        m = (unsigned long)crash_parse_u64(buf, 101);
    if (m > MAX_SAMPLES)
        m = MAX_SAMPLES;
    if (crash_cmdline_get("ms", buf, sizeof(buf)))
        ms = crash_parse_u64(buf, 1500);
    build_hog(1, "mode=hog");
    build_hog(2, "mode=hog");
    r = split(256, 512, ms);
    os_printf("BENCH sched_weight_ratio median=%lu.%03lu want=2.000\n", (unsigned long)(r / 1000),
              (unsigned long)(r % 1000));
    set_weight(2, 256);
    latency("sched_wake_latency_2hogs_ns", m);
    rc = xc_domain_destroy(2);
    if (rc)
        fail("destroying domain 2", rc);
    latency("sched_wake_latency_1hog_ns", m);
}

void crash_credit(void)
{
    char test[16];

    if (!crash_cmdline_get("test", test, sizeof(test)))
        test[0] = 0;
    if (!strcmp(test, "weights"))
        test_weights();
    else if (!strcmp(test, "starve"))
        test_starve();
    else if (!strcmp(test, "cap"))
        test_cap();
    else if (!strcmp(test, "bench"))
        test_bench();
    else
        os_printf("credit: unknown test '%s'\n", test);
    os_poweroff();
}

/* A DomU of the tests above: CPU-bound for ever, with events open or masked. */
void crash_hog(void)
{
    char buf[8];
    volatile unsigned long spins = 0;

    if (crash_cmdline_get("masked", buf, sizeof(buf)) && buf[0] == '1')
        os_irq_disable();
    else
        os_irq_enable();
    for (;;)
        spins++;
}
