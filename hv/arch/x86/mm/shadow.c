/*
 * Shadow paging: see asm/shadow.h for the model. Shadow tables are private
 * frames of the hypervisor (OWNER_HV), one tree per cached guest root, with
 * the hypervisor's L4 slots copied in. Entries above L1 carry full
 * permissions; the leaf carries the guest's effective permissions, further
 * restricted for A/D tracking and log-dirty.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <asm/flushtlb.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/paging.h>
#include <asm/pv_mmu.h>
#include <asm/shadow.h>
#include <asm/x86_vectors.h>

#define UPPER_FLAGS (PT_PRESENT | PT_RW | PT_USER | PT_ACCESSED | PT_DIRTY)
#define LEAF_PAGES  (PAGE_SIZE * 8)     /* pages one leaf of Xen's log-dirty trie covers */

/*
 * Forget every shadow table. The frames stay in the pool for the tables
 * built after the flush (as Xen's shadow pool keeps its pages): a flush and
 * the refill after it take no heap lock. shadow_disable gives them back.
 */
static void free_pool(struct shadow_state *s)
{
    s->nr_pool = 0;
    s->nr_l1map = 0;
    memset(s->roots, 0, sizeof(s->roots));
    s->next_root = 0;
}

static mfn_t shadow_alloc(struct shadow_state *s)
{
    mfn_t m;

    if (s->nr_pool >= s->slots)
        return INVALID_MFN;
    if (s->nr_pool < s->nr_held) {
        m = s->pool[s->nr_pool++];              /* kept from before a flush: clear it again */
        memset(mfn_to_virt(m), 0, PAGE_SIZE);
        return m;
    }
    m = alloc_frame(OWNER_HV);
    if (m != INVALID_MFN) {
        s->pool[s->nr_pool++] = m;
        s->nr_held = s->nr_pool;
    }
    return m;
}

/* Give back every pool frame and the pool's arrays (no shadow may be in use). */
static void pool_release(struct shadow_state *s)
{
    free_pool(s);
    free_frame_list(s->pool, s->nr_held);       /* one hold of the heap lock for them all */
    s->nr_held = 0;
    xfree_bytes(s->pool, s->slots * sizeof(*s->pool));
    xfree_bytes(s->l1map, s->slots * sizeof(*s->l1map));
    s->pool = NULL;
    s->l1map = NULL;
    s->slots = 0;
}

/* Arrays for a pool of `frames` shadow tables, the old pool released: 0 or -ENOMEM (nothing changed). */
static int pool_make(struct shadow_state *s, unsigned int frames)
{
    uint64_t *pool = xzalloc_bytes((unsigned long)frames * sizeof(*pool));
    void *l1map = xzalloc_bytes((unsigned long)frames * sizeof(*s->l1map));

    if (!pool || !l1map) {
        xfree_bytes(pool, (unsigned long)frames * sizeof(*pool));
        xfree_bytes(l1map, (unsigned long)frames * sizeof(*s->l1map));
        return -XEN_ENOMEM;
    }
    pool_release(s);
    s->pool = pool;
    s->l1map = l1map;
    s->slots = frames;
    return 0;
}

int shadow_enable(struct domain *d, unsigned int min_pool)
{
    struct shadow_state *s = &d->arch.shadow;
    unsigned int frames = s->alloc > min_pool ? s->alloc : min_pool;

    if (s->enabled)
        return frames > s->alloc ? shadow_set_allocation(d, frames) : 0;
    if (pool_make(s, frames))
        return -XEN_ENOMEM;
    s->alloc = frames;
    s->enabled = true;
    d->arch.paging = &paging_mode_shadow;
    if (current && current->domain == d)
        vcpu_load_cr3(current);
    log_info("d%u: shadow paging on (pool of %u frames)", d->id, frames);
    return 0;
}

void shadow_disable(struct domain *d)
{
    struct shadow_state *s = &d->arch.shadow;

    if (!s->enabled)
        return;
    shadow_log_dirty_disable(d);
    s->enabled = false;
    d->arch.paging = &paging_mode_direct;
    if (current && current->domain == d)
        vcpu_load_cr3(current);                 /* back on the guest's own tables first */
    pool_release(s);
    log_info("d%u: shadow paging off", d->id);
}

int shadow_set_allocation(struct domain *d, unsigned int frames)
{
    struct shadow_state *s = &d->arch.shadow;

    if (s->enabled) {
        shadow_flush_all(d);                    /* no shadow in use: the pool may go */
        if (pool_make(s, frames))
            return -XEN_ENOMEM;
    }
    s->alloc = frames;
    return 0;
}

uint64_t shadow_root_for(struct domain *d, uint64_t guest_root)
{
    struct shadow_state *s = &d->arch.shadow;
    mfn_t root;

    for (unsigned int i = 0; i < SHADOW_ROOTS; i++)
        if (s->roots[i].guest == guest_root && s->roots[i].shadow)
            return s->roots[i].shadow;
    root = shadow_alloc(s);
    if (root == INVALID_MFN) {
        /* Pool exhausted: start again from nothing (we are not on a shadow root here). */
        write_cr3(virt_to_maddr(idle_l4()));
        free_pool(s);
        root = shadow_alloc(s);
        BUG_ON(root == INVALID_MFN);
    }
    pte_t *l4 = mfn_to_virt(root);
    for (unsigned int slot = HV_SLOT_FIRST; slot <= HV_SLOT_LAST; slot++)
        l4[slot] = idle_l4()[slot];
    s->roots[s->next_root].guest = guest_root;
    s->roots[s->next_root].shadow = root;
    s->next_root = (s->next_root + 1) % SHADOW_ROOTS;
    return root;
}

void shadow_flush_all(struct domain *d)
{
    struct shadow_state *s = &d->arch.shadow;

    if (!s->enabled)
        return;
    bool ours = current && current->domain == d;

    s->flushes++;
    if (ours)
        write_cr3(virt_to_maddr(idle_l4()));    /* never free the tables we run on */
    free_pool(s);
    if (ours)
        vcpu_load_cr3(current);
}

static bool pfn_dirty(const struct shadow_state *s, uint64_t pfn)
{
    return pfn < s->nr_dirty_bits && (s->dirty[pfn / 64] & (1UL << (pfn % 64)));
}

void shadow_mark_dirty(struct domain *d, uint64_t mfn)
{
    struct shadow_state *s = &d->arch.shadow;
    uint64_t pfn = m2p_get(mfn);

    if (s->log_dirty && pfn < s->nr_dirty_bits && !pfn_dirty(s, pfn)) {
        uint64_t leaf = pfn / LEAF_PAGES;

        s->dirty[pfn / 64] |= 1UL << (pfn % 64);
        s->ld_dirty++;
        if (!(s->leaves[leaf / 64] & (1UL << (leaf % 64)))) {
            s->leaves[leaf / 64] |= 1UL << (leaf % 64);
            s->nr_leaves++;
        }
    }
}

/*
 * Shadow table below `t[idx]`, allocated on first use; NULL when the pool is
 * full. A new shadow L1 is recorded against the guest L1 it copies, so that a
 * change to that guest L1 can clear just the matching shadow entries.
 */
static pte_t *shadow_next(struct shadow_state *s, pte_t *t, unsigned int idx, mfn_t guest_l1,
                          uint64_t va)
{
    if (!(t[idx] & PT_PRESENT)) {
        mfn_t m = shadow_alloc(s);
        if (m == INVALID_MFN)
            return NULL;
        if (guest_l1 != INVALID_MFN) {
            s->l1map[s->nr_l1map].guest = guest_l1;
            s->l1map[s->nr_l1map].shadow = m;
            s->l1map[s->nr_l1map].va = va & ~((1UL << 21) - 1);
            s->nr_l1map++;
        }
        t[idx] = make_pte(m, UPPER_FLAGS);
    }
    return mfn_to_virt(pte_mfn(t[idx]));
}

void shadow_guest_l1e_changed(struct domain *d, uint64_t guest_l1, unsigned int idx)
{
    struct shadow_state *s = &d->arch.shadow;

    for (unsigned int i = 0; i < s->nr_l1map; i++)
        if (s->l1map[i].guest == guest_l1) {
            ((pte_t *)mfn_to_virt(s->l1map[i].shadow))[idx] = 0;
            /* Every CPU the domain ran on may cache the entry (Dom0's log-dirty work changes it too). */
            flush_tlb_one_mask(d->dirty_cpumask, s->l1map[i].va + ((uint64_t)idx << PAGE_SHIFT));
        }
}

bool shadow_fault(struct vcpu *v, uint64_t va, uint32_t hw_error, uint32_t *pfec)
{
    struct domain *d = v->domain;
    struct shadow_state *s = &d->arch.shadow;
    mfn_t groot = v->arch.kernel_mode || !v->arch.guest_table_user ? v->arch.guest_table : v->arch.guest_table_user;
    bool write = hw_error & X86_PFEC_WRITE, insn = hw_error & X86_PFEC_INSN;
    /* The shadow tree's slots for va: the same indexes as the guest's walk. */
    unsigned int sidx[4] = { l4_index(va), l3_index(va), l2_index(va), l1_index(va) };
    bool rw, nx, reached;
    struct pt_walk w;
    pte_t *gl1e;

    s->faults++;
    *pfec = (hw_error & (X86_PFEC_WRITE | X86_PFEC_INSN)) | (v->arch.kernel_mode ? 0 : X86_PFEC_USER);
    if (va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END)
        return false;
    /* The guest's walk (pt_walk); the entries it went through are now accessed. */
    reached = pt_walk(&pv_mmu_env, groot, va, &w);
    if (w.level < 4)                            /* constant indexes: w stays in registers */
        ((pte_t *)mfn_to_virt(w.table[4]))[w.index[4]] = w.entry[4] | PT_ACCESSED;
    if (w.level < 3)
        ((pte_t *)mfn_to_virt(w.table[3]))[w.index[3]] = w.entry[3] | PT_ACCESSED;
    if (w.level < 2)
        ((pte_t *)mfn_to_virt(w.table[2]))[w.index[2]] = w.entry[2] | PT_ACCESSED;
    if (!reached || !(w.entry[1] & PT_PRESENT))
        return false;                           /* not present for the guest either */
    rw = w.entry[4] & w.entry[3] & w.entry[2] & w.entry[1] & PT_RW;
    nx = (w.entry[4] | w.entry[3] | w.entry[2] | w.entry[1]) & PT_NX;
    gl1e = (pte_t *)mfn_to_virt(w.table[1]) + w.index[1];
    *pfec |= X86_PFEC_PRESENT;
    if ((write && !rw) || (insn && nx))
        return false;                           /* the guest's own tables forbid it */

    /* Install the translation: guest permissions, minus what A/D and log-dirty need to see. */
    pte_t g = *gl1e | PT_ACCESSED;
    mfn_t mfn = pte_mfn(g);
    bool allow_write = rw && (write || (g & PT_DIRTY));
    if (write) {
        g |= PT_DIRTY;
        if (s->log_dirty)
            shadow_mark_dirty(d, mfn);
    }
    /* Log-dirty: a page not yet marked dirty stays read-only, so its first write is seen. */
    if (s->log_dirty && !pfn_dirty(s, m2p_get(mfn)))
        allow_write = false;
    *gl1e = g;
    s->ld_faults++;

    pte_t *t = mfn_to_virt(shadow_root_for(d, groot));
    for (int lvl = 0; lvl < 3 && t; lvl++)
        t = shadow_next(s, t, sidx[lvl], lvl == 2 ? virt_to_mfn(gl1e) : INVALID_MFN, va);
    if (!t) {
        shadow_flush_all(d);                    /* pool full: next access refaults and refills */
        return true;
    }
    t[sidx[3]] = (g & ~(PT_RW | PT_GLOBAL)) | PT_USER | (allow_write ? PT_RW : 0) |
                (nx ? PT_NX : 0);
    invlpg(va);
    s->fills++;
    return true;
}

/* Bytes of the bitmap: whole words, at least one (a domain may have no memory yet). */
static uint64_t bitmap_bytes(uint64_t nr_bits)
{
    return nr_bits ? (nr_bits + 63) / 64 * 8 : 8;
}

int shadow_log_dirty_enable(struct domain *d, unsigned int min_pool)
{
    struct shadow_state *s = &d->arch.shadow;
    uint64_t bits = d->tot_pages;
    uint64_t *dirty, *leaves;
    int rc;

    if (s->log_dirty)
        return 0;
    /* A page of leaf flags covers 2^30 pages; the bitmap covers the domain's pages now. */
    if (bits > (uint64_t)PAGE_SIZE * 8 * LEAF_PAGES)
        return -XEN_ENOMEM;
    dirty = xzalloc_bytes(bitmap_bytes(bits));
    leaves = xzalloc_bytes(PAGE_SIZE);
    rc = dirty && leaves ? shadow_enable(d, min_pool) : -XEN_ENOMEM;
    if (rc) {
        xfree_bytes(dirty, bitmap_bytes(bits));
        xfree_bytes(leaves, PAGE_SIZE);
        return rc;
    }
    s->dirty = dirty;
    s->leaves = leaves;
    s->nr_leaves = 0;
    s->nr_dirty_bits = bits;
    s->log_dirty = true;
    shadow_flush_all(d);                        /* revoke every writable translation */
    return 0;
}

void shadow_log_dirty_disable(struct domain *d)
{
    struct shadow_state *s = &d->arch.shadow;

    if (!s->dirty)
        return;
    s->log_dirty = false;
    xfree_bytes(s->dirty, bitmap_bytes(s->nr_dirty_bits));
    xfree_bytes(s->leaves, PAGE_SIZE);
    s->dirty = NULL;
    s->leaves = NULL;
    s->nr_leaves = 0;
    s->nr_dirty_bits = 0;
    shadow_flush_all(d);
}

int shadow_log_dirty_copy(struct domain *d, XEN_GUEST_HANDLE(uint8_t) to, uint64_t off, uint64_t n)
{
    const struct shadow_state *s = &d->arch.shadow;
    uint8_t buf[256];

    while (n) {
        uint64_t chunk = n < sizeof(buf) ? n : sizeof(buf), have, from_bitmap = 0;

        spin_lock(&d->page_lock);
        have = s->dirty ? bitmap_bytes(s->nr_dirty_bits) : 0;
        if (off < have) {
            from_bitmap = have - off < chunk ? have - off : chunk;
            memcpy(buf, (const uint8_t *)s->dirty + off, from_bitmap);
        }
        spin_unlock(&d->page_lock);
        memset(buf + from_bitmap, 0, chunk - from_bitmap);
        if (copy_to_guest_offset(to, off, buf, chunk))
            return -XEN_EFAULT;
        off += chunk;
        n -= chunk;
    }
    return 0;
}

uint64_t shadow_log_dirty_bits(const struct domain *d)
{
    return d->arch.shadow.dirty ? d->arch.shadow.nr_dirty_bits : 0;
}

unsigned int shadow_log_dirty_pages(const struct domain *d)
{
    return d->arch.shadow.nr_leaves ? 3 + d->arch.shadow.nr_leaves : 0;
}

void shadow_log_dirty_clear(struct domain *d, uint64_t first, uint64_t nr)
{
    struct shadow_state *s = &d->arch.shadow;
    uint64_t end = first + nr, b = first;

    if (end < first || end > s->nr_dirty_bits)
        end = s->nr_dirty_bits;
    if (!s->dirty)
        return;
    for (; b < end && b % 64; b++)
        s->dirty[b / 64] &= ~(1UL << (b % 64));
    if (b < end) {
        memset(&s->dirty[b / 64], 0, (end - b) / 64 * 8);
        b += (end - b) / 64 * 64;
    }
    for (; b < end; b++)
        s->dirty[b / 64] &= ~(1UL << (b % 64));
}

void shadow_guest_entry_changed(struct domain *d, uint64_t table, unsigned int idx)
{
    if (!d->arch.shadow.enabled)
        return;
    switch (mfn_to_page(table)->type_info & PGT_type_mask) {
    case PGT_l1_page_table:
        shadow_guest_l1e_changed(d, table, idx);
        break;
    case PGT_l2_page_table:
    case PGT_l3_page_table:
    case PGT_l4_page_table:
        shadow_flush_all(d);
        break;
    default:
        break;                                  /* not a table: nothing was shadowed from it */
    }
}

const struct paging_mode paging_mode_shadow = {
    .name = "shadow",
    .ptwr_batch_ok = false,                     /* shadows copy L1s: none may be unhooked */
    .cr3_for = shadow_root_for,
    .page_fault = shadow_fault,
    .entry_changed = shadow_guest_entry_changed,
    .flush = shadow_flush_all,
};
