/*
 * PT: 10,000 address spaces, each created, given random mappings of a
 * few data frames (fixed seed, so every run and every hypervisor does
 * the same), sometimes switched to and read through, then destroyed.
 * Afterwards the pool is whole and the data frames carry no type or
 * reference: a leak of one count anywhere shows up as a refused remap.
 */
#include "pt_util.h"

#define SPACES   10000
#define NR_DATA  8
#define MAX_MAPS 8

static uint64_t *data[NR_DATA];

/*
 * A random page in L4 slots 1..2, L3 and L2 indices 0..1 and any L1
 * index: clustered so that tables get shared and some entries rewritten.
 */
static uint64_t random_va(uint64_t *seed)
{
    uint64_t r = pt_rand(seed);

    return ((1 + (r & 1)) << 39) | (((r >> 1) & 1) << 30) |
           (((r >> 2) & 1) << 21) | (((r >> 3) & 511) << 12);
}

/* One space; returns 0 or the first error (with *what naming the step). */
static long one_space(uint64_t *seed, int check, const char **what)
{
    struct os_aspace as = { 0 };
    unsigned int n = 1 + pt_rand(seed) % MAX_MAPS, i;
    uint64_t va = 0, v = 0;
    unsigned int d = 0;
    long rc;

    *what = "create";
    if ((rc = os_aspace_create(&as)))
        return rc;
    *what = "map";
    for (i = 0; i < n && !rc; i++) {
        uint64_t r = pt_rand(seed);

        va = random_va(seed);
        d = r % NR_DATA;
        rc = os_aspace_map(&as, va, pt_mfn(data[d]), (r & 8) ? PT_RW : PT_RO);
    }
    if (!rc)
        rc = os_mmu_flush();
    if (!rc && check) {
        /* The last mapping wins for its va: read the frame's tag there. */
        *what = "switch";
        rc = os_aspace_switch(&as);
        if (!rc && (pt_try_load((const uint64_t *)va, &v) || v != d + 1)) {
            *what = "read";
            rc = -XEN_EFAULT;
        }
    }
    if (rc) {
        os_aspace_destroy(&as);
        return rc;
    }
    *what = "destroy";
    return os_aspace_destroy(&as);
}

void pt_stress(void)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    unsigned long before;
    const char *what = "";
    unsigned int i, d, bad = 0;
    long rc = 0;

    for (d = 0; d < NR_DATA; d++) {
        data[d] = pt_get_page(0);
        if (!data[d]) {
            t_case("PT0082", "10000 address spaces with random mappings", T_SKIP,
                   "(no free page)");
            return;
        }
        data[d][0] = d + 1;
    }
    before = os_free_pages();
    for (i = 0; i < SPACES && !rc; i++)
        rc = one_space(&seed, i % 64 == 0, &what);
    t_check("PT0082", "10000 address spaces with random mappings", rc == 0,
            "(space %u: %s rc=%ld)", i - 1, what, rc);
    t_check("PT0083", "afterwards the page pool is whole", os_free_pages() == before,
            "(free %lu, was %lu)", os_free_pages(), before);
    for (d = 0; d < NR_DATA; d++) {
        long r;

        data[d][0] = 0;
        r = pt_set_ro(data[d]);
        if (!r && !(r = pt_pin(1, pt_mfn(data[d]))))
            r = pt_unpin(pt_mfn(data[d]));
        if (r)
            bad++;
        if (pt_put_page(data[d]))
            bad++;
    }
    t_check("PT0084", "and the data frames pin as L1 and map writable again", bad == 0,
            "(%u refused)", bad);
}
