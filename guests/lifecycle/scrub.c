/*
 * LSCR: a new domain never sees what a dead one left in its memory. A DomU
 * of most of the free memory writes a pattern over every frame it holds
 * apart from its image and tables and is destroyed; at once (no idle time
 * in between on one CPU: the frames are cleared as they are handed out)
 * another DomU of the same size reads every such frame of its own: all
 * zero. By pigeonhole it holds at least 2 x size - free of the first one's
 * frames. Then the same with Dom0 sleeping a second in between, so idle
 * CPUs clear them first (Xenolith; Xen 4.17 scrubs a dead domain's frames
 * in its idle loop too). Xenolith's allocator counters (mmu_audit) are
 * printed as "scrub:" lines for tests/system/test_lifecycle.py (not on Xen).
 */
#include <stdbool.h>
#include <os/time.h>
#include "lifecycle.h"

#define SETTLE_TRIES 100

/* Destroy d and wait until the free-frame count is back to `free`: whether it came back. */
static bool destroy_and_settle(struct lc_dom *d, long free)
{
    long mismatches;

    if (lc_destroy(d))
        return false;
    for (unsigned int i = 0; i < SETTLE_TRIES; i++)
        if (lc_free_frames(&mismatches) == free)
            return true;
    return false;
}

/* A DomU of `pages` writes the pattern over its spare frames and is destroyed. */
static void dirty_memory(const char *c_build, const char *c_fill, const char *c_back,
                         unsigned long pages, long free)
{
    static struct lc_dom d;

    if (!t_rc(c_build, "Dom0 builds a DomU of three quarters of the free memory",
              lc_start(&d, pages), 0))
        return;
    lc_command(&d, LC_FILL);
    t_check(c_fill, "it writes a pattern over every frame it holds but its image and tables",
            d.mbox->res[0] > 0 && d.mbox->res[1] == 0, "(%ld frames, %ld not mapped)",
            (long)d.mbox->res[0], (long)d.mbox->res[1]);
    t_check(c_back, "Dom0 destroys it and every frame comes back", destroy_and_settle(&d, free),
            NULL);
}

/* A new DomU of `pages` reads its spare frames: all zero. */
static void check_memory(const char *c_build, const char *c_zero, const char *c_back,
                         const char *what, unsigned long pages, long free)
{
    static struct lc_dom d;
    uint64_t alloc0, idle0, alloc1, idle1;
    long rc;

    bool counted = lc_scrub_counts(&alloc0, &idle0);

    rc = lc_start(&d, pages);
    lc_scrub_counts(&alloc1, &idle1);
    if (!t_rc(c_build, "Dom0 builds another DomU of the same size", rc, 0))
        return;
    if (counted)
        os_printf("scrub: %s: built with %lu frames cleared as handed out, %lu by idle CPUs meanwhile\n",
              what, (unsigned long)(alloc1 - alloc0), (unsigned long)(idle1 - idle0));
    lc_command(&d, LC_CHECK_ZERO);
    t_check(c_zero, "every frame it holds but its image and tables reads zero",
            d.mbox->res[0] > 0 && d.mbox->res[1] == 0 && d.mbox->res[3] == 0,
            "(%ld frames read, %ld not zero, the first pfn %#lx; %ld not mapped)",
            (long)d.mbox->res[0], (long)d.mbox->res[1], (long)d.mbox->res[2],
            (long)d.mbox->res[3]);
    t_check(c_back, "Dom0 destroys it and every frame comes back", destroy_and_settle(&d, free),
            NULL);
}

void lc_scrub(void)
{
    long mismatches, free = lc_free_frames(&mismatches);
    unsigned long pages = free > 0 ? (unsigned long)free / 4 * 3 : 0;
    uint64_t idle0, idle1, alloc;
    bool counted;

    if (pages > 65536)
        pages = 65536;                  /* the builder's largest */
    os_printf("scrub: DomUs of %lu pages, %ld frames free: each shares at least %ld with the last\n",
              pages, free, 2 * (long)pages - free);
    dirty_memory("LSCR0001", "LSCR0002", "LSCR0003", pages, free);
    check_memory("LSCR0004", "LSCR0005", "LSCR0006", "no idle time", pages, free);

    dirty_memory("LSCR0007", "LSCR0008", "LSCR0009", pages, free);
    counted = lc_scrub_counts(&alloc, &idle0);
    os_sleep_until(os_now_ns() + 1000000000ull);
    lc_scrub_counts(&alloc, &idle1);
    if (counted)
        os_printf("scrub: Dom0 slept 1 s: %lu frames cleared by idle CPUs meanwhile\n",
              (unsigned long)(idle1 - idle0));
    check_memory("LSCR0010", "LSCR0011", "LSCR0012", "after idle time", pages, free);
}
