/*
 * The fake machine behind the page-type tests, and the tests' own recount of
 * references (deliberately a different method from pt_audit's).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "test_pt_machine.h"

static uint64_t *m_table(void *ctx, uint64_t mfn)
{
    return ((struct machine *)ctx)->mem[mfn];
}

static void m_flush(void *ctx)
{
    ((struct machine *)ctx)->flushes++;
}

static void m_init_l4(void *ctx, uint64_t *l4)
{
    for (unsigned int i = HV_SLOT_FIRST; i <= HV_SLOT_LAST; i++)
        l4[i] = M_HV_SLOT(i);
}

static bool m_iomem(void *ctx, uint16_t domid, uint64_t mfn)
{
    struct machine *m = ctx;
    return m->iomem_ok && !(domid <= M_DOM_B && m->iomem_denied[domid]);
}

static bool m_iomem_ro(void *ctx, uint64_t mfn)
{
    uint64_t ro = ((struct machine *)ctx)->iomem_ro_mfn;
    return ro && mfn == ro;
}

static bool m_cache(void *ctx, uint16_t domid)
{
    return ((struct machine *)ctx)->cache_ok;
}

static bool m_foreign(void *ctx, uint16_t pt_owner, uint16_t pg_owner)
{
    struct machine *m = ctx;
    return pt_owner <= M_DOM_B && m->privileged[pt_owner];
}

static bool m_shared_ro(void *ctx, uint16_t domid, uint64_t mfn)
{
    struct machine *m = ctx;
    return m->m2p_ok && mfn == M_HV_FIRST && domid <= M_DOM_B && m->privileged[domid];
}

static void m_last_ref(void *ctx, uint64_t mfn)
{
    ((struct machine *)ctx)->last_refs[mfn]++;
}

static int m_segdesc(void *ctx, uint64_t mfn)
{
    return 0;
}

static void m_explain(void *ctx, uint64_t mfn, const char *why)
{
    ((struct machine *)ctx)->last_why = why;
}

void machine_init(struct machine *m)
{
    memset(m, 0, sizeof(*m));
    for (uint64_t f = 0; f < M_FRAMES; f++)
        m->frames[f].owner = f < M_HV_FIRST ? OWNER_NONE : f < M_A_FIRST ? OWNER_HV :
                             f < M_B_FIRST ? M_DOM_A : f < M_FREE_FIRST ? M_DOM_B : OWNER_FREE;
    m->frames[M_A_SHINFO].flags = PGF_SHARED_INFO;
    m->frames[M_B_SHINFO].flags = PGF_SHARED_INFO;
    m->env = (struct pt_env){
        .frames = m->frames, .nr_frames = M_FRAMES, .table = m_table, .ctx = m,
        .direct = &m->mem[0][0],
        .flush = m_flush, .init_l4_hv_slots = m_init_l4, .iomem_permitted = m_iomem,
        .iomem_readonly = m_iomem_ro,
        .cache_attrs_permitted = m_cache, .validate_segdesc = m_segdesc,
        .foreign_permitted = m_foreign, .shared_ro_permitted = m_shared_ro,
        .last_ref = m_last_ref, .explain = m_explain,
    };
}

static void note(struct machine *m, int *problems, const char *fmt, ...)
{
    va_list ap;

    if ((*problems)++)
        return;
    va_start(ap, fmt);
    vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
    va_end(ap);
}

void machine_audit_report(void *rctx, uint64_t mfn, const char *what)
{
    struct machine *m = rctx;

    if (!m->msg[0])
        snprintf(m->msg, sizeof(m->msg), "audit: mfn %lu: %s", (unsigned long)mfn, what);
}

int machine_audit(struct machine *m, uint16_t dom)
{
    m->msg[0] = 0;
    return pt_audit(&m->env, dom, m->roots[dom], M_ROOTS, m->scratch, machine_audit_report, m);
}

/* ---- the independent recount ---------------------------------------------- */

struct recount {
    struct machine *m;
    uint64_t general[M_FRAMES];
    uint32_t tcount[M_FRAMES], ttype[M_FRAMES];
    unsigned int level[M_FRAMES];           /* level a frame was walked as, 0 = not a table */
    bool wmapped[M_FRAMES];
    int problems;
};

static void ref(struct recount *s, uint64_t mfn, uint32_t type)
{
    s->general[mfn]++;
    if (!type)
        return;
    if (s->tcount[mfn] && s->ttype[mfn] != type)
        note(s->m, &s->problems, "mfn %lu referenced as type %#x and %#x", (unsigned long)mfn,
             s->ttype[mfn], type);
    s->ttype[mfn] = type;
    s->tcount[mfn]++;
}

static bool io_frame(const struct machine *m, uint64_t mfn)
{
    return mfn >= M_FRAMES || m->frames[mfn].owner == OWNER_NONE;
}

static void walk(struct recount *s, uint16_t dom, uint64_t mfn, unsigned int level)
{
    struct machine *m = s->m;

    if (s->level[mfn]) {
        if (s->level[mfn] != level)
            note(m, &s->problems, "mfn %lu is an L%u and an L%u table", (unsigned long)mfn,
                 s->level[mfn], level);
        return;
    }
    s->level[mfn] = level;
    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = m->mem[mfn][i], t = pt_entry_mfn(e);

        if (level == 4 && i >= HV_SLOT_FIRST && i <= HV_SLOT_LAST) {
            if (e != M_HV_SLOT(i))
                note(m, &s->problems, "L4 %lu slot %u is not the hypervisor's",
                     (unsigned long)mfn, i);
            continue;
        }
        if (!(e & PT_PRESENT))
            continue;
        if (level == 1 && (e & PT_GNTTAB))
            continue;                       /* a grant mapping: the grant table's references */
        if (level == 1 && io_frame(m, t)) {
            if (!m->iomem_ok || m->iomem_denied[dom])
                note(m, &s->problems, "L1 %lu maps I/O frame %lu", (unsigned long)mfn,
                     (unsigned long)t);
            continue;
        }
        if (level == 1 && t == M_HV_FIRST && m->m2p_ok && m->privileged[dom] && !(e & PT_RW))
            continue;                       /* the shared read-only hypervisor frame */
        if (level > 1 && t == mfn) {
            if (e & PT_RW)
                note(m, &s->problems, "L%u %lu maps itself writable", level, (unsigned long)mfn);
            continue;
        }
        bool foreign = level == 1 && t < M_FRAMES && m->privileged[dom] &&
                       (m->frames[t].owner == M_DOM_A || m->frames[t].owner == M_DOM_B);
        if (t >= M_FRAMES || (m->frames[t].owner != dom && !foreign)) {
            note(m, &s->problems, "d%u L%u %lu slot %u maps frame %lu of another owner", dom,
                 level, (unsigned long)mfn, i, (unsigned long)t);
            continue;
        }
        if (level == 1) {
            ref(s, t, (e & PT_RW) ? (uint32_t)PGT_writable_page : 0);
            s->wmapped[t] |= (e & PT_RW) != 0;
        } else {
            ref(s, t, pgt_for_level((int)level - 1));
            walk(s, dom, t, level - 1);
        }
    }
}

int machine_recount(struct machine *m)
{
    static struct recount s;                /* large; tests are single-threaded */

    memset(&s, 0, sizeof(s));
    s.m = m;
    m->msg[0] = 0;
    for (uint16_t dom = M_DOM_A; dom <= M_DOM_B; dom++) {
        for (unsigned int r = 0; r < M_ROOTS; r++) {
            uint64_t root = m->roots[dom][r];
            if (root == PT_ROOT_NONE)
                continue;
            if (m->frames[root].owner != dom)
                note(m, &s.problems, "d%u root %lu not its own", dom, (unsigned long)root);
            ref(&s, root, (uint32_t)PGT_l4_page_table);
            walk(&s, dom, root, 4);
        }
        for (uint64_t f = 0; f < M_FRAMES; f++) {
            unsigned int level = pt_type_level(m->frames[f].type_info);
            if (m->frames[f].owner != dom || !(m->frames[f].type_info & PGT_pinned))
                continue;
            if (!level) {
                note(m, &s.problems, "mfn %lu pinned without a table type", (unsigned long)f);
                continue;
            }
            ref(&s, f, pgt_for_level((int)level));
            walk(&s, dom, f, level);
        }
    }
    for (uint64_t f = 0; f < M_FRAMES; f++) {
        const struct page_info *pg = &m->frames[f];
        uint32_t count = pg->type_info & PGT_count_mask;

        if ((pg->count_info & PGC_count_mask) != s.general[f])
            note(m, &s.problems, "mfn %lu general count %lu, references %lu", (unsigned long)f,
                 (unsigned long)(pg->count_info & PGC_count_mask), (unsigned long)s.general[f]);
        if (count != s.tcount[f])
            note(m, &s.problems, "mfn %lu type count %u, references %u", (unsigned long)f,
                 count, s.tcount[f]);
        else if (count && (pg->type_info & PGT_type_mask) != s.ttype[f])
            note(m, &s.problems, "mfn %lu type %#x, referenced as %#x", (unsigned long)f,
                 (unsigned)(pg->type_info & PGT_type_mask), s.ttype[f]);
        if (s.level[f] && !(pg->type_info & PGT_validated))
            note(m, &s.problems, "table %lu in use but not validated", (unsigned long)f);
        if (s.level[f] && s.wmapped[f])
            note(m, &s.problems, "mfn %lu is a table and mapped writable", (unsigned long)f);
        if (s.level[f] && (pg->flags & PGF_SHARED_INFO))
            note(m, &s.problems, "shared_info %lu used as a table", (unsigned long)f);
    }
    return s.problems;
}
