/*
 * Helpers of the page-table suite (pt_*.c): frames from the pool, their
 * read-only / writable pool mappings, one-shot mmu_update and mmuext_op,
 * and stores / loads that report a fault instead of taking it.
 *
 * Pool pages are mapped at VA == pseudo-physical address, and so are the
 * boot page tables (pt_base), so "the machine address of this byte" is
 * pt_maddr(pointer) for all of them.
 */
#ifndef SELFTEST_PT_UTIL_H
#define SELFTEST_PT_UTIL_H

#include <stdint.h>
#include <os/aspace.h>
#include <os/mm.h>
#include <os/traps.h>
#include "test.h"

/* Entry flags used by the cases. */
#define PT_RO  (OS_PTE_PRESENT | OS_PTE_ACCESSED)
#define PT_RW  (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY)
#define PT_PSE 0x080ull

/* An MFN no machine has: 2^38 frames is a 2^50-byte address. */
#define PT_MFN_HUGE (1ull << 38)

/* Machine frame / address of a byte of the pool or boot region. */
uint64_t pt_mfn(const void *p);
uint64_t pt_maddr(const void *p);
/* Machine frame of the boot L4 (pt_base). */
uint64_t pt_boot_l4_mfn(void);

/* Machine address of the boot L1 entry that maps va. */
uint64_t pt_l1e_maddr(uint64_t va);

/* Remap a pool page read-only / writable (update_va_mapping, INVLPG). */
long pt_set_ro(void *page);
long pt_set_rw(void *page);

/*
 * A zeroed pool page, mapped read-only (ro) or writable; NULL when the
 * pool is empty or the remap failed.  pt_put_page makes it writable and
 * frees it, or leaks it (returns nonzero) when Xen still holds a type.
 */
void *pt_get_page(int ro);
long pt_put_page(void *page);

/* One mmu_update request; done (may be NULL) gets the count done. */
long pt_mmu1(uint64_t ptr, uint64_t val, unsigned int *done);
/* One mmuext_op with arg1 (and arg2). */
long pt_ext(unsigned int cmd, uint64_t arg1);
long pt_ext2(unsigned int cmd, uint64_t arg1, uint64_t arg2);
/* Pin an mfn as a level-level table (1..4); unpin. */
long pt_pin(int level, uint64_t mfn);
long pt_unpin(uint64_t mfn);
/* Flush the local TLB. */
void pt_flush_tlb(void);

/* Store / load through p; the exception info of a fault, 0 if none. */
uint64_t pt_try_store(volatile uint64_t *p, uint64_t v);
uint64_t pt_try_load(const volatile uint64_t *p, uint64_t *v);

/* A frame of the hypervisor no guest may map: the L3 behind L4 slot 256. */
uint64_t pt_xen_mfn(void);

/* Deterministic xorshift64 PRNG (fixed seed per suite). */
uint64_t pt_rand(uint64_t *state);

/* Parts of the suite, in the order suite_pt runs them. */
void pt_foreign(void);
void pt_types(void);
void pt_args(void);
void pt_pins(void);
void pt_preempt(void);
void pt_ops(void);
void pt_reservation(void);
void pt_aspace(void);
void pt_stress(void);
void pt_wrpt(void);
void pt_wrburst(void);
void pt_uvm_other(void);

#endif /* SELFTEST_PT_UTIL_H */
