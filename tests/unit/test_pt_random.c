/*
 * Randomized page-type run: tens of thousands of random mmu_update, pin,
 * unpin, root switches, guest stores and frame hand-overs between two
 * domains (fixed seed), and after every single operation the invariants:
 *   1. every frame's general and type count equal the references that exist
 *      (the test's recount and the library's audit both agree),
 *   2. no frame is both writable-mapped and a page table,
 *   3. no table of one domain maps a frame of the other, except L1 tables of
 *      the privileged domain A, which map B's frames by naming B as the
 *      frames' owner (mmu_update's foreign domain); B may not.
 * PT_SEED and PT_OPS in the environment change the seed and the length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <xen/errno.h>

#include <asm/pt_relinquish.h>
#include "test_pt_machine.h"

static struct machine mach;
static struct machine *m = &mach;
static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dUL;
}

static unsigned int below(unsigned int n) { return (unsigned int)(rnd() >> 33) % n; }
static bool chance(unsigned int percent) { return below(100) < percent; }

static bool live(uint64_t f)
{
    uint32_t t = m->frames[f].type_info;
    return pt_type_level(t) && (t & PGT_count_mask) && (t & PGT_validated);
}

/*
 * A frame of `d`: any, or one of the frames this run prefers as tables
 * (TABLEISH) or as data (DATAISH, every fourth).  The preference only
 * makes trees likely; every kind still meets every other kind.
 */
enum { ANY, TABLEISH, DATAISH };
static uint64_t frame_of(uint16_t d, int kind)
{
    for (int tries = 0; tries < 64; tries++) {
        uint64_t f = M_A_FIRST + below(M_FREE_FIRST - M_A_FIRST);
        if (m->frames[f].owner == d &&
            (kind == ANY || (kind == DATAISH) == ((f & 3) == 3)))
            return f;
    }
    return M_A_FIRST;
}

static uint64_t any_frame(void)
{
    return below(M_FRAMES + 4);
}

/* A live table of `d` at `level` (0: any level), or a plain frame of `d`. */
static uint64_t table_of(uint16_t d, unsigned int level)
{
    uint64_t pick[M_FRAMES];
    unsigned int n = 0;

    for (uint64_t f = 0; f < M_FRAMES; f++)
        if (m->frames[f].owner == d && live(f) &&
            (!level || pt_type_level(m->frames[f].type_info) == level))
            pick[n++] = f;
    return n ? pick[below(n)] : frame_of(d, TABLEISH);
}

static uint64_t random_flags(void)
{
    static const uint64_t bad[] = { PT_PSE, PT_PWT, PT_PCD, PT_GLOBAL, PT_GNTTAB };
    uint64_t fl = PT_PRESENT;

    if (chance(40)) fl |= PT_RW;
    if (chance(30)) fl |= PT_USER;
    if (chance(20)) fl |= PT_ACCESSED | (chance(50) ? PT_DIRTY : 0);
    if (chance(10)) fl |= PT_AVAIL & rnd();
    if (chance(10)) fl |= PT_NX;
    if (chance(5)) fl |= bad[below(5)];
    return fl;
}

/* An entry for a level-`level` table `table` of domain `d`. */
static uint64_t random_entry(uint16_t d, unsigned int level, uint64_t table)
{
    uint64_t target;
    unsigned int r = below(100);

    if (chance(15))
        return chance(50) ? 0 : rnd() & ~PT_PRESENT;
    if (level > 1)
        target = r < 45 ? table_of(d, level - 1) : r < 80 ? frame_of(d, TABLEISH) : r < 85 ? table :
                 any_frame();
    else
        target = r < 50 ? frame_of(d, DATAISH) : r < 60 ? frame_of(d, ANY) :
                 r < 75 ? table_of(d, 0) : r < 80 ? table : any_frame();
    return m_pte(target, random_flags());
}

struct stats {
    unsigned int ok[8], tried[8];
    unsigned int pinned_level[5];
    unsigned int pin_rc[100];              /* pin results by -rc */
    unsigned int max_live;
    unsigned int foreign_ok[3];            /* successful updates naming the other domain, by pt owner */
};

enum { OP_UPDATE, OP_PIN, OP_UNPIN, OP_ROOT, OP_STORE, OP_GIVE, OP_CLEAR, OP_N };
static const char *const op_name[OP_N] = {
    "mmu_update", "pin", "unpin", "switch_root", "guest store", "give away", "clear range",
};

/* One random operation; returns its kind and describes it in `what`. */
static int step(struct stats *st, char *what, size_t len)
{
    uint16_t d = chance(50) ? M_DOM_A : M_DOM_B;
    unsigned int r = below(100);
    int op, rc = 0;

    if (r < 52) {
        uint64_t t = chance(75) ? table_of(d, 0) : chance(90) ? frame_of(d, TABLEISH) : any_frame();
        unsigned int level = t < M_FRAMES && live(t) ? pt_type_level(m->frames[t].type_info) :
                             1 + below(4);
        unsigned int idx = level == 4 && chance(10) ? HV_SLOT_FIRST + below(16) : below(PT_ENTRIES);
        uint16_t other = d == M_DOM_A ? M_DOM_B : M_DOM_A, pg = d;
        uint64_t e, before = t < M_FRAMES ? m->mem[t][idx] : 0;
        bool ad = chance(30);

        /* Now and then the update names another frame owner (foreign domain, DOMID_XEN/IO). */
        if (chance(20))
            pg = chance(80) ? other : chance(50) ? PT_PG_OWNER_XEN : PT_PG_OWNER_IO;
        e = random_entry(pt_owner_is_domain(pg) ? pg : d, level, t);
        if (pg == PT_PG_OWNER_XEN && chance(50))
            e = m_pte(M_HV_FIRST, random_flags());
        op = OP_UPDATE;
        rc = pt_update_entry(&m->env, d, pg, t, idx, e, ad);
        if (!rc && pg == other && (e & PT_PRESENT) && t < M_FRAMES && live(t) &&
            pt_type_level(m->frames[t].type_info) == 1)
            st->foreign_ok[d]++;
        snprintf(what, len, "d%u mmu_update(mfn %lu L%u [%u] = %#lx%s, owner %#x) = %d", d,
                 (unsigned long)t, level, idx, (unsigned long)e, ad ? " preserve_ad" : "", pg, rc);
        if (rc && t < M_FRAMES && m->mem[t][idx] != before)
            fail_msg("refused update changed the entry: %s", what);
    } else if (r < 62) {
        uint64_t f = chance(50) ? frame_of(d, TABLEISH) : chance(80) ? table_of(d, 0) : any_frame();
        unsigned int level = f < M_FRAMES && pt_type_level(m->frames[f].type_info) && chance(60) ?
                             pt_type_level(m->frames[f].type_info) : 1 + below(4);

        op = OP_PIN;
        rc = pt_pin(&m->env, d, f, level);
        if (!rc)
            st->pinned_level[level]++;
        st->pin_rc[-rc < 100 ? -rc : 99]++;
        snprintf(what, len, "d%u pin(mfn %lu, L%u) = %d", d, (unsigned long)f, level, rc);
    } else if (r < 70) {
        uint64_t f = chance(80) ? table_of(d, 0) : any_frame();

        op = OP_UNPIN;
        rc = pt_unpin(&m->env, d, f);
        snprintf(what, len, "d%u unpin(mfn %lu) = %d", d, (unsigned long)f, rc);
    } else if (r < 78) {
        unsigned int which = below(M_ROOTS);
        uint64_t old = m->roots[d][which];
        uint64_t new = chance(50) ? table_of(d, 4) : chance(60) ? frame_of(d, TABLEISH) :
                       PT_ROOT_NONE;

        op = OP_ROOT;
        rc = pt_switch_root(&m->env, d, old, new);
        if (!rc)
            m->roots[d][which] = new;
        snprintf(what, len, "d%u switch_root(%lu -> %lu) = %d", d, (unsigned long)old,
                 (unsigned long)new, rc);
    } else if (r < 88) {
        /* The guest writes a frame it may write: no type, or the writable type. */
        uint64_t f = frame_of(d, ANY);
        uint32_t t = m->frames[f].type_info;
        unsigned int idx = below(PT_ENTRIES);

        op = OP_STORE;
        bool zero = chance(40);             /* a fresh page for a new table */

        if ((t & PGT_count_mask) && (t & PGT_type_mask) != PGT_writable_page)
            rc = -1;
        else if (zero)
            memset(m->mem[f], 0, sizeof(m->mem[f]));
        else
            m->mem[f][idx] = random_entry(d, 1 + below(4), f);
        snprintf(what, len, "d%u store mfn %lu [%s] = %d", d, (unsigned long)f,
                 zero ? "all zero" : "one entry", rc);
    } else if (r < 92) {
        uint64_t f = M_A_FIRST + below(M_FREE_FIRST - M_A_FIRST);

        op = OP_GIVE;
        if (m->frames[f].flags & PGF_SHARED_INFO || !pt_frame_is_free_to_release(&m->env, f))
            rc = -1;
        else
            m->frames[f].owner = m->frames[f].owner == M_DOM_A ? M_DOM_B : M_DOM_A;
        snprintf(what, len, "give mfn %lu to d%u = %d", (unsigned long)f, m->frames[f].owner, rc);
    } else {
        uint64_t t = table_of(d, 0);
        unsigned int from = below(PT_ENTRIES), n = 1 + below(64);

        op = OP_CLEAR;
        for (unsigned int i = from; i < from + n && i < PT_ENTRIES && !rc; i++)
            if (!(pt_type_level(m->frames[t].type_info) == 4 && pt_l4_slot_is_hv(i)))
                rc = pt_update_entry(&m->env, d, d, t, i, 0, false);
        snprintf(what, len, "d%u clear mfn %lu [%u..+%u] = %d", d, (unsigned long)t, from, n, rc);
    }
    st->tried[op]++;
    if (!rc)
        st->ok[op]++;
    return op;
}

static void check_invariants(unsigned long i, const char *what)
{
    int n = machine_recount(m);

    if (n)
        fail_msg("after op %lu (%s): recount found %d problem(s), first: %s", i, what, n, m->msg);
    for (uint16_t d = M_DOM_A; d <= M_DOM_B; d++) {
        n = machine_audit(m, d);
        if (n)
            fail_msg("after op %lu (%s): d%u audit %d report(s), first: %s", i, what, d, n, m->msg);
    }
}

static unsigned int tables_looked_at;
static uint64_t *counting_table(void *ctx, uint64_t mfn)
{
    tables_looked_at++;
    return ((struct machine *)ctx)->mem[mfn];
}

/*
 * Destroy domain `d` on a copy of the machine as it is now (asm/pt_relinquish.h:
 * passes 1-4, then the roots): no step releases more than its own table (no
 * cascade), every frame of d ends free to release and the other domain's
 * references are still exact.
 */
static void check_destroy(unsigned long i, uint16_t d)
{
    static struct machine copy;

    copy = *m;
    copy.env.ctx = &copy;
    copy.env.frames = copy.frames;
    copy.env.table = counting_table;
    for (unsigned int level = 1; level <= PT_RELINQUISH_PASSES; level++)
        for (uint64_t f = 0; f < M_FRAMES; f++) {
            tables_looked_at = 0;
            pt_relinquish_frame(&copy.env, d, f, level);
            if (tables_looked_at > 1)
                fail_msg("after op %lu, destroying d%u: pass %u on mfn %lu released %u tables",
                         i, d, level, (unsigned long)f, tables_looked_at);
        }
    for (unsigned int r = 0; r < M_ROOTS; r++) {
        assert_int_equal(pt_switch_root(&copy.env, d, copy.roots[d][r], PT_ROOT_NONE), 0);
        copy.roots[d][r] = PT_ROOT_NONE;
    }
    /*
     * d has no roots and no pins left, so the recount finds only what the other
     * domain's tables hold: a privileged one may map d's frames (foreign), and
     * those stay counted, as on Xen, until it lets go; nothing else may be left.
     */
    for (uint64_t f = 0; f < M_FRAMES; f++)
        if (copy.frames[f].owner == d && !pt_frame_is_free_to_release(&copy.env, f) &&
            !copy.privileged[d == M_DOM_A ? M_DOM_B : M_DOM_A])
            fail_msg("after op %lu, destroying d%u left mfn %lu held (count %lu, type_info %#x)",
                     i, d, (unsigned long)f, (unsigned long)copy.frames[f].count_info,
                     copy.frames[f].type_info);
    if (machine_recount(&copy))
        fail_msg("after op %lu, destroying d%u: recount: %s", i, d, copy.msg);
}

static void test_random_sequence(void **state)
{
    const char *seed = getenv("PT_SEED"), *ops = getenv("PT_OPS");
    unsigned long nr_ops = ops ? strtoul(ops, NULL, 0) : 30000;
    struct stats st = { 0 };
    char what[160];

    machine_init(m);
    m->privileged[M_DOM_A] = true;
    m->m2p_ok = true;
    rng_state = seed ? strtoull(seed, NULL, 0) : 0x5eed0f0a11a5UL;
    for (unsigned long i = 0; i < nr_ops; i++) {
        unsigned int nlive = 0;

        step(&st, what, sizeof(what));
        check_invariants(i, what);
        if (i % 250 == 0)
            check_destroy(i, (i / 250) & 1 ? M_DOM_B : M_DOM_A);
        for (uint64_t f = 0; f < M_FRAMES; f++)
            nlive += live(f);
        if (nlive > st.max_live)
            st.max_live = nlive;
    }
    for (int op = 0; op < OP_N; op++)
        print_message("%-12s %6u ok of %6u\n", op_name[op], st.ok[op], st.tried[op]);
    print_message("pins by level: L1 %u L2 %u L3 %u L4 %u; most live tables %u\n",
                  st.pinned_level[1], st.pinned_level[2], st.pinned_level[3],
                  st.pinned_level[4], st.max_live);
    print_message("updates naming the other domain's frames: A %u, B %u\n", st.foreign_ok[M_DOM_A],
                  st.foreign_ok[M_DOM_B]);
    print_message("pin results: ok %u, EINVAL %u, EBUSY %u, EPERM %u, EACCES %u\n",
                  st.pin_rc[0], st.pin_rc[XEN_EINVAL], st.pin_rc[XEN_EBUSY], st.pin_rc[XEN_EPERM],
                  st.pin_rc[XEN_EACCES]);
    /* The run must have exercised the machine, not just been refused. */
    if (nr_ops >= 10000) {
        for (int op = 0; op < OP_N; op++)
            assert_true(st.ok[op] > nr_ops / 500);
        for (int level = 1; level <= 4; level++)
            assert_true(st.pinned_level[level] > 20);
        assert_true(st.max_live >= 12);
        assert_true(st.foreign_ok[M_DOM_A] > nr_ops / 500);
        assert_int_equal(st.foreign_ok[M_DOM_B], 0);    /* B is not privileged */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
