/*
 * Address spaces of the os/ library, built from guest frames under the
 * Xen x86-64 PV MMU rules.
 *
 * A PV guest never writes a live page table directly: every table frame
 * is mapped read-only everywhere before it becomes a table, the root (L4)
 * is pinned with MMUEXT_PIN_L4_TABLE, and every entry is written through
 * mmu_update (MMU_NORMAL_PT_UPDATE at the entry's machine address), which
 * validates it.  A lower-level table is validated "by reference" when the
 * parent entry that points at it is written, so tables are hooked top
 * down, each one still all zeroes when its parent entry is written.
 *
 * Layout of an address space: L4 slot 0 is shared with the boot tables
 * (pt_base), so our image, stacks and the page pool stay mapped after a
 * switch; slots 1..255 (OS_ASPACE_VA_START..OS_ASPACE_VA_END) belong to
 * the address space; slots 256..271 are the hypervisor's, and Xen fills
 * them itself when it validates the L4.
 *
 * Table frames come from the os page allocator (os_alloc_page) and are
 * given back, writable again, by os_aspace_destroy.  Single vCPU, no
 * locking.  Errors are negative Xen errnos: the hypervisor's own, or
 * -XEN_EINVAL (bad va), -XEN_ENOMEM (no free page), -XEN_ENOENT (nothing
 * mapped there) from the library.
 */
#ifndef OS_ASPACE_H
#define OS_ASPACE_H

#include <stdint.h>

/* The part of the VA space an address space owns: L4 slots 1..255. */
#define OS_ASPACE_VA_START 0x0000008000000000ull
#define OS_ASPACE_VA_END   0x0000800000000000ull

/* Entry flags of the tables above L1 (Xen forces USER on 64-bit PV). */
#define OS_ASPACE_TABLE_FLAGS 0x027ull      /* P | RW | US | A */

/* Updates one os_mmu_flush sends in a single mmu_update call. */
#define OS_MMU_BATCH 64

struct os_aspace {
    uint64_t *l4;       /* the L4 frame at its (read-only) pool VA */
    uint64_t l4_mfn;
};

/*
 * Queue "write val into the page-table entry at machine address maddr".
 * A full queue is flushed first.  Returns 0 or the error of that flush.
 */
long os_mmu_queue(uint64_t maddr, uint64_t val);

/*
 * Send the queued updates in one mmu_update.  Returns 0 or Xen's error;
 * on error the updates after the failing one are dropped, and
 * os_mmu_last_done tells how many of the batch were applied.  An error
 * of a queued leaf update surfaces at whichever call flushes it (map,
 * switch, ...): callers that must know flush explicitly.
 */
long os_mmu_flush(void);
extern unsigned int os_mmu_last_done;

/*
 * Queue the change of the pool mapping of page (VA == pseudo-physical)
 * to read-only (writable = 0) or writable.  The TLB is not flushed;
 * Xen flushes when a frame changes type, and os_aspace_destroy flushes
 * after making frames writable.
 */
long os_mmu_queue_pool_rw(const void *page, int writable);

/*
 * A new address space: an L4 from the pool, made read-only, pinned,
 * sharing slot 0 with the boot tables.  0 or an error (nothing kept).
 */
long os_aspace_create(struct os_aspace *as);

/*
 * Map the page at va (page aligned, inside OS_ASPACE_VA_START..END) to
 * machine frame mfn with flags (OS_PTE_*; PRESENT is implied).  Missing
 * tables are taken from the pool and hooked at once; the leaf entry is
 * only queued (os_mmu_flush, os_aspace_switch and destroy send it).
 */
long os_aspace_map(struct os_aspace *as, uint64_t va, uint64_t mfn,
                   uint64_t flags);

/*
 * Machine address of the leaf (L1) entry of va in *maddr, for callers
 * that queue their own updates; -XEN_ENOENT if no L1 covers va.
 */
long os_aspace_l1e_maddr(struct os_aspace *as, uint64_t va, uint64_t *maddr);

/* Queue the removal of va's leaf entry; -XEN_ENOENT if no L1 covers it. */
long os_aspace_unmap(struct os_aspace *as, uint64_t va);

/*
 * Flush the queue and make as the kernel and the user root
 * (MMUEXT_NEW_BASEPTR + MMUEXT_NEW_USER_BASEPTR); NULL returns to the
 * boot tables (pt_base) for both.  0 or Xen's error.
 */
long os_aspace_switch(const struct os_aspace *as);

/* The address space now installed, NULL for the boot tables. */
const struct os_aspace *os_aspace_current(void);

/*
 * Build dst as a copy of src: new tables for slots 1..255 with the same
 * leaf entries (the frames are shared, not copied), entries written via
 * the batched mmu_update.  0 or an error (dst then holds a partial copy
 * that os_aspace_destroy still releases).
 */
long os_aspace_clone(struct os_aspace *dst, const struct os_aspace *src);

/*
 * Tear as down: switch to the boot tables if it is current, unpin the L4
 * (Xen drops the references of every level), make each table frame
 * writable again and give it back to the pool.  Every table reachable
 * from slots 1..255 is taken to be one this layer made: do not hook
 * foreign tables there with raw mmu_update.  0 or the first error
 * (-XEN_EINVAL for a space never created); on error the frames are kept
 * out of the pool, never reused half typed.
 */
long os_aspace_destroy(struct os_aspace *as);

/* Number of table frames (L4 included) as holds now. */
unsigned long os_aspace_frames(const struct os_aspace *as);

#endif /* OS_ASPACE_H */
