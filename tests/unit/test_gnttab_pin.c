/*
 * Pinning grant entries (hv/lib/gnttab_pin.c) on a mocked machine: three
 * domains' one-frame tables (version 1 or 2) in host memory, frames owned
 * by domain (frame >> 16), a shared_info frame that may never be granted.
 * Checked: the entry's or status word's GTF_reading/GTF_writing through a
 * use's life, Xen's pin counters for host and device uses, refusals that
 * change nothing, the end of access, sub-page and transitive v2 entries,
 * and a transitive entry's second level pinned under the next domain's
 * lock while another thread pins that entry directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>

#include <hv/gnttab_pin.h>
#include <hv/gnttab_rules.h>
#include <xen/grant_table.h>

#define NDOM 3
#define SHINFO_FRAME(d) (((uint64_t)(d) << 16) | 0xfff)

struct dom {
    struct grant_table gt;
    bool present, dying;
    union {
        struct grant_entry_v1 v1[GNTTAB_ENTRIES_PER_FRAME];
        union grant_entry_v2 v2[GNTTAB_V2_PER_FRAME];
    } e;
    uint16_t status[GNTTAB_ENTRIES_PER_FRAME];
    struct active_grant active[GNTTAB_ENTRIES_PER_FRAME];
};

static struct dom doms[NDOM];

static struct grant_table *table(void *ctx, uint16_t dom, bool any)
{
    if (dom >= NDOM || !doms[dom].present || (doms[dom].dying && !any))
        return NULL;
    return &doms[dom].gt;
}

static struct dom *dom_of(const struct grant_table *gt)
{
    return (struct dom *)((char *)gt - offsetof(struct dom, gt));
}

static uint32_t *entry(void *ctx, const struct grant_table *gt, uint32_t ref)
{
    struct dom *d = dom_of(gt);
    return gt->version == 2 ? (uint32_t *)&d->e.v2[ref] : (uint32_t *)&d->e.v1[ref];
}

static uint16_t *status(void *ctx, const struct grant_table *gt, uint32_t ref)
{
    struct dom *d = dom_of(gt);
    return gt->version == 2 ? &d->status[ref] : &d->e.v1[ref].flags;
}

static bool frame_ok(void *ctx, uint16_t granter, uint64_t frame)
{
    return frame >> 16 == granter && frame != SHINFO_FRAME(granter);
}

static const struct gnttab_env env = {
    .table = table, .entry = entry, .status = status, .frame_ok = frame_ok,
};

static void init_dom(unsigned int d, unsigned int version)
{
    memset(&doms[d], 0, sizeof(doms[d]));
    doms[d].present = true;
    doms[d].gt.version = version;
    doms[d].gt.nr_frames = 1;
    doms[d].gt.active[0] = doms[d].active;
}

static int setup_v1(void **state)
{
    for (unsigned int d = 0; d < NDOM; d++)
        init_dom(d, 1);
    return 0;
}

static int setup_v2(void **state)
{
    for (unsigned int d = 0; d < NDOM; d++)
        init_dom(d, 2);
    return 0;
}

static void grant_v1(unsigned int d, uint32_t ref, uint16_t flags, uint16_t grantee, uint32_t frame)
{
    doms[d].e.v1[ref] = (struct grant_entry_v1){ .flags = flags, .domid = grantee, .frame = frame };
}

static uint16_t flags_v1(unsigned int d, uint32_t ref)
{
    return doms[d].e.v1[ref].flags;
}

static int use(unsigned int granter, uint32_t ref, uint16_t grantee, uint32_t mapflags, bool map,
               struct grant_use *u)
{
    return gnttab_acquire(&env, granter, ref, grantee, gnttab_pin_incr(mapflags),
                          mapflags & GNTMAP_readonly, map, false, u);
}

static void unuse(unsigned int granter, uint32_t ref, uint32_t mapflags)
{
    gnttab_release(&env, granter, ref, gnttab_pin_incr(mapflags), mapflags & GNTMAP_readonly);
}

/* A writable host map, then a read-only one; the bits follow what is left. */
static void test_v1_map_unmap(void **state)
{
    struct grant_use u;
    const uint32_t frame = (1u << 16) | 5;

    grant_v1(1, 10, GTF_permit_access, 0, frame);
    assert_int_equal(use(1, 10, 0, GNTMAP_host_map, true, &u), GNTST_okay);
    assert_int_equal(u.frame, frame);
    assert_int_equal(u.start, 0);
    assert_int_equal(u.length, 4096);
    assert_int_equal(flags_v1(1, 10), GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(doms[1].active[10].pin, GNTPIN_HSTW_INC);
    assert_int_equal(doms[1].active[10].domid, 0);

    assert_int_equal(use(1, 10, 0, GNTMAP_host_map | GNTMAP_readonly, true, &u), GNTST_okay);
    assert_int_equal(doms[1].active[10].pin, GNTPIN_HSTW_INC + GNTPIN_HSTR_INC);

    unuse(1, 10, GNTMAP_host_map);
    assert_int_equal(flags_v1(1, 10), GTF_permit_access | GTF_reading);     /* no writer left */
    unuse(1, 10, GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(flags_v1(1, 10), GTF_permit_access);
    assert_int_equal(doms[1].active[10].pin, 0);
}

/* Host and device parts count apart: undoing the device part leaves the host writer. */
static void test_v1_host_and_device_pins(void **state)
{
    struct grant_use u;
    const uint32_t both = GNTMAP_host_map | GNTMAP_device_map;

    grant_v1(1, 3, GTF_permit_access, 2, (1u << 16) | 9);
    assert_int_equal(use(1, 3, 2, both, true, &u), GNTST_okay);
    assert_int_equal(doms[1].active[3].pin, GNTPIN_HSTW_INC + GNTPIN_DEVW_INC);
    unuse(1, 3, GNTMAP_device_map);
    assert_int_equal(doms[1].active[3].pin, GNTPIN_HSTW_INC);
    assert_int_equal(flags_v1(1, 3), GTF_permit_access | GTF_reading | GTF_writing);
    unuse(1, 3, GNTMAP_host_map);
    assert_int_equal(flags_v1(1, 3), GTF_permit_access);

    /* A device read-only use next to a host writable one. */
    assert_int_equal(use(1, 3, 2, GNTMAP_device_map | GNTMAP_readonly, true, &u), GNTST_okay);
    assert_int_equal(flags_v1(1, 3), GTF_permit_access | GTF_reading);
    assert_int_equal(use(1, 3, 2, GNTMAP_host_map, true, &u), GNTST_okay);
    assert_int_equal(flags_v1(1, 3), GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(doms[1].active[3].pin, GNTPIN_DEVR_INC + GNTPIN_HSTW_INC);

    /* A counter with its top bit set takes no more. */
    doms[1].active[3].pin |= 0x80u << GNTPIN_HSTW_SHIFT;
    assert_int_equal(use(1, 3, 2, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(use(1, 3, 2, GNTMAP_device_map | GNTMAP_readonly, true, &u), GNTST_okay);
}

/* Refusals: nothing changes, neither the entry nor the pin. */
static void test_v1_refusals(void **state)
{
    struct grant_use u;

    grant_v1(1, 4, 0, 0, (1u << 16) | 1);                           /* never granted */
    assert_int_equal(use(1, 4, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    grant_v1(1, 5, GTF_permit_access, 2, (1u << 16) | 1);           /* for another domain */
    assert_int_equal(use(1, 5, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(flags_v1(1, 5), GTF_permit_access);
    grant_v1(1, 6, GTF_permit_access | GTF_readonly, 0, (1u << 16) | 2);
    assert_int_equal(use(1, 6, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(flags_v1(1, 6), GTF_permit_access | GTF_readonly);
    assert_int_equal(use(1, 6, 0, GNTMAP_host_map | GNTMAP_readonly, true, &u), GNTST_okay);
    assert_int_equal(use(1, 6, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(doms[1].active[6].pin, GNTPIN_HSTR_INC);
    /* Pinned for domain 0: another grantee is refused. */
    assert_int_equal(use(1, 6, 2, GNTMAP_host_map | GNTMAP_readonly, true, &u),
                     GNTST_general_error);
    /* A frame the granter does not own, or its shared_info: bad page, bits undone. */
    grant_v1(1, 7, GTF_permit_access, 0, (2u << 16) | 1);
    assert_int_equal(use(1, 7, 0, GNTMAP_host_map, true, &u), GNTST_bad_page);
    assert_int_equal(flags_v1(1, 7), GTF_permit_access);
    assert_int_equal(doms[1].active[7].pin, 0);
    grant_v1(1, 8, GTF_permit_access, 0, (uint32_t)SHINFO_FRAME(1));
    assert_int_equal(use(1, 8, 0, GNTMAP_host_map | GNTMAP_readonly, true, &u), GNTST_bad_page);
    assert_int_equal(flags_v1(1, 8), GTF_permit_access);
    /* Transitive and sub-page entries are v2's. */
    grant_v1(1, 9, GTF_transitive, 0, (1u << 16) | 1);
    assert_int_equal(use(1, 9, 0, GNTMAP_host_map, false, &u), GNTST_general_error);
}

/* gnttab_end_foreign_access: possible once no use is left; a revoked entry is refused. */
static void test_v1_end_of_access(void **state)
{
    struct grant_use u;
    uint16_t want = GTF_permit_access;

    grant_v1(1, 12, GTF_permit_access, 0, (1u << 16) | 3);
    assert_int_equal(use(1, 12, 0, GNTMAP_host_map, true, &u), GNTST_okay);
    /* The granter's compare-exchange to 0 expects an unused entry: it fails while mapped. */
    assert_false(__atomic_compare_exchange_n(&doms[1].e.v1[12].flags, &want, 0, false,
                                             __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    unuse(1, 12, GNTMAP_host_map);
    want = GTF_permit_access;
    assert_true(__atomic_compare_exchange_n(&doms[1].e.v1[12].flags, &want, 0, false,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    assert_int_equal(use(1, 12, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(flags_v1(1, 12), 0);

    /* A copy is a use for its duration only. */
    grant_v1(1, 13, GTF_permit_access, 0, (1u << 16) | 4);
    assert_int_equal(gnttab_acquire(&env, 1, 13, 0, GNTPIN_HSTW_INC, false, false, true, &u),
                     GNTST_okay);
    assert_int_equal(flags_v1(1, 13), GTF_permit_access | GTF_reading | GTF_writing);
    gnttab_release(&env, 1, 13, GNTPIN_HSTW_INC, false);
    assert_int_equal(flags_v1(1, 13), GTF_permit_access);
}

static void grant_v2(unsigned int d, uint32_t ref, uint16_t flags, uint16_t grantee, uint64_t frame)
{
    union grant_entry_v2 *e = &doms[d].e.v2[ref];
    memset(e, 0, sizeof(*e));
    e->full_page.frame = frame;
    e->hdr.domid = grantee;
    e->hdr.flags = flags;
}

/* Version 2: the bits live in the status word; the entry itself is left alone. */
static void test_v2_status_word(void **state)
{
    struct grant_use u;

    grant_v2(1, 20, GTF_permit_access, 0, (1u << 16) | 7);
    assert_int_equal(use(1, 20, 0, GNTMAP_host_map, true, &u), GNTST_okay);
    assert_int_equal(doms[1].status[20], GTF_reading | GTF_writing);
    assert_int_equal(doms[1].e.v2[20].hdr.flags, GTF_permit_access);
    unuse(1, 20, GNTMAP_host_map);
    assert_int_equal(doms[1].status[20], 0);
    /* A refused writable use of a read-only entry sets no bit. */
    grant_v2(1, 21, GTF_permit_access | GTF_readonly, 0, (1u << 16) | 8);
    assert_int_equal(use(1, 21, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(doms[1].status[21], 0);
}

/* Sub-page entries: copies only, and a copy reaches just the range. */
static void test_v2_sub_page(void **state)
{
    struct grant_use u;
    union grant_entry_v2 *e = &doms[1].e.v2[22];

    grant_v2(1, 22, 0, 0, 0);
    e->sub_page.frame = (1u << 16) | 11;
    e->sub_page.page_off = 256;
    e->sub_page.length = 100;
    e->hdr.flags = GTF_permit_access | GTF_sub_page;
    assert_int_equal(use(1, 22, 0, GNTMAP_host_map, true, &u), GNTST_general_error);
    assert_int_equal(doms[1].status[22], 0);
    assert_int_equal(gnttab_acquire(&env, 1, 22, 0, GNTPIN_HSTR_INC, true, false, true, &u),
                     GNTST_okay);
    assert_int_equal(u.frame, (1u << 16) | 11);
    assert_int_equal(u.start, 256);
    assert_int_equal(u.length, 100);
    assert_true(doms[1].active[22].sub_page);
    gnttab_release(&env, 1, 22, GNTPIN_HSTR_INC, true);
    assert_int_equal(doms[1].status[22], 0);
}

/* Transitive: domain 1's entry names domain 2's ref 30, which grants to domain 1. */
static void test_v2_transitive(void **state)
{
    struct grant_use u;
    union grant_entry_v2 *t = &doms[1].e.v2[31];

    grant_v2(2, 30, GTF_permit_access, 1, (2u << 16) | 12);
    memset(t, 0, sizeof(*t));
    t->transitive.trans_domid = 2;
    t->transitive.gref = 30;
    t->hdr.domid = 0;
    t->hdr.flags = GTF_transitive;

    assert_int_equal(use(1, 31, 0, GNTMAP_host_map, true, &u), GNTST_general_error);     /* maps: no */
    assert_int_equal(gnttab_acquire(&env, 1, 31, 0, GNTPIN_HSTR_INC, true, false, false, &u),
                     GNTST_general_error);                    /* not followed unless allowed */
    assert_int_equal(doms[1].status[31], 0);
    assert_int_equal(gnttab_acquire(&env, 1, 31, 0, GNTPIN_HSTW_INC, false, false, true, &u),
                     GNTST_okay);
    assert_int_equal(u.frame, (2u << 16) | 12);
    assert_int_equal(doms[1].active[31].trans_domid, 2);
    assert_int_equal(doms[2].active[30].pin, GNTPIN_HSTW_INC);
    assert_int_equal(doms[2].active[30].domid, 1);
    assert_int_equal(doms[1].status[31], GTF_reading | GTF_writing);
    assert_int_equal(doms[2].status[30], GTF_reading | GTF_writing);
    gnttab_release(&env, 1, 31, GNTPIN_HSTW_INC, false);
    assert_int_equal(doms[1].active[31].pin, 0);
    assert_int_equal(doms[2].active[30].pin, 0);
    assert_int_equal(doms[1].status[31], 0);
    assert_int_equal(doms[2].status[30], 0);

    /* Back to itself, to a missing or dying domain, to a ref beyond its table. */
    t->transitive.trans_domid = 1;
    assert_int_equal(gnttab_acquire(&env, 1, 31, 0, GNTPIN_HSTR_INC, true, false, true, &u),
                     GNTST_general_error);
    t->transitive.trans_domid = 2;
    doms[2].dying = true;
    assert_int_equal(gnttab_acquire(&env, 1, 31, 0, GNTPIN_HSTR_INC, true, false, true, &u),
                     GNTST_general_error);
    doms[2].dying = false;
    t->transitive.gref = GNTTAB_V2_PER_FRAME;
    assert_int_equal(gnttab_acquire(&env, 1, 31, 0, GNTPIN_HSTR_INC, true, false, true, &u),
                     GNTST_bad_gntref);
    assert_int_equal(doms[1].status[31], 0);
    assert_int_equal(doms[1].active[31].pin, 0);
}

/*
 * Transitive pins on two CPUs (threads), each domain's table under its own
 * lock as in the hypervisor (env->lock): domain 0 copies through domain
 * 1's transitive entry 31 while domain 1 copies straight from the entry it
 * names, domain 2's ref 30. Both count pins on that entry; the second
 * level must be counted under domain 2's lock, not domain 1's.
 */
#define RACE_ROUNDS 1000000

static pthread_mutex_t dom_lock[NDOM] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static unsigned long race_failures;

static void lock_dom(void *ctx, uint16_t dom)
{
    pthread_mutex_lock(&dom_lock[dom]);
}

static void unlock_dom(void *ctx, uint16_t dom)
{
    pthread_mutex_unlock(&dom_lock[dom]);
}

static const struct gnttab_env locked_env = {
    .table = table, .entry = entry, .status = status, .frame_ok = frame_ok,
    .lock = lock_dom, .unlock = unlock_dom,
};

/* One copy's pin and unpin of granter's ref for grantee, under the granter's lock. */
static void copy_use(uint16_t granter, uint32_t ref, uint16_t grantee)
{
    struct grant_use u;
    int rc;

    lock_dom(NULL, granter);
    rc = gnttab_acquire(&locked_env, granter, ref, grantee, GNTPIN_HSTR_INC, true, false, true, &u);
    unlock_dom(NULL, granter);
    if (rc != GNTST_okay || u.frame != ((2u << 16) | 12)) {
        __atomic_fetch_add(&race_failures, 1, __ATOMIC_RELAXED);
        return;
    }
    lock_dom(NULL, granter);
    gnttab_release(&locked_env, granter, ref, GNTPIN_HSTR_INC, true);
    unlock_dom(NULL, granter);
}

static void *through_transitive(void *arg)
{
    for (unsigned int i = 0; i < RACE_ROUNDS; i++)
        copy_use(1, 31, 0);
    return NULL;
}

static void *straight(void *arg)
{
    for (unsigned int i = 0; i < RACE_ROUNDS; i++)
        copy_use(2, 30, 1);
    return NULL;
}

static void test_v2_transitive_on_two_cpus(void **state)
{
    union grant_entry_v2 *t = &doms[1].e.v2[31];
    pthread_t a, b;

    grant_v2(2, 30, GTF_permit_access | GTF_readonly, 1, (2u << 16) | 12);
    memset(t, 0, sizeof(*t));
    t->transitive.trans_domid = 2;
    t->transitive.gref = 30;
    t->hdr.domid = 0;
    t->hdr.flags = GTF_transitive | GTF_readonly;
    race_failures = 0;
    assert_int_equal(pthread_create(&a, NULL, through_transitive, NULL), 0);
    assert_int_equal(pthread_create(&b, NULL, straight, NULL), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert_int_equal(race_failures, 0);
    assert_int_equal(doms[2].active[30].pin, 0);
    assert_int_equal(doms[1].active[31].pin, 0);
    assert_int_equal(doms[2].status[30], 0);
    assert_int_equal(doms[1].status[31], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_v1_map_unmap, setup_v1),
        cmocka_unit_test_setup(test_v1_host_and_device_pins, setup_v1),
        cmocka_unit_test_setup(test_v1_refusals, setup_v1),
        cmocka_unit_test_setup(test_v1_end_of_access, setup_v1),
        cmocka_unit_test_setup(test_v2_status_word, setup_v2),
        cmocka_unit_test_setup(test_v2_sub_page, setup_v2),
        cmocka_unit_test_setup(test_v2_transitive, setup_v2),
        cmocka_unit_test_setup(test_v2_transitive_on_two_cpus, setup_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
